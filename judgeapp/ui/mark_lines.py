"""The judges' marks on the attention timeline: a coloured, numbered, draggable line each."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject

from judgeapp.core.marks import Mark
from judgeapp.report.timeline import KIND_RGB
from judgeapp.ui.marks_panel import MarksPanel


class MarkLines(QObject):
    """Draws `panel`'s marks on a pyqtgraph plot; dragging a line moves its mark (undoable)."""

    def __init__(self, plot: pg.PlotItem, panel: MarksPanel) -> None:
        super().__init__(panel)
        self.plot = plot
        self.panel = panel
        self.lines: dict[int, pg.InfiniteLine] = {}
        panel.marksChanged.connect(self.show_marks)
        self.show_marks(panel.marks())

    def show_marks(self, marks: list[Mark]) -> None:
        for line in self.lines.values():
            self.plot.removeItem(line)
        self.lines = {}
        for number, mark in enumerate(marks, start=1):
            rgb = KIND_RGB.get(mark.kind, (90, 90, 90))
            line = pg.InfiniteLine(
                pos=mark.time_s,
                angle=90,
                movable=True,
                pen=pg.mkPen(rgb, width=2),
                hoverPen=pg.mkPen(rgb, width=4),
                label=str(number),
                labelOpts={"position": 0.92, "color": rgb, "movable": False},
            )
            line.setToolTip(f"{mark.kind}: {mark.text}" if mark.text else mark.kind)
            line.setZValue(20)
            line.sigPositionChangeFinished.connect(
                lambda item, mark_id=mark.id: self.panel.move_mark(mark_id, float(item.value()))
            )
            self.plot.addItem(line)
            self.lines[mark.id] = line

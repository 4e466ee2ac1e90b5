"""The judges' marks on the attention timeline: a dashed, coloured, numbered line each.

Marks are dashed in the colour of their kind and labelled with their stable number ("#12");
the playhead is solid, in the plot's foreground colour, and drawn above them, so a mark at the
playhead never hides it. Dragging a line moves its mark to the frame where it is dropped
(undoable).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt

from judgeapp.app.marks_view import mark_angles, mark_label, mark_rgb, mark_tooltip
from judgeapp.core.marks import Mark
from judgeapp.ui.marks_panel import MarksPanel

MARK_Z = 20  # above the attention curves, below the playhead (timeline.PLAYHEAD_Z)


def mark_pen(kind: str, width: float = 2.0) -> pg.QtGui.QPen:
    """The pen of a mark line: its kind's colour, dashed (the playhead is solid)."""
    return pg.mkPen(mark_rgb(kind), width=width, style=Qt.PenStyle.DashLine)


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
        for mark in marks:
            rgb = mark_rgb(mark.kind)
            line = pg.InfiniteLine(
                pos=mark.time_s,
                angle=90,
                movable=True,
                pen=mark_pen(mark.kind),
                hoverPen=mark_pen(mark.kind, width=4),
                label=mark_label(mark),
                labelOpts={
                    "position": 0.92,
                    "color": rgb,
                    "fill": (255, 255, 255, 200),
                    "movable": False,
                },
            )
            frame = self.panel.service.frame_at(mark.time_s)
            angles = mark_angles(self.panel.result, mark.time_s)
            line.setToolTip(mark_tooltip(mark, frame, angles))
            line.setZValue(MARK_Z)
            line.sigPositionChangeFinished.connect(
                lambda item, mark_id=mark.id: self._dragged(mark_id, float(item.value()))
            )
            self.plot.addItem(line, ignoreBounds=True)
            self.lines[mark.id] = line

    def _dragged(self, mark_id: int, time_s: float) -> None:
        """A line was dropped: its mark moves to the start of the frame there."""
        self.panel.move_mark(mark_id, self.panel.service.snap_to_frame(time_s))

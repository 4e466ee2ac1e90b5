"""The marks panel (pytest-qt, offscreen): entry, edits, undo/redo actions, panel score, lines."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from report_helpers import fake_video_info, make_result

from judgeapp.core.marks import PanelScore
from judgeapp.store import Library, UndoStack
from judgeapp.ui.mark_lines import MarkLines
from judgeapp.ui.marks_panel import COL_DEDUCTION, COL_KIND, COL_TEXT, COL_TIME, MarksPanel
from judgeapp.ui.undo_actions import undo_actions


@pytest.fixture
def env(qtbot, tmp_path: Path):
    library = Library.open(tmp_path / "lib.sqlite3")
    stack = UndoStack(library)
    host = QWidget()
    qtbot.addWidget(host)
    panel = MarksPanel(library, stack, host)
    undo, redo = undo_actions(stack, host)
    info = fake_video_info("ball.mp4", duration_s=30.0)
    panel.set_video(info)
    yield panel, library, undo, redo, info, tmp_path / "lib.sqlite3"
    library.close()


def _table(panel: MarksPanel) -> list[tuple[str, ...]]:
    t = panel.table
    return [tuple(t.item(r, c).text() for c in range(4)) for r in range(t.rowCount())]


def _add(qtbot, panel: MarksPanel, time_s: float, kind: str, text: str, deduction: str = ""):
    panel.set_time(time_s)
    panel.kind_combo.setCurrentText(kind)
    panel.deduction_edit.setText(deduction)
    panel.text_edit.setText(text)
    qtbot.keyClick(panel.text_edit, Qt.Key.Key_Return)


def test_enter_adds_a_mark_that_is_on_disk_before_it_is_shown(qtbot, env) -> None:
    panel, library, _, _, info, path = env
    shown = []
    panel.marksChanged.connect(lambda marks: shown.append([m.text for m in marks]))
    _add(qtbot, panel, 12.5, "deduction", "step out", "0.3")
    assert _table(panel) == [("0:12.5", "deduction", "0.3", "step out")]
    with Library.open(path) as other:  # another connection, as after a crash
        assert [(m.time_s, m.text, m.deduction) for m in other.marks_for(info.sha256)] == [
            (12.5, "step out", 0.3)
        ]
    assert shown[-1] == ["step out"]
    assert panel.text_edit.text() == "" and panel.add_button.text() == "Add at 0:12.5"


def test_undo_and_redo_actions_cover_add_edit_move_delete(qtbot, env) -> None:
    panel, library, undo, redo, info, _ = env
    assert not undo.isEnabled() and not redo.isEnabled()
    _add(qtbot, panel, 4.0, "comment", "first")
    _add(qtbot, panel, 9.0, "highlight", "second")
    states = [_table(panel)]
    panel.table.item(0, COL_TEXT).setText("first, edited")  # edit in the table
    states.append(_table(panel))
    panel.table.item(1, COL_TIME).setText("0:20.0")  # move by typing the time
    states.append(_table(panel))
    panel.table.selectRow(0)
    panel.delete_button.click()
    states.append(_table(panel))
    assert states[1][0][3] == "first, edited"
    assert states[2][1][0] == "0:20.0"
    assert states[3] == [("0:20.0", "highlight", "", "second")]
    assert undo.text() == "Undo Delete comment at 0:04.0"
    for expected in reversed(states[:-1]):
        undo.trigger()
        assert _table(panel) == expected
    for expected in states[1:]:
        redo.trigger()
        assert _table(panel) == expected
    assert [m.text for m in library.marks_for(info.sha256)] == ["second"]


def test_bad_edits_are_refused_and_the_cell_shows_the_stored_value(qtbot, env) -> None:
    panel, library, undo, _, info, _ = env
    _add(qtbot, panel, 3.0, "comment", "note")
    panel.table.item(0, COL_TIME).setText("soon")
    assert "not a time" in panel.message.text()
    panel.table.item(0, COL_KIND).setText("praise")
    assert "not one of" in panel.message.text()
    assert _table(panel) == [("0:03.0", "comment", "", "note")]
    panel.table.item(0, COL_DEDUCTION).setText("0.5")  # a deduction value makes it a deduction
    assert _table(panel) == [("0:03.0", "deduction", "0.5", "note")]
    assert panel.message.text() == ""


def test_clicking_a_mark_seeks_the_player(qtbot, env) -> None:
    panel, *_ = env
    _add(qtbot, panel, 7.25, "highlight", "throw")
    with qtbot.waitSignal(panel.seekRequested) as sought:
        panel.table.cellClicked.emit(0, COL_TEXT)
    assert sought.args == [7.25]


def test_panel_score_entry_compares_with_the_prediction(qtbot, env) -> None:
    panel, library, undo, _, info, _ = env
    panel.set_result(make_result(info, score=17.0))
    panel.total_edit.setText("18.5")
    panel.difficulty_edit.setText("9")
    panel.save_panel_button.click()
    assert library.get_panel_score(info.sha256) == PanelScore(18.5, 9.0, None)
    assert "difference: -1.50" in panel.comparison.text()
    panel.total_edit.setText("")
    panel.save_panel_button.click()
    assert "total" in panel.message.text()
    undo.trigger()
    assert library.get_panel_score(info.sha256) is None
    assert panel.total_edit.text() == ""


def test_marks_are_lines_on_the_timeline_and_dragging_moves_them(qtbot, env) -> None:
    panel, library, undo, _, info, _ = env
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    lines = MarkLines(plot.getPlotItem(), panel)
    _add(qtbot, panel, 2.0, "deduction", "a", "0.1")
    _add(qtbot, panel, 6.0, "comment", "b")
    assert sorted(line.value() for line in lines.lines.values()) == [2.0, 6.0]
    mark_id = library.marks_for(info.sha256)[0].id
    line = lines.lines[mark_id]
    line.setValue(11.0)
    line.sigPositionChangeFinished.emit(line)
    assert [m.time_s for m in library.marks_for(info.sha256)] == [6.0, 11.0]
    undo.trigger()
    assert sorted(line.value() for line in lines.lines.values()) == [2.0, 6.0]


def test_without_a_video_nothing_can_be_entered(qtbot, tmp_path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        panel = MarksPanel(library, UndoStack(library))
        qtbot.addWidget(panel)
        assert not panel.text_edit.isEnabled() and panel.add_mark_now() is None

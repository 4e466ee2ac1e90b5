"""The marks panel (pytest-qt, offscreen): entry, edits, undo/redo actions, panel score, lines,
and the keyboard going back to the player after a note (issue 14: 3, 5, 6)."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget
from report_helpers import fake_video_info, make_result
from ui_helpers import marks_panel_for
from video_helpers import write_video

from judgeapp.app.marks_service import MarksService
from judgeapp.core.marks import PanelScore
from judgeapp.store import Library, UndoStack
from judgeapp.ui.mark_lines import MarkLines
from judgeapp.ui.marks_panel import (
    COL_DEDUCTION,
    COL_KIND,
    COL_NUMBER,
    COL_TEXT,
    COL_TIME,
    MarksPanel,
)
from judgeapp.ui.player import Player
from judgeapp.ui.undo_actions import undo_actions
from judgeapp.ui.workers import live_threads
from judgeapp.video import probe
from judgeapp.video.frame_cache import FrameSource


@pytest.fixture
def env(qtbot, tmp_path: Path):
    library = Library.open(tmp_path / "lib.sqlite3")
    panel, _, undo, redo, info = marks_panel_for(qtbot, library, "ball.mp4")
    yield panel, library, undo, redo, info, tmp_path / "lib.sqlite3"
    library.close()


def _table(panel: MarksPanel) -> list[tuple[str, ...]]:
    """Time (without the frame), kind, deduction and text of each row."""
    t = panel.table
    return [
        (t.item(r, COL_TIME).text().split(" · ")[0],)
        + tuple(t.item(r, c).text() for c in (COL_KIND, COL_DEDUCTION, COL_TEXT))
        for r in range(t.rowCount())
    ]


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
    assert panel.text_edit.text() == "" and panel.add_button.text() == "Add at 0:12.5 · f312"
    assert panel.table.item(0, COL_TIME).text() == "0:12.5 · f312"  # the frame too (25 fps)


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


def test_selecting_a_mark_does_not_seek_so_it_can_be_moved_here(qtbot, env) -> None:
    panel, library, undo, _, info, _ = env
    _add(qtbot, panel, 7.25, "highlight", "throw")
    sought = []
    panel.seekRequested.connect(sought.append)
    panel.table.clearSelection()
    rect = panel.table.visualItemRect(panel.table.item(0, COL_TEXT))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_id() is not None and sought == []  # selected, the player stays
    panel.set_time(11.0)  # the judge moves the player on
    panel.move_here_button.click()
    assert [m.time_s for m in library.marks_for(info.sha256)] == [11.0]
    assert panel.selected_id() is not None  # still selected after the move
    with qtbot.waitSignal(panel.seekRequested) as by_button:
        panel.goto_button.click()
    assert by_button.args == [11.0]
    panel.table.setFocus()
    with qtbot.waitSignal(panel.seekRequested) as by_enter:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert by_enter.args == [11.0]
    with qtbot.waitSignal(panel.seekRequested) as by_double_click:
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert by_double_click.args == [11.0]


def test_mark_numbers_stay_when_a_mark_is_added_earlier(qtbot, env) -> None:
    panel, library, _, _, info, _ = env
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    lines = MarkLines(plot.getPlotItem(), panel)
    _add(qtbot, panel, 20.0, "deduction", "fall", "0.5")
    late = library.marks_for(info.sha256)[0]
    number = panel.table.item(0, COL_NUMBER).text()
    label = lines.lines[late.id].label.textItem.toPlainText()
    _add(qtbot, panel, 5.0, "comment", "earlier")  # inserted before it in time
    assert [row[3] for row in _table(panel)] == ["earlier", "fall"]
    assert panel.table.item(1, COL_NUMBER).text() == number
    assert lines.lines[late.id].label.textItem.toPlainText() == label
    earlier = library.marks_for(info.sha256)[0]
    assert lines.lines[earlier.id].label.textItem.toPlainText() != label


def test_typing_a_frame_in_the_time_cell_moves_the_mark_there(qtbot, env) -> None:
    panel, library, _, _, info, _ = env
    _add(qtbot, panel, 2.0, "comment", "x")
    panel.table.item(0, COL_TIME).setText("f120")
    assert [m.time_s for m in library.marks_for(info.sha256)] == [4.8]
    assert panel.table.item(0, COL_TIME).text() == "0:04.8 · f120"


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


def test_a_panel_score_off_the_scale_or_not_adding_up_is_refused(qtbot, env) -> None:
    panel, library, _, _, info, _ = env
    panel.set_result(make_result(info, score=17.0))  # a total score of 25
    panel.total_edit.setText("30")
    panel.save_panel_button.click()
    assert "outside the score range 0-25" in panel.message.text()
    assert library.get_panel_score(info.sha256) is None
    panel.total_edit.setText("20")
    panel.difficulty_edit.setText("8")
    panel.execution_edit.setText("9")
    qtbot.keyClick(panel.total_edit, Qt.Key.Key_Return)
    assert "more than difficulty + execution (8 + 9 = 17)" in panel.message.text()
    assert library.get_panel_score(info.sha256) is None
    panel.total_edit.setText("")  # empty: D + E - penalty
    panel.penalty_edit.setText("0.3")
    panel.save_panel_button.click()
    assert library.get_panel_score(info.sha256) == PanelScore(16.7, 8.0, 9.0)
    assert panel.total_edit.text() == "16.7" and panel.message.text() == ""


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
    line.setValue(11.013)  # dropped inside frame 275 (25 fps): the mark goes to its start
    line.sigPositionChangeFinished.emit(line)
    assert [m.time_s for m in library.marks_for(info.sha256)] == [6.0, 11.0]
    undo.trigger()
    assert sorted(line.value() for line in lines.lines.values()) == [2.0, 6.0]


def test_without_a_video_nothing_can_be_entered(qtbot, tmp_path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        panel = MarksPanel(library, UndoStack(library))
        qtbot.addWidget(panel)
        assert not panel.text_edit.isEnabled() and panel.add_mark_now() is None


def test_the_panel_takes_a_marks_service_and_undo_actions_follow_it(qtbot, tmp_path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        service = MarksService(library)
        host = QWidget()
        qtbot.addWidget(host)
        panel = MarksPanel(service, host)
        undo, _ = undo_actions(service, host)
        panel.set_video(fake_video_info("hoop.mp4", duration_s=10.0))
        panel.set_time(2.0)
        panel.text_edit.setText("catch")
        panel.add_button.click()
        assert [m.text for m in service.marks()] == ["catch"] and undo.isEnabled()
        undo.trigger()
        assert panel.table.rowCount() == 0


@pytest.fixture
def desk(qtbot, tmp_path: Path):
    """A player and a marks panel side by side in one window, on a real (small) video."""
    video = write_video(tmp_path / "routine.mp4", fps=10.0, frames=40)
    info = probe(video, with_hash=True)
    library = Library.open(tmp_path / "lib.sqlite3")
    window = QWidget()
    qtbot.addWidget(window)
    player = Player(window)
    panel = MarksPanel(library, UndoStack(library), window)
    row = QHBoxLayout(window)
    row.addWidget(player, 2)
    row.addWidget(panel, 1)
    window.resize(1000, 500)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    player.set_source(FrameSource(video, info))
    qtbot.waitUntil(lambda: player.current_index == 0)
    player.positionChanged.connect(lambda _i, time_s: panel.set_time(time_s))
    panel.set_video(info)
    yield window, player, panel, library, info
    player.shutdown()
    window.close()
    library.close()
    assert live_threads() == []


def test_after_enter_the_transport_keys_work_again(qtbot, desk) -> None:
    window, player, panel, library, info = desk
    panel.text_edit.setFocus()
    qtbot.keyClicks(panel.text_edit, "fall on landing")  # Space types a space here
    qtbot.keyClick(panel.text_edit, Qt.Key.Key_Return)
    assert [m.text for m in library.marks_for(info.sha256)] == ["fall on landing"]
    focus = window.focusWidget()
    assert focus is not panel.text_edit
    qtbot.keyClick(focus, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.current_index == 1)
    qtbot.keyClick(focus, Qt.Key.Key_Space)
    assert player.playing and panel.text_edit.text() == ""
    player.pause()


def test_escape_or_a_click_on_the_video_gives_the_keys_back(qtbot, desk) -> None:
    window, player, panel, library, info = desk
    panel.text_edit.setFocus()
    qtbot.keyClicks(panel.text_edit, "half")
    qtbot.keyClick(panel.text_edit, Qt.Key.Key_Escape)
    assert window.focusWidget() is not panel.text_edit
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.current_index == 1)
    assert panel.text_edit.text() == "half" and library.marks_for(info.sha256) == []
    panel.text_edit.setFocus()
    qtbot.mouseClick(player.view.viewport(), Qt.MouseButton.LeftButton)
    assert window.focusWidget() is player
    qtbot.keyClick(player, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: player.current_index == 0)
    assert panel.text_edit.text() == "half"

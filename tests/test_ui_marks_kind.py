"""Nothing a judge types is dropped without a word (issue 20, item 2), offscreen.

The kind box kept the last kind used: after a comment the deduction field was greyed and a 0.5
typed for the next mark was lost. A mark's kind could be changed only by typing the word into
its cell ("penalty" refused). Typing at the player (a path meant for a terminal) made a mark
named after it: M put the keyboard in the note field, and Enter saved what followed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from ui_helpers import marks_panel_for
from video_helpers import write_video

from judgeapp.store import Library
from judgeapp.ui.marks_panel import COL_DEDUCTION, COL_KIND, MarksPanel


@pytest.fixture
def env(qtbot, tmp_path: Path):
    library = Library.open(tmp_path / "lib.sqlite3")
    panel, host, undo, _, info = marks_panel_for(qtbot, library, "beam.mp4")
    host.show()
    yield panel, library, undo, info
    library.close()


def _stored(library, info):
    return [(m.kind, m.deduction, m.text) for m in library.marks_for(info.sha256)]


def test_a_deduction_typed_after_a_comment_is_a_deduction(qtbot, env):
    panel, library, _, info = env
    panel.kind_combo.setCurrentText("comment")
    panel.set_time(3.0)
    qtbot.keyClicks(panel.text_edit, "nice line")
    qtbot.keyClick(panel.text_edit, Qt.Key.Key_Return)
    assert panel.kind_combo.currentText() == "comment"  # the last kind used, as before
    assert panel.deduction_edit.isEnabled()  # was greyed: the 0.5 went nowhere
    panel.set_time(7.0)
    qtbot.keyClicks(panel.deduction_edit, "0.5")
    assert panel.kind_combo.currentText() == "deduction"  # shown at once
    qtbot.keyClicks(panel.text_edit, "bent knees")
    qtbot.keyClick(panel.text_edit, Qt.Key.Key_Return)
    assert _stored(library, info) == [
        ("comment", None, "nice line"),
        ("deduction", 0.5, "bent knees"),
    ]


def test_a_deduction_left_with_another_kind_is_refused_and_kept(qtbot, env):
    panel, library, _, info = env
    panel.set_time(7.0)
    qtbot.keyClicks(panel.deduction_edit, "0.3")
    panel.kind_combo.setCurrentText("highlight")  # chosen after typing it
    panel.text_edit.setText("landing")
    assert panel.add_mark_now() is None
    assert _stored(library, info) == []  # was: a highlight, the 0.3 gone without a word
    message = panel.message.text()
    assert "highlight carries no deduction" in message and "0.3" in message
    assert panel.deduction_edit.text() == "0.3" and panel.text_edit.text() == "landing"
    panel.kind_combo.setCurrentText("deduction")
    assert panel.add_mark_now() is not None
    assert _stored(library, info) == [("deduction", 0.3, "landing")]
    assert panel.message.text() == ""


def _choose_kind(qtbot, panel: MarksPanel, row: int, kind: str) -> QComboBox:
    item = panel.table.item(row, COL_KIND)
    panel.table.setCurrentItem(item)
    panel.table.editItem(item)
    editors = panel.table.viewport().findChildren(QComboBox)
    assert len(editors) == 1, "the kind cell opens a list"  # was: a line to type a word in
    editor = editors[0]
    assert [editor.itemText(i) for i in range(editor.count())] == [
        "deduction",
        "highlight",
        "comment",
    ]
    assert editor.currentText() == item.text()
    editor.setCurrentText(kind)
    editor.activated.emit(editor.currentIndex())
    qtbot.waitUntil(lambda: not panel.table.viewport().findChildren(QComboBox))
    return editor


def test_a_marks_kind_is_chosen_from_a_list_in_its_cell(qtbot, env):
    panel, library, undo, info = env
    panel.kind_combo.setCurrentText("comment")
    panel.set_time(4.0)
    panel.text_edit.setText("wobble")
    panel.add_mark_now()
    _choose_kind(qtbot, panel, 0, "deduction")
    assert _stored(library, info) == [("deduction", None, "wobble")]
    panel.table.item(0, COL_DEDUCTION).setText("0.5")
    assert _stored(library, info) == [("deduction", 0.5, "wobble")]
    _choose_kind(qtbot, panel, 0, "comment")  # the deduction's value goes, and it is said
    assert _stored(library, info) == [("comment", None, "wobble")]
    assert "deduction 0.5 was removed" in panel.message.text()
    assert "Ctrl+Z" in panel.message.text()
    undo.trigger()
    assert _stored(library, info) == [("deduction", 0.5, "wobble")]


@pytest.fixture
def window(qtbot, tmp_path, review_window):
    win, review = review_window()
    video = write_video(tmp_path / "routine.mp4", fps=10.0, frames=60)
    assert win.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)
    return win, review


def _type(qtbot, win, text: str) -> None:
    """Type as a keyboard does: each key goes to the widget that has the focus then."""
    for char in text:
        target = QApplication.focusWidget() or win
        if char == "\r":
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            qtbot.keyClicks(target, char)


def test_typing_at_the_player_makes_no_mark(qtbot, window):
    win, review = window
    panel = review.marks_panel
    win.activateWindow()
    win.player.setFocus()
    qtbot.waitUntil(win.player.hasFocus)
    _type(qtbot, win, "judgeapp /work/shared/media/room_people_139s.mp4\r")
    win.player.pause()
    assert panel.marks() == []  # was: a comment "edia/room_people_139s.mp4"
    assert not panel.text_edit.hasFocus()
    keys = {row[1]: row[0] for row in win.shortcut_rows()}
    assert "Ctrl+M" in keys and "M" in keys
    # M only shows the marks: the keyboard stays with the player.
    qtbot.keyClick(win.player, Qt.Key.Key_M)
    assert not panel.text_edit.hasFocus() and not review.marks_dock.isHidden()
    # Ctrl+M is the deliberate way in: the note field takes the keyboard, Enter adds.
    qtbot.keyClick(win.player, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.text_edit.hasFocus)
    qtbot.keyClicks(panel.text_edit, "take-off")
    qtbot.keyClick(panel.text_edit, Qt.Key.Key_Return)
    assert [m.text for m in panel.marks()] == ["take-off"]
    assert win.player.hasFocus()  # the keyboard went back to the player

"""The comparison window's A-B loop and go-to field on the common time axis."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_ui_compare import clips, on_screen, window  # noqa: F401 - the shared fixtures

from judgeapp.app.compare import CommonLoop


def test_go_to_field_moves_both_and_refuses_bad_text(qtbot, window) -> None:  # noqa: F811
    on_screen(qtbot, window)
    window.goto_edit.setText("A 0:05")
    qtbot.keyClick(window.goto_edit, Qt.Key.Key_Return)
    assert window.transport.t == pytest.approx(5.0)
    assert on_screen(qtbot, window) == (120, 25)
    assert window.goto_edit.text() == ""
    window.actions_by_name["goto"].trigger()
    window.goto_edit.setText("0:40")
    qtbot.keyClick(window.goto_edit, Qt.Key.Key_Return)
    assert "off the common timeline" in window.statusBar().currentMessage()
    assert window.transport.t == pytest.approx(5.0)  # nothing moved
    window.goto_edit.setText("B 0:02")
    qtbot.keyClick(window.goto_edit, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == ""
    assert on_screen(qtbot, window) == (48, 10)


def test_loop_keys_and_buttons_play_round_the_loop(qtbot, window) -> None:  # noqa: F811
    on_screen(qtbot, window)
    window.seek(1.0)
    window.actions_by_name["loop_a"].trigger()
    window.seek(1.5)
    window.loop_b_button.click()
    assert window.transport.loop == CommonLoop(1.0, 1.5)
    assert window.timeline.loop == window.transport.loop  # drawn on the common timeline
    assert window.loop_clear_button.isEnabled()
    assert "A-B loop +0:01.0 to +0:01.5" in window.loop_clear_button.toolTip()
    window.seek(0.0)
    window.actions_by_name["play"].trigger()
    seen: list[float] = []

    def wrapped() -> bool:
        seen.append(window.transport.t)
        return any(later < earlier for earlier, later in zip(seen, seen[1:], strict=False))

    qtbot.waitUntil(wrapped, timeout=20_000)
    assert window.transport.velocity == 1.0  # still playing: a loop plays until paused
    window.actions_by_name["stop"].trigger()
    assert all(1.0 - 1e-9 <= t <= 1.5 for t in seen)
    a, _ = on_screen(qtbot, window)
    assert 24 <= a <= 36  # A's frames of common 1.0-1.5 s (sync 0, 24 fps)
    window.actions_by_name["loop_clear"].trigger()
    assert window.transport.loop == CommonLoop() and not window.loop_clear_button.isEnabled()
    # Unlinked, the common loop cannot be set (each side moves on its own).
    window.link_button.setChecked(False)
    assert not window.loop_a_button.isEnabled()
    window.actions_by_name["loop_a"].trigger()
    assert window.transport.loop == CommonLoop()

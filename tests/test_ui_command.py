"""`judgeapp gui [VIDEO]` starts the window, opens the video, and exits cleanly when closed."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from judgeapp.cli import main
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.workers import live_threads

NO_DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


@pytest.fixture
def private_settings(tmp_path):
    """Default-constructed QSettings (the app's own) go to a temporary folder."""
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(tmp_path / "settings"))
    return tmp_path / "settings"


def test_gui_command_opens_the_video_and_exits_when_closed(qapp, media_dir, private_settings):
    video = media_dir / "squats_portrait_5fps.mp4"
    seen = {}

    def close_when_open() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = windows[0] if windows else None
        if window is None or window.player.current_index < 0 or not window.model_banner.message():
            QTimer.singleShot(50, close_when_open)
            return
        seen["path"] = window.session.path
        seen["banner"] = window.model_banner.message()  # no head installed in the test folders
        window.close()

    QTimer.singleShot(50, close_when_open)
    assert main(["gui", str(video)]) == 0
    assert seen["path"] == video
    assert "Analysis ▸ Models" in seen["banner"]
    assert live_threads() == [] and multiprocessing.active_children() == []


def _window_message(target: str) -> tuple[int, str, bool]:
    """Run `judgeapp gui TARGET`; (exit code, the error banner's text, window was shown)."""
    seen = {}

    def close_when_said() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]  # an earlier run's window may still exist, closed
        if not windows or not windows[0].error_banner.message():
            QTimer.singleShot(50, close_when_said)
            return
        seen["message"] = windows[0].error_banner.message()
        seen["shown"] = windows[0].isVisible()
        windows[0].close()

    QTimer.singleShot(50, close_when_said)
    code = main(["gui", target])
    return code, seen.get("message", ""), seen.get("shown", False)


def test_gui_with_a_missing_file_or_a_folder_opens_the_window_and_says_so(
    qapp, private_settings, tmp_path
):
    # From a desktop launcher nobody reads the terminal: the window opens and says it.
    code, message, shown = _window_message(str(tmp_path / "nowhere.mp4"))
    assert code == 0 and shown and "nowhere.mp4: no such file" in message
    code, message, shown = _window_message(str(tmp_path))
    assert code == 0 and shown and "is a folder" in message


def test_missing_x11_libraries_are_named_in_one_line(capsys, monkeypatch):
    from judgeapp.commands import gui

    def load(library: str):
        if library in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"):
            raise OSError(f"{library}: cannot open shared object file")

    monkeypatch.setattr(gui.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    problem = gui.qt_platform_problem(load)
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 " in problem
    assert gui.qt_platform_problem(lambda _library: None) is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # no X11 plugin needed
    assert gui.qt_platform_problem(load) is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(gui, "missing_xcb_packages", lambda _load=None: ["libxcb-cursor0"])
    assert main(["gui"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "libxcb-cursor0" in err[0] and "Traceback" not in err[0]


def test_without_a_display_the_gui_command_says_so_in_one_line(tmp_path):
    """Qt aborted the process (SIGABRT, its plugin lines, no `error:` line)."""
    env = {k: v for k, v in os.environ.items() if k not in NO_DISPLAY_VARS}
    run = subprocess.run(
        [sys.executable, "-c", "from judgeapp.cli import main; raise SystemExit(main(['gui']))"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    err = run.stderr.strip().splitlines()
    assert run.returncode == 1, run.stderr[-1000:]
    assert len(err) == 1 and err[0].startswith("error: the desktop app "), err


def test_no_display_is_told_apart_from_a_chosen_platform():
    from judgeapp.commands.gui import no_display_problem

    if not sys.platform.startswith("linux"):
        pytest.skip("X11 and Wayland displays are a Linux matter")
    assert "needs a display" in no_display_problem({})
    assert no_display_problem({"DISPLAY": ":0"}) is None
    assert no_display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert no_display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert "needs a display" in no_display_problem({"QT_QPA_PLATFORM": "xcb"})

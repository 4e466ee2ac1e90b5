"""`judgeapp gui [VIDEO]` starts the window, opens the video, and exits cleanly when closed."""

from __future__ import annotations

import multiprocessing

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from judgeapp.cli import main
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.workers import live_threads


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
    assert "judgeapp models install" in seen["banner"]
    assert live_threads() == [] and multiprocessing.active_children() == []


def test_gui_command_refuses_a_missing_file(capsys, tmp_path):
    assert main(["gui", str(tmp_path / "nowhere.mp4")]) == 1
    assert "nowhere.mp4: no such file" in capsys.readouterr().err

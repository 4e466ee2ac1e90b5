"""The athlete rule in the settings dialog, kept across sessions."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import ATHLETE_RULES, AnalysisRequest
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.settings_dialog import SettingsDialog


def test_the_athlete_rule_is_offered_edited_and_kept(qtbot, tmp_path) -> None:
    start = AppSettings(AnalysisRequest(detector="pose"))
    dialog = SettingsDialog(start)
    qtbot.addWidget(dialog)
    offered = [dialog.athlete.itemData(i) for i in range(dialog.athlete.count())]
    assert tuple(offered) == ATHLETE_RULES
    assert "recommended" in dialog.athlete.itemText(0)
    assert "paper" in dialog.athlete.itemText(1)
    assert dialog.settings() == start
    dialog.athlete.setCurrentIndex(dialog.athlete.findData("largest"))
    edited = dialog.settings()
    assert edited.request.athlete == "largest"
    assert edited.request != start.request  # saving analyses the open video again

    path = str(tmp_path / "settings.ini")
    SettingsStore(QSettings(path, QSettings.Format.IniFormat)).save(edited)
    assert (
        SettingsStore(QSettings(path, QSettings.Format.IniFormat)).load().request.athlete
        == "largest"
    )
    fresh = str(tmp_path / "fresh.ini")
    assert (
        SettingsStore(QSettings(fresh, QSettings.Format.IniFormat)).load().request.athlete
        == "track"
    )

"""The settings dialog shows the settings it was given and returns what was edited."""

from __future__ import annotations

from judgeapp.app.view_models import AppSettings
from judgeapp.detect import DETECTOR_KINDS
from judgeapp.ui.settings_dialog import SettingsDialog


def test_every_detector_is_offered_and_edits_round_trip(qtbot) -> None:
    start = AppSettings(device="cpu", model="/heads/ball.safetensors", detector="hog", k=6)
    dialog = SettingsDialog(start)
    qtbot.addWidget(dialog)
    offered = [dialog.detector.itemData(i) for i in range(dialog.detector.count())]
    assert tuple(offered) == DETECTOR_KINDS
    assert dialog.settings() == start  # nothing edited: the same settings come back

    dialog.detector.setCurrentIndex(dialog.detector.findData("none"))
    dialog.model_kind.setCurrentIndex(dialog.model_kind.findData("random"))
    dialog.random_backbones.setChecked(True)
    dialog.k.setValue(3)
    edited = dialog.settings()
    assert (edited.detector, edited.model, edited.pretrained, edited.k) == (
        "none",
        "random",
        False,
        3,
    )
    assert edited.device == "cpu" and edited.recent == start.recent


def test_engine_and_precision_are_offered_edited_and_kept_across_sessions(qtbot, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from judgeapp.app.view_models import ENGINE_KINDS, PRECISION_KINDS
    from judgeapp.ui.settings import SettingsStore

    start = AppSettings(engine="torch", precision="fp32")
    dialog = SettingsDialog(start)
    qtbot.addWidget(dialog)
    engines = [dialog.engine.itemData(i) for i in range(dialog.engine.count())]
    precisions = [dialog.precision.itemData(i) for i in range(dialog.precision.count())]
    assert set(engines) == set(ENGINE_KINDS) and set(precisions) == set(PRECISION_KINDS)
    assert dialog.settings() == start
    dialog.engine.setCurrentIndex(dialog.engine.findData("openvino"))
    dialog.precision.setCurrentIndex(dialog.precision.findData("bf16"))
    edited = dialog.settings()
    assert (edited.request.engine, edited.request.precision) == ("openvino", "bf16")

    path = str(tmp_path / "settings.ini")
    SettingsStore(QSettings(path, QSettings.Format.IniFormat)).save(edited)
    again = SettingsStore(QSettings(path, QSettings.Format.IniFormat)).load()
    assert (again.engine, again.precision) == ("openvino", "bf16")

"""The settings dialog shows the settings it was given and returns what was edited."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.detect import DETECTOR_KINDS
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.settings_dialog import SettingsDialog


def test_every_detector_is_offered_and_edits_round_trip(qtbot) -> None:
    start = AppSettings(
        AnalysisRequest(device="cpu", model="/heads/ball.safetensors", detector="hog"), k=6
    )
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
    assert (edited.request.detector, edited.request.model, edited.request.pretrained, edited.k) == (
        "none",
        "random",
        False,
        3,
    )
    assert edited.request.device == "cpu" and edited.recent == start.recent


def test_engine_and_precision_are_offered_edited_and_kept_across_sessions(qtbot, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from judgeapp.app.requests import ENGINE_KINDS, PRECISION_KINDS
    from judgeapp.ui.settings import SettingsStore

    start = AppSettings(AnalysisRequest(engine="torch", precision="fp32"))
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
    assert (again.request.engine, again.request.precision) == ("openvino", "bf16")


def test_settings_written_by_another_version_load_with_defaults_for_what_is_unknown(tmp_path):
    ini = tmp_path / "judgeapp.ini"
    ini.write_text(
        "[analysis]\ndevice=cpu\npretrained=false\ndetector=ssd\nengine=openvino\n"
        "athlete=largest\nauto=false\nfuture_option=1\n[view]\nk=5\n"
    )
    loaded = SettingsStore(QSettings(str(ini), QSettings.Format.IniFormat)).load()
    assert loaded.request == AnalysisRequest(
        device="cpu", pretrained=False, detector="auto", engine="openvino", athlete="largest"
    )
    assert (loaded.k, loaded.auto_analyze) == (5, False)
    store = SettingsStore(QSettings(str(tmp_path / "again.ini"), QSettings.Format.IniFormat))
    store.save(loaded)
    assert store.load() == loaded  # the request kept as one record, read back the same

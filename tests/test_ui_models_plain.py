"""The Models window as a coach meets it, offscreen: no internet gives one line and the tables
keep their height; only the files the settings use are fetched; plain words, with the exact
names in the details view."""

from __future__ import annotations

import importlib
import socket
from pathlib import Path

import pytest
from ui_helpers import shown
from weights_helpers import own_weights_folders

from judgeapp.app.jobs import live_job_threads
from judgeapp.app.models_service import OFFLINE_LINE
from judgeapp.ui.models_window import ModelsWindow
from judgeapp.weights import REGISTRY

JOB_TIMEOUT_MS = 60_000
TORCHVISION_FILES = {
    "s3d_kinetics400",
    "resnet50_imagenet1k_v2",
    "blazepose_detector",
    "blazepose_landmark_full",
}


@pytest.fixture(autouse=True)
def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "laptop")


@pytest.fixture
def models(qtbot):
    window = ModelsWindow()
    shown(qtbot, window, (900, 640))
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=JOB_TIMEOUT_MS)
    yield window
    window.close()
    assert list(live_job_threads()) == []


def _no_internet(monkeypatch) -> list[str]:
    """No name resolves (the real socket.gaierror); returns the files download() was asked for."""
    monkeypatch.delenv("JUDGEAPP_OFFLINE", raising=False)

    def getaddrinfo(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    downloads = importlib.import_module("judgeapp.weights.download")
    real = downloads.download
    tried: list[str] = []

    def spy(entry, *args, **kwargs):
        tried.append(entry.name)
        return real(entry, *args, **kwargs)

    monkeypatch.setattr(downloads, "download", spy)
    return tried


def _column(window: ModelsWindow, header: str) -> int:
    table = window.table
    return next(
        c for c in range(table.columnCount()) if table.horizontalHeaderItem(c).text() == header
    )


def test_download_all_offline_is_one_line_and_the_tables_keep_their_height(
    qtbot, models, monkeypatch
) -> None:
    tried = _no_internet(monkeypatch)
    models.set_analysis_choice("", "torchvision", "auto", True)
    heights = (models.table.height(), models.heads_table.height())
    button = models.download_button
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: not models.is_busy(), timeout=JOB_TIMEOUT_MS)
    qtbot.wait(50)  # let the layout settle

    message = models.message.text()
    assert message == OFFLINE_LINE and "\n" not in message and "Errno" not in message
    # The button the line names exists.
    assert models.install_button.text().startswith("Install from file")
    # Only the chosen settings' files were tried (not all eight).
    assert set(tried) == TORCHVISION_FILES
    # The tables did not shrink for the message.
    assert models.table.height() >= heights[0] - 2
    assert models.heads_table.height() >= heights[1] - 2
    rows = models.table.verticalHeader().defaultSectionSize()
    assert models.table.height() >= 4 * rows
    # The raw resolver errors are kept for the details view, not shown in the line.
    models.details_button.setChecked(True)
    assert models.details_text.isVisible()
    assert "Name or service not known" in models.details_text.toPlainText()


def test_rows_say_what_each_file_is_for_and_whether_it_is_needed(models) -> None:
    models.set_analysis_choice("", "paper", "yolo", True)
    table = models.table
    purpose, needed = _column(models, "What it is for"), _column(models, "Needed now")
    by_name = {
        s.entry.name: (table.item(r, purpose).text(), table.item(r, needed).text())
        for r, s in enumerate(models.statuses)
    }
    assert by_name["i3d_rgb_kinetics400"] == (
        "Video network: recognises movement (original-study set)",
        "yes",
    )
    assert by_name["yolo"][0].startswith("Athlete finder: finds the athlete")
    assert by_name["yolo"][1] == "yes" and by_name["s3d_kinetics400"][1] == "no"
    visible_headers = [
        table.horizontalHeaderItem(c).text()
        for c in range(table.columnCount())
        if not table.isColumnHidden(c)
    ]
    shown = " ".join(
        [*visible_headers, models.intro.text(), models.heads_intro.text()]
        + [table.item(r, purpose).text() for r in range(table.rowCount())]
    ).lower()
    for word in ("s3d_kinetics400", "heads", "profile", "stream", "spearman"):
        assert word not in shown, word
    assert models.download_button.text() == "Download Needed Files"


def test_the_exact_names_are_in_the_details_view(models) -> None:
    table = models.table
    file_col, name_col = _column(models, "File name"), _column(models, "Registry name")
    assert table.isColumnHidden(file_col) and table.isColumnHidden(name_col)
    spearman = next(
        c
        for c in range(models.heads_table.columnCount())
        if models.heads_table.horizontalHeaderItem(c).text() == "Test Spearman"
    )
    assert models.heads_table.isColumnHidden(spearman)

    models.details_button.setChecked(True)
    assert not table.isColumnHidden(file_col) and not table.isColumnHidden(name_col)
    assert not models.heads_table.isColumnHidden(spearman)
    row = list(REGISTRY).index("s3d_kinetics400")
    assert table.item(row, file_col).text() == "s3d-d76dad2f.pth"
    assert table.item(row, name_col).text() == "s3d_kinetics400"
    yolo = list(REGISTRY).index("yolo")
    assert REGISTRY["yolo"].sha256 in table.item(yolo, 0).toolTip()
    models.details_button.setChecked(False)
    assert table.isColumnHidden(file_col)


def test_the_settings_speak_plainly_with_the_exact_names_in_tooltips(qtbot) -> None:
    from judgeapp.app.app_settings import AppSettings
    from judgeapp.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    boxes = (dialog.device, dialog.engine, dialog.precision, dialog.profile, dialog.detector)
    shown = " ".join(box.itemText(i) for box in boxes for i in range(box.count()))
    shown += " " + dialog.model_path.placeholderText()
    for word in ("OpenVINO", "fp16", "fp32", "bf16", ".safetensors", "head", "CUDA", "HOG"):
        assert word not in shown, word
    assert "OpenVINO" in dialog.engine.toolTip()
    assert "fp16" in dialog.precision.toolTip() and "fp32" in dialog.precision.toolTip()
    assert "torchvision" in dialog.profile.toolTip()
    assert ".safetensors" in dialog.model_path.toolTip()

"""The score import dialog: the preview shows what matched and what did not, writes nothing,
refuses a file with problems, imports a good one; the library window undoes the import."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ui_helpers import shown

from judgeapp.app.library_service import LibraryService
from judgeapp.app.score_import import ScoreImportService
from judgeapp.core.marks import PanelScore
from judgeapp.core.results import VideoInfo
from judgeapp.ui.library_window import LibraryWindow
from judgeapp.ui.score_import_dialog import ScoreImportDialog

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "score-import.png"


@pytest.fixture
def service(tmp_path):
    lib = LibraryService.open(tmp_path / "lib.sqlite3")
    names = ["Ball_001.mp4", "Ball_002.mp4", "Ball_003.mp4", "Hoop_001.mp4", "Hoop_002.mp4"]
    for i, name in enumerate(names):
        info = VideoInfo(str(tmp_path / name), f"{i + 1:064x}", 90.0, 25.0, 2250, 1280, 720)
        lib.library.remember_video(info)
    lib.library.set_panel_score(f"{1:064x}", PanelScore(10.5, 4.0, 6.5))
    yield lib
    lib.close()


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "panel.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _preview(qtbot, dialog: ScoreImportDialog, path: Path) -> None:
    dialog.file.setText(str(path))
    dialog.start_preview()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)


def test_a_file_with_problems_shows_them_and_cannot_be_imported(qtbot, service, tmp_path):
    path = _csv(
        tmp_path,
        "name,difficulty,execution,total,routine,athlete\n"
        "Ball_001,4.2,6.9,11.1,ball,anna\nBall_002,3.8,7.1,10.9,ball,bea\n"
        "Ball_003,4.5,7.4,11.9,ball,anna\nHoop_001,4.1,6.2,10.3,hoop,carla\n"
        "Hoop_02,4.0,6.0,10.0,hoop,dana\n",
    )
    dialog = ScoreImportDialog(ScoreImportService(service.library))
    shown(qtbot, dialog, (1000, 480))
    _preview(qtbot, dialog, path)
    assert dialog.table.rowCount() == 5
    changes = [dialog.table.item(r, 6).text() for r in range(5)]
    assert changes == ["changed", "new", "new", "new", "—"]
    assert dialog.problems.isVisible()
    assert "line 6: video 'Hoop_02' is not in the library" in dialog.problems.toPlainText()
    assert not dialog.import_button.isEnabled()
    assert service.panel_score(f"{2:064x}") is None  # the preview wrote nothing
    if os.environ.get("JUDGEAPP_SCREENSHOTS"):
        dialog.grab().save(str(SCREENSHOT))


def test_import_then_undo_from_the_library_window(qtbot, service, tmp_path):
    path = _csv(tmp_path, "name,total,routine\nBall_002,9.5,ball\nHoop_002,8,hoop\n")
    window = LibraryWindow(service)
    qtbot.addWidget(window)
    window.open_score_import()
    dialog = window.dialog
    _preview(qtbot, dialog, path)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert service.panel_score(f"{2:064x}") == PanelScore(9.5)
    assert window.undo_import_button.isEnabled()
    window.undo_import_button.click()
    assert service.panel_score(f"{2:064x}") is None
    assert service.panel_score(f"{1:064x}") == PanelScore(10.5, 4.0, 6.5)
    window.close()

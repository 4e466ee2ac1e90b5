"""The train-from-library dialog: counts per routine and target, asked twice below the
minimum, training in the background with progress, cancel leaving nothing installed, the
estimate shown before installing, installing. Training runs in the job thread here with a
stand-in feature extractor (the real dialog runs it in a child process, tested in
test_library_training_child)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_library_training import FakeExtract, _videos
from training_helpers import one_thread  # noqa: F401 - fixture
from ui_helpers import shown

from judgeapp.app.library_training import LibraryTrainingService, train_from_library
from judgeapp.core.marks import PanelScore
from judgeapp.core.results import VideoInfo
from judgeapp.store.library import Library, PanelEntry
from judgeapp.training.cross_validation import MIN_VIDEOS
from judgeapp.ui.train_dialog import TrainDialog
from judgeapp.weights.heads import head_files

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
pytestmark = pytest.mark.usefixtures("one_thread")


class InThreadService(LibraryTrainingService):
    """Trains in the job thread with the stand-in extractor; installs as the real one does."""

    def __init__(self, path, videos, extract) -> None:
        super().__init__(path)
        self.videos, self.extract = videos, extract

    def train_job(self, request):
        return lambda progress, cancel: train_from_library(
            self.videos, request, progress, cancel, extract=self.extract
        )


@pytest.fixture
def setup(tmp_path):
    (tmp_path / "ball").mkdir()
    (tmp_path / "hoop").mkdir()
    ball, extract_ball = _videos(tmp_path / "ball", MIN_VIDEOS + 4, athletes=6)
    hoop, extract_hoop = _videos(tmp_path / "hoop", 7)
    hoop = [v.__class__(**{**v.__dict__, "routine": "hoop", "sha256": "f" + v.sha256[1:]})
            for v in hoop]  # fmt: skip
    extract = FakeExtract({**extract_ball.by_path})
    extract.by_path.update({v.path: (v.sha256, v.total) for v in hoop})
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        for v in ball + hoop:
            lib.remember_video(VideoInfo(v.path, v.sha256, 6.4, 25.0, 160, 96, 72))
            panel = PanelScore(v.total, 4.0, v.total - 4.0 if v.total > 4 else 0.0)
            lib.import_panel_entries("test", {v.sha256: PanelEntry(panel, v.routine, v.athlete)})
    return path, ball + hoop, extract


def _dialog(qtbot, service, epochs: int = 4, seeds: int = 1) -> TrainDialog:
    dialog = TrainDialog(service, background=False)  # the tests share a busy machine
    shown(qtbot, dialog, (760, 560))
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10_000)
    dialog.epochs.setValue(epochs)
    dialog.seeds.setValue(seeds)
    dialog.folds.setValue(3)
    return dialog


def test_counts_training_estimate_and_install(qtbot, setup):
    path, videos, extract = setup
    dialog = _dialog(qtbot, InThreadService(path, videos, extract), epochs=60, seeds=2)
    cells = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(3)]
    ball = str(MIN_VIDEOS + 4)
    assert cells[0] == ["ball", ball, ball, ball]
    assert cells[1] == ["hoop", "7 (few)", "7 (few)", "7 (few)"]
    assert cells[2][0] == "all"
    dialog.routine.setCurrentText("ball")
    before = head_files()
    dialog.train_button.click()
    qtbot.waitUntil(lambda: dialog.install_button.isEnabled(), timeout=600_000)
    shown = dialog.estimate.text()
    assert f"trained on {ball} videos of this library; cross-validated Spearman" in shown
    assert head_files() == before  # shown before anything is installed
    if os.environ.get("JUDGEAPP_SCREENSHOTS"):
        dialog.grab().save(str(SCREENSHOT / "train-from-library.png"))
    dialog.install_button.click()  # checked by loading it in a child process
    qtbot.waitUntil(lambda: dialog.status.text() != "Installing…", timeout=600_000)
    assert "Installed" in dialog.status.text(), dialog.status.text()
    assert len(head_files()) == len(before) + 1
    dialog.close()


def test_below_the_minimum_asks_twice(qtbot, setup):
    path, videos, extract = setup
    dialog = _dialog(qtbot, InThreadService(path, videos, extract))
    dialog.routine.setCurrentText("hoop")
    dialog.train_button.click()
    assert dialog.train_button.text() == "Train Anyway"
    assert f"below {MIN_VIDEOS}" in dialog.status.text() and not dialog.progress.isVisible()
    dialog.train_button.click()
    qtbot.waitUntil(lambda: dialog.install_button.isEnabled(), timeout=600_000)
    assert "fewer than" in dialog.estimate.text()
    dialog.close()


def test_cancel_in_the_middle_installs_nothing(qtbot, setup):
    path, videos, extract = setup
    dialog = _dialog(qtbot, InThreadService(path, videos, extract), epochs=40)
    dialog.routine.setCurrentText("ball")
    before = head_files()
    dialog.train_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("cross-validating"), timeout=120_000)
    assert dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.status.text(), timeout=120_000)
    assert not dialog.install_button.isEnabled() and dialog.trained is None
    assert head_files() == before
    dialog.close()

"""A result reopened from the library in the main window says what its head was trained on:
the card of the head the settings score with (the one that made the result), not "—"."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings
from report_helpers import make_result
from video_helpers import write_video
from weights_helpers import own_weights_folders, save_head

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.core.files import sha256_file
from judgeapp.core.results import Provenance
from judgeapp.features.recipes import current_recipe
from judgeapp.store import Library
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.review import Review
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.workers import live_threads
from judgeapp.video import probe
from judgeapp.weights.heads import heads_dir, install_head

pytestmark = pytest.mark.qt


@pytest.mark.parametrize("newer_unusable_head", [False, True])
def test_a_reopened_result_shows_its_heads_training_set(
    qtbot, tmp_path, monkeypatch, newer_unusable_head
) -> None:
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
    own_weights_folders(monkeypatch, tmp_path / "cache")
    source = tmp_path / "made" / "ball.safetensors"
    save_head(source, "ball", trained_on="ball routines of the 2023 season", test_spearman=0.61)
    head, _ = install_head(source)
    os.utime(head, (1_700_000_000, 1_700_000_000))
    if newer_unusable_head:  # copied in by hand: it cannot score, so the ball head still does
        unusable = heads_dir() / "newer.safetensors"
        save_head(unusable, "hoop", dims=(1000, 2048))
        os.utime(unusable, (1_700_000_100, 1_700_000_100))

    video = write_video(tmp_path / "routine.mp4", fps=10.0, frames=30)
    made = make_result(probe(video), score=15.5)
    recipe = current_recipe(made.model.profile)
    provenance = Provenance(made.model.profile, recipe, False, "hog", sha256_file(head))
    with Library.open() as library:
        library.save_analysis(replace(made, provenance=provenance))

    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(AppSettings(AnalysisRequest(pretrained=False, detector="hog"), auto_analyze=False))
    window = MainWindow(store)
    qtbot.addWidget(window)
    review = Review(window)
    window.add_extension(review)
    try:
        with qtbot.waitSignal(window.session.opened, timeout=10_000):
            assert window.open_video(video)
        assert window.outcome is not None and window.outcome.result.score == 15.5
        rows = window.score_panel.rows()
        assert rows["Trained on"] == "ball routines of the 2023 season"
        assert rows["Test Spearman"] == "0.610"
    finally:
        window.close()
        review.library.close()
    assert live_threads() == []

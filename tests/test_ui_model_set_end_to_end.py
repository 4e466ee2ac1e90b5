"""A model set end to end in the window: a real analysis with a set file shows D, E and total
with their intervals, saves a /2 result in the library and offers each target's attention in
the disagreement view."""

from __future__ import annotations

import pytest
from test_model_set import save_random_set
from ui_helpers import main_window_with

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest

pytestmark = pytest.mark.slow


def test_a_set_analysed_in_the_window_shows_every_target(qtbot, media_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    model = tmp_path / "rg-ball-set.safetensors"
    save_random_set(model, dims=(1024, 2048))
    settings = AppSettings(
        AnalysisRequest(device="cpu", model=str(model), pretrained=False, detector="hog")
    )
    window, review = main_window_with(qtbot, tmp_path, settings, review=True)
    try:
        assert window.open_video(media_dir / "juggle_720p24.mp4")
        qtbot.waitUntil(lambda: window.outcome is not None, timeout=600_000)
        result = window.outcome.result
        assert set(result.scores) == {"difficulty", "execution", "total"}
        assert result.score == result.scores["total"].value
        cells = window.score_panel.target_cells()
        shown = " ".join(" ".join(row) for row in cells)
        for name in ("Difficulty", "Execution", "Total"):
            assert name in shown, cells
        total = result.scores["total"]
        assert f"{total.low:.2f} – {total.high:.2f}" in shown, cells
        combo = review.disagreement_panel.target_combo
        targets = {combo.itemText(i).lower() for i in range(combo.count())}
        assert {"difficulty", "execution", "total"} <= targets, targets
        qtbot.waitUntil(
            lambda: (
                review.library is not None
                and review.library.latest_analysis(result.video.sha256) is not None
            ),
            timeout=10_000,
        )
        stored = review.library.latest_analysis(result.video.sha256)
        assert stored.scores == result.scores  # saved as /2, read back equal
    finally:
        window.close()

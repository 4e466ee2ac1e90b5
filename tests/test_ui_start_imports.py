"""The desktop app's first window waits for nothing it does not show: what it would import up
front and only needs later (statistics, the video writer, the comparison window) loads on first
use (docs/performance.md, "The first window")."""

from __future__ import annotations

from import_helpers import loaded_after

LATER = (
    "scipy.stats",  # metrics of a training run
    "scipy.optimize",  # the tracker's assignment
    "av",  # writing a video
    "judgeapp.report.compare_video",
    "judgeapp.ui.compare_window",
)


def test_the_window_modules_load_nothing_they_only_need_later() -> None:
    window = ["judgeapp.ui.desktop", "judgeapp.ui.review", "judgeapp.ui.frame_tools"]
    assert loaded_after(window, LATER) == []


def test_compare_two_routines_loads_its_window_on_first_use(qtbot, review_window) -> None:
    window, _review = review_window((900, 600))
    window.open_comparison()
    comparing = [w for w in window.findChildren(object) if type(w).__name__ == "CompareWindow"]
    assert comparing and comparing[0].isVisible()
    comparing[0].close()

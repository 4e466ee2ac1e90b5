"""A hand-made model-set result (schema /2): difficulty, execution and total with intervals."""

from __future__ import annotations

import dataclasses

from report_helpers import fake_video_info, make_result

from judgeapp.core.results import AnalysisResult, TargetScore


def set_result(
    difficulty: float = 8.4,
    execution: float = 8.9,
    total: float = 17.25,
    total_halfwidth: float = 0.45,
    coverage: float | None = 0.72,
    name: str = "routine.mp4",
) -> AnalysisResult:
    """A /2 result of `fake_video_info(name)`: three targets of 3 members each; the total's
    interval is total ± total_halfwidth, with coverage and mean width recorded for it."""
    one = make_result(fake_video_info(name), score=total, calibrated=True)
    n_dyn, n_sta = len(one.dynamic), len(one.static)

    def target(value, half, score_max, cover=None, width=None, weights=False):
        return TargetScore(
            value=value,
            low=value - half,
            high=value + half,
            members=(value - half, value, value + half),
            score_max=score_max,
            coverage=cover,
            mean_width=width,
            dynamic=tuple(1.0 / n_dyn for _ in range(n_dyn)) if weights else (),
            static=tuple(1.0 / n_sta for _ in range(n_sta)) if weights else (),
        )

    scores = {
        "total": target(total, total_halfwidth, 25.0, coverage, 0.9, weights=True),
        "difficulty": target(difficulty, 0.3, 12.0, 0.70, 0.6),
        "execution": target(execution, 0.25, 10.0),
    }
    return dataclasses.replace(one, scores=scores)

"""Render the main window with a model set's score panel to docs/screenshots/ (1280x800).

    python scripts/score_panel_screenshot.py [--video PATH] [--out PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
a hand-made schema /2 result (difficulty, execution and total, three members each, coverage
measured for D and the total) and a panel score typed into the marks dock, so the picture is
about the score panel: D, E and total with intervals, the panel's beside them, the
consistency line.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from marks_screenshot import (  # noqa: E402
    DEFAULT_VIDEO,
    ROOT,
    hand_result,
    open_review_window,
    save_grab,
)


def set_result(info):
    """`hand_result(info)` as a model set's: D 8.55, E 9.10, total 17.42 with intervals."""
    from judgeapp.core.results import TargetScore

    one = hand_result(info)

    def target(value, spread, score_max, coverage=None, width=None):
        members = (value - spread, value + spread / 3, value + 2 * spread / 3)
        mean = sum(members) / len(members)
        return TargetScore(mean, min(members), max(members), members, score_max, coverage, width)

    scores = {
        "difficulty": target(8.55, 0.35, 12.0, 0.74, 0.62),
        "execution": target(9.10, 0.30, 10.0, 0.69, 0.55),
        "total": target(17.42, 0.45, 25.0, 0.72, 0.9),
    }
    return dataclasses.replace(one, scores=scores, score=scores["total"].value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "screenshots" / "score-panel-targets.png")
    )
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    args = parser.parse_args(argv)

    opened = open_review_window("judgeapp-score-shot-", args.video, args.dark)
    if opened is None:
        return 1
    window, review, wait = opened
    from judgeapp.app.score_view import CardFacts
    from judgeapp.ui.main_window import AnalysisOutcome

    marks = review.marks_panel
    result = set_result(marks.video)
    facts = CardFacts(trained_on="RG ball, 200 routines (3 seeds per target)", test_spearman=0.83)
    window.show_outcome(AnalysisOutcome(result, facts))
    marks.set_result(result)
    marks.total_edit.setText("")
    marks.difficulty_edit.setText("8.9")
    marks.execution_edit.setText("8.4")
    marks.penalty_edit.setText("0.3")
    marks.save_panel()
    wait(lambda: window.session.source.cache.complete, 60)
    window.player.seek(60)
    wait(lambda: False, 0.4)  # let the last paint settle
    ok = save_grab(window, args.out)
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

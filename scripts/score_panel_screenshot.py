"""Render the main window with a model set's score panel to docs/screenshots/ (1280x800).

    python scripts/score_panel_screenshot.py [--video PATH] [--out PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
a hand-made schema /2 result (difficulty, execution and total, three members each, coverage
measured for D and the total) and a panel score typed into the marks dock, so the picture is
about the score panel: D, E and total with intervals, the panel's beside them, the
consistency line.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402


def set_result(info):
    """`hand_result(info)` as a model set's: D 8.55, E 9.10, total 17.42 with intervals."""
    from judgeapp.core.results import TargetScore

    one = shots.hand_result(info)

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
    out = shots.ROOT / "docs" / "screenshots" / "score-panel-targets.png"
    args = shots.shot_parser(__doc__, out).parse_args(argv)
    facts = {"trained_on": "RG ball, 200 routines (3 seeds per target)", "test_spearman": 0.83}
    opened = shots.open_with_result(
        "judgeapp-score-shot-", args.video, args.dark, set_result, facts
    )
    if opened is None:
        return 1
    window, review, _result = opened
    shots.type_panel_score(review.marks_panel)
    window.player.seek(60)
    return shots.save_and_close(window, review, args.out, settle_s=0.4)


if __name__ == "__main__":
    raise SystemExit(main())

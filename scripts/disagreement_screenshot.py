"""Render the main window's disagreement view to docs/screenshots/disagreement-view.png.

    python scripts/disagreement_screenshot.py [--video PATH] [--out PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
marks_screenshot.py's hand-made result, with four deductions placed on its most and least
attended segments and one comment, the Disagreement dock raised (sorted by percentile) and the
timeline's disagreement lane below the attention plot.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = ROOT.parent / "shared" / "media" / "room_people_139s.mp4"  # 139 s: 43 segments
SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "screenshots" / "disagreement-view.png")
    )
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "scripts"))
    from marks_screenshot import hand_result, open_review_window, save_grab

    opened = open_review_window("judgeapp-disagreement-shot-", args.video, args.dark)
    if opened is None:
        return 1
    window, review, wait = opened
    from PySide6.QtCore import Qt

    from judgeapp.app.score_view import CardFacts
    from judgeapp.ui.main_window import AnalysisOutcome

    panel = review.marks_panel
    result = hand_result(panel.video)
    window.show_outcome(AnalysisOutcome(result, CardFacts(trained_on="RG ball, 200 routines")))
    panel.set_result(result)
    wait(lambda: window.session.source.cache.complete, 60)
    ranked = sorted(range(len(result.dynamic)), key=lambda i: result.dynamic[i].weight)
    middle = lambda i: (result.dynamic[i].start_s + result.dynamic[i].end_s) / 2  # noqa: E731
    service = review.marks
    service.add(middle(ranked[-1]), "deduction", "loss of balance on landing", 0.3)
    service.add(middle(ranked[0]) + 0.4, "deduction", "bent knee in the pivot", 0.1)
    service.add(middle(ranked[1]), "deduction", "small step", 0.1)
    service.add(middle(ranked[len(ranked) // 2]), "deduction", "late catch", 0.2)
    service.add(middle(ranked[-2]), "comment", "music accent missed?")
    review.disagreement_dock.show()
    review.disagreement_dock.raise_()
    review.disagreement_panel.sort_by(2, descending=False)
    window.resizeDocks([review.disagreement_dock], [500], Qt.Orientation.Horizontal)
    window.resizeDocks([window.timeline_dock], [270], Qt.Orientation.Vertical)
    window.player.seek_time(middle(ranked[-2]))
    wait(lambda: False, 0.6)  # let the last paint settle
    ok = save_grab(window, args.out)
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

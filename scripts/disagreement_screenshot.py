"""Render the main window's disagreement view to docs/screenshots/disagreement-view.png.

    python scripts/disagreement_screenshot.py [--video PATH] [--out PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
screenshot_setup.py's hand-made result, with four deductions placed on its most and least
attended segments and one comment, the Disagreement dock raised (sorted by percentile) and the
timeline's disagreement lane below the attention plot.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402

DEFAULT_VIDEO = shots.MEDIA / "room_people_139s.mp4"  # 139 s: 43 segments


def main(argv: list[str] | None = None) -> int:
    out = shots.ROOT / "docs" / "screenshots" / "disagreement-view.png"
    args = shots.shot_parser(__doc__, out, DEFAULT_VIDEO).parse_args(argv)
    opened = shots.open_with_result("judgeapp-disagreement-shot-", args.video, args.dark)
    if opened is None:
        return 1
    window, review, result = opened
    from PySide6.QtCore import Qt

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
    return shots.save_and_close(window, review, args.out, settle_s=0.6)


if __name__ == "__main__":
    raise SystemExit(main())

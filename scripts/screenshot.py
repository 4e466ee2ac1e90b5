"""Render the main window after an analysis of juggle_720p24.mp4 to docs/screenshot.png.

    python scripts/screenshot.py [--video PATH] [--out docs/screenshot.png] [--dark]
                                 [--pretrained]

Runs offscreen at 1280x800 with a private settings file and feature cache. Without
--pretrained the analysis uses random backbones and an untrained head (works offline; the
window then shows the "not calibrated" banner, as it should). The player is left on the most
attended athlete frame.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = shots.shot_parser(__doc__, shots.ROOT / "docs" / "screenshot.png")
    parser.add_argument("--pretrained", action="store_true", help="use the installed weights")
    args = parser.parse_args(argv)

    scratch = shots.use_scratch("judgeapp-shot-", own_cache=not args.pretrained)
    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window
    from judgeapp.ui.theme import apply_theme

    app = application()
    apply_theme(app, dark=args.dark)
    window = scratch_window(scratch, args.pretrained, tuple(shots.SIZE))
    if not shots.analyse_video(window, args.video):
        window.close()
        return 1
    shots.show_most_attended_frame(window)
    shots.wait(lambda: False, 0.3)  # let the last paint settle
    ok = shots.save_grab(window, args.out)
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Render the main window after an analysis of juggle_720p24.mp4 to docs/screenshot.png.

    python scripts/screenshot.py [--video PATH] [--out docs/screenshot.png] [--dark]
                                 [--pretrained]

Runs offscreen at 1280x800 with a private settings file and feature cache. Without
--pretrained the analysis uses random backbones and an untrained head (works offline; the
window then shows the "not calibrated" banner, as it should). The player is left on the most
attended athlete frame.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = ROOT.parent / "shared" / "media" / "juggle_720p24.mp4"
SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    parser.add_argument("--pretrained", action="store_true", help="use the installed weights")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="judgeapp-shot-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not args.pretrained:
        os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    from PySide6.QtCore import QEventLoop, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window
    from judgeapp.ui.theme import apply_theme

    app = application()
    apply_theme(app, dark=args.dark)
    window = scratch_window(scratch, args.pretrained, tuple(SIZE))

    def wait(condition, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()
        while not condition() and time.monotonic() < deadline:
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return condition()

    window.open_video(args.video)
    wait(lambda: window.session.source is not None or window.error_banner.message(), 60)
    if window.session.source is None:
        print(f"error: {window.error_banner.message()}", file=sys.stderr)
        return 1
    wait(lambda: not window.session.analysing, 900)
    if window.outcome is None:
        print(f"error: the analysis failed: {window.error_banner.message()}", file=sys.stderr)
        window.close()
        return 1
    wait(lambda: all(b.has_image() for b in window.crops.buttons()), 60)
    wait(lambda: window.session.source.cache.complete, 60)
    top = window.crops.grids["athlete-top"].buttons
    if top:
        window.seek_thumb(top[0].thumb)
        wait(lambda: window.player.current_index == top[0].thumb.frame, 10)
    wait(lambda: False, 0.3)  # let the last paint settle
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(args.out)
    window.close()
    print(f"{args.out}: {SIZE[0]}x{SIZE[1]}" if ok else f"error: cannot write {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

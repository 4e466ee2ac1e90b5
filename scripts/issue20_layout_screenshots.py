"""Screenshots for issue 20 (items 8 and 9), offscreen, in scratch folders:

    python scripts/issue20_layout_screenshots.py [--video PATH] [--out-dir docs/screenshots]

- main-1280x720.png, main-1280x800.png, main-1920x1080.png: the main window (with the review
  docks) after a real analysis of the video with untrained networks and the built-in athlete
  finder (works offline; the window then rightly shows the "not calibrated" banner), with three
  marks, the Marks tab raised; the same window resized to each size.
- models-offline.png: the Models window at 900x640 after Download Needed Files on a computer
  without internet (run it without one: it shows what the user then sees; nothing is faked).
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
SIZES = ((1280, 800), (1280, 720), (1920, 1080))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument("--out-dir", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    scratch = Path(tempfile.mkdtemp(prefix="judgeapp-issue20-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    os.environ.pop("JUDGEAPP_OFFLINE", None)  # the window meets the network as it is
    from PySide6.QtCore import QEventLoop, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window
    from judgeapp.ui.models_window import ModelsWindow
    from judgeapp.ui.review import Review
    from judgeapp.ui.theme import apply_theme

    app = application()
    apply_theme(app, dark=False)

    def wait(condition, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()
        while not condition() and time.monotonic() < deadline:
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return condition()

    def save(widget, name: str) -> bool:
        wait(lambda: False, 0.5)  # let the layout and the last paint settle
        path = out_dir / name
        ok = widget.grab().save(str(path))
        print(f"{path}: {widget.width()}x{widget.height()}" if ok else f"error: {path}")
        return ok

    # The Models window first: nothing else runs while it tries the network.
    models = ModelsWindow()
    models.resize(900, 640)
    models.show()
    wait(lambda: not models.is_busy(), 60)
    models.download_button.click()
    wait(lambda: models.is_busy(), 5)
    wait(lambda: not models.is_busy(), 120)
    ok = save(models, "models-offline.png")
    models.close()

    window = scratch_window(scratch, False, SIZES[0])
    review = Review(window)
    window.add_extension(review)
    window.open_video(args.video)
    wait(lambda: window.session.source is not None or window.error_banner.message(), 60)
    if window.session.source is None:
        print(f"error: {window.error_banner.message()}", file=sys.stderr)
        return 1
    wait(lambda: not window.session.analysing, 900)
    if window.outcome is None:
        print(f"error: the analysis failed: {window.error_banner.message()}", file=sys.stderr)
        return 1
    wait(lambda: all(b.has_image() for b in window.crops.buttons()), 60)
    wait(lambda: window.session.source.cache.complete, 60)
    marks = review.marks
    marks.add(2.0, "deduction", "bent knee on the catch", 0.1)
    marks.add(5.0, "deduction", "ball drop, one step", 0.3)
    marks.add(8.0, "comment", "good rhythm here")
    review.marks_dock.show()
    review.marks_dock.raise_()
    top = window.crops.grids["athlete-top"].buttons
    if top:
        window.seek_thumb(top[0].thumb)
        wait(lambda: window.player.current_index == top[0].thumb.frame, 10)
    for width, height in SIZES:
        window.resize(width, height)
        ok = save(window, f"main-{width}x{height}.png") and ok
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

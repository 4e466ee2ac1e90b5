"""Screenshots of the main window at three sizes and of the Models window offline, offscreen, in
scratch folders:

    python scripts/window_sizes_screenshots.py [--video PATH] [--out-dir docs/screenshots]

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402

SIZES = (shots.SIZE, (1280, 720), (1920, 1080))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(shots.DEFAULT_VIDEO))
    parser.add_argument("--out-dir", default=str(shots.ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)

    scratch = shots.use_scratch("judgeapp-window-sizes-")
    os.environ.pop("JUDGEAPP_OFFLINE", None)  # the window meets the network as it is
    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window
    from judgeapp.ui.models_window import ModelsWindow
    from judgeapp.ui.review import Review
    from judgeapp.ui.theme import apply_theme

    app = application()
    apply_theme(app, dark=False)

    def save(widget, name: str) -> bool:
        shots.wait(lambda: False, 0.5)  # let the layout and the last paint settle
        return shots.save_grab(widget, out_dir / name)

    # The Models window first: nothing else runs while it tries the network.
    models = ModelsWindow()
    models.resize(900, 640)
    models.show()
    shots.wait(lambda: not models.is_busy(), 60)
    models.download_button.click()
    shots.wait(lambda: models.is_busy(), 5)
    shots.wait(lambda: not models.is_busy(), 120)
    ok = save(models, "models-offline.png")
    models.close()

    window = scratch_window(scratch, False, SIZES[0])
    review = Review(window)
    window.add_extension(review)
    if not shots.analyse_video(window, args.video):
        return 1
    marks = review.marks
    marks.add(2.0, "deduction", "bent knee on the catch", 0.1)
    marks.add(5.0, "deduction", "ball drop, one step", 0.3)
    marks.add(8.0, "comment", "good rhythm here")
    review.marks_dock.show()
    review.marks_dock.raise_()
    shots.show_most_attended_frame(window)
    for width, height in SIZES:
        window.resize(width, height)
        ok = save(window, f"main-{width}x{height}.png") and ok
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

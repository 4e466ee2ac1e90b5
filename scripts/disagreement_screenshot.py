"""Render the main window's disagreement view to docs/screenshots/disagreement-view.png.

    python scripts/disagreement_screenshot.py [--video PATH] [--out PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
marks_screenshot.py's hand-made result, with four deductions placed on its most and least
attended segments and one comment, the Disagreement dock raised (sorted by percentile) and the
timeline's disagreement lane below the attention plot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
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

    scratch = Path(tempfile.mkdtemp(prefix="judgeapp-disagreement-shot-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    sys.path.insert(0, str(ROOT / "scripts"))
    from marks_screenshot import hand_result
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.app.view_models import AppSettings, CardFacts
    from judgeapp.ui.app import application
    from judgeapp.ui.main_window import AnalysisOutcome, MainWindow
    from judgeapp.ui.review import Review
    from judgeapp.ui.settings import SettingsStore
    from judgeapp.ui.theme import apply_theme

    app = application()
    apply_theme(app, dark=args.dark)
    store = SettingsStore(QSettings(str(scratch / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(AppSettings(model="random", pretrained=False, auto_analyze=False))
    window = MainWindow(store)
    review = Review(window)
    window.add_extension(review)
    window.resize(*SIZE)
    window.show()

    def wait(condition, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()
        while not condition() and time.monotonic() < deadline:
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return condition()

    window.open_video(args.video)
    if not wait(lambda: review.marks_panel.video is not None, 60):
        print(f"error: {args.video} did not open: {window.error_banner.message()}", file=sys.stderr)
        return 1
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
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    print(f"{out}: {SIZE[0]}x{SIZE[1]}" if ok else f"error: cannot write {out}")
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

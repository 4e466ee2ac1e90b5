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
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from marks_screenshot import DEFAULT_VIDEO, ROOT, SIZE, hand_result  # noqa: E402


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

    scratch = Path(tempfile.mkdtemp(prefix="judgeapp-score-shot-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

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
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    print(f"{out}: {SIZE[0]}x{SIZE[1]}" if ok else f"error: cannot write {out}")
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Render the main window with judges' marks being edited to docs/screenshots/marks-editing.png.

    python scripts/marks_screenshot.py [--video PATH] [--out PNG] [--segments PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
a hand-made result (weights that rise and fall, an athlete box), so the picture is about the
marks dock: a panel score, four marks (one selected), a note being typed, the player zoomed in
and an A-B loop set. `--segments` also saves the Crops dock's Segments tab at the same size.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = ROOT.parent / "shared" / "media" / "juggle_720p24.mp4"
SIZE = (1280, 800)


def hand_result(info):
    """A result for `info` without an analysis: 16-frame segments at 5 fps, 1 fps athlete
    frames, weights that vary smoothly (so the timeline and the crops look like a real one)."""
    from judgeapp.core.results import AnalysisResult, FrameWeight, ModelInfo, SegmentWeight

    seg_s = 16 / 5
    count = max(1, int(info.duration_s // seg_s))
    raw = [1.2 + math.sin(i * 1.3) for i in range(count)]
    dynamic = [SegmentWeight(i * seg_s, (i + 1) * seg_s, w / sum(raw)) for i, w in enumerate(raw)]
    times = [float(t) for t in range(int(info.duration_s))]
    raw_static = [1.1 + math.cos(t * 0.9) for t in times]
    box = (0.35 * info.width, 0.08 * info.height, 0.65 * info.width, 0.95 * info.height)
    static = [
        FrameWeight(t, w / sum(raw_static), box, min(info.frames - 1, round(t * info.fps)))
        for t, w in zip(times, raw_static, strict=True)
    ]
    return AnalysisResult(
        video=info,
        model=ModelInfo("rg-ball-total", "ball", "total", 25.0, "torchvision", True),
        score=17.42,
        dynamic=dynamic,
        static=static,
    )


def open_review_window(prefix: str, video: str, dark: bool):
    """The main window with the review extension, offscreen at SIZE, in scratch folders, with
    `video` open. Returns (window, review, wait), or None (message printed) if it did not open;
    `wait(condition, timeout_s)` runs the event loop until the condition holds."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.app.app_settings import AppSettings
    from judgeapp.app.requests import AnalysisRequest
    from judgeapp.ui.desktop import application
    from judgeapp.ui.main_window import MainWindow
    from judgeapp.ui.review import Review
    from judgeapp.ui.settings import SettingsStore
    from judgeapp.ui.theme import apply_theme

    apply_theme(application(), dark=dark)
    store = SettingsStore(QSettings(str(scratch / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(AppSettings(AnalysisRequest(model="random", pretrained=False), auto_analyze=False))
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

    window.open_video(video)
    if not wait(lambda: review.marks_panel.video is not None, 60):
        print(f"error: {video} did not open: {window.error_banner.message()}", file=sys.stderr)
        return None
    return window, review, wait


def save_grab(window, out: str | Path) -> bool:
    """The window as a PNG at `out`; says where (or that it could not)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    print(f"{out}: {SIZE[0]}x{SIZE[1]}" if ok else f"error: cannot write {out}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "marks-editing.png"))
    parser.add_argument("--segments", default="", help="also save the Segments tab here")
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    args = parser.parse_args(argv)

    opened = open_review_window("judgeapp-marks-shot-", args.video, args.dark)
    if opened is None:
        return 1
    window, review, wait = opened
    from judgeapp.app.score_view import CardFacts
    from judgeapp.ui.main_window import AnalysisOutcome

    panel = review.marks_panel
    info = panel.video
    result = hand_result(info)
    window.show_outcome(AnalysisOutcome(result, CardFacts(trained_on="RG ball, 200 routines")))
    panel.set_result(result)
    wait(lambda: window.session.source.cache.complete, 60)
    player = window.player

    def at(frame: int) -> None:
        player.seek(frame)
        wait(lambda: player.current_index == frame, 10)

    for frame, kind, deduction, text in (
        (30, "highlight", "", "clean throw, high"),
        (96, "deduction", "0.3", "loss of balance on landing"),
        (150, "comment", "", "music accent missed?"),
        (200, "deduction", "0.1", "small step"),
    ):
        at(frame)
        panel.kind_combo.setCurrentText(kind)
        panel.deduction_edit.setText(deduction)
        panel.text_edit.setText(text)
        panel.add_mark_now()
    panel.total_edit.setText("")
    panel.difficulty_edit.setText("8.9")
    panel.execution_edit.setText("8.4")
    panel.penalty_edit.setText("0.3")
    panel.save_panel()
    at(120)
    player.set_loop_a()
    at(168)
    player.set_loop_b()
    at(132)
    player.view.zoom_to(1.6)
    review.marks_dock.show()
    review.marks_dock.raise_()
    panel.table.selectRow(1)
    panel.kind_combo.setCurrentText("deduction")
    panel.deduction_edit.setText("0.1")
    panel.text_edit.setFocus()
    panel.text_edit.setText("bent knee in the pivot")
    wait(lambda: False, 0.4)  # let the last paint settle
    ok = save_grab(window, args.out)
    if ok and args.segments:
        window.crops_dock.show()
        window.crops_dock.raise_()
        window.crops.tabs.setCurrentIndex(1)
        wait(lambda: all(b.has_image() for b in window.crops.buttons()), 30)
        wait(lambda: False, 0.3)
        ok = window.grab().save(args.segments)
        print(f"{args.segments}: {SIZE[0]}x{SIZE[1]}" if ok else "error: cannot write it")
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""What the screenshot scripts share: scratch folders and an offscreen Qt, waiting on the event
loop, the main window with a video analysed or with the review docks and a hand-made result,
and saving a window's picture.

Qt and judgeapp's GUI are imported inside the functions, after `use_scratch` has set the
environment they read when they start.
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
MEDIA = ROOT.parent / "shared" / "media"
DEFAULT_VIDEO = MEDIA / "juggle_720p24.mp4"
SIZE = (1280, 800)


def shot_parser(doc: str, out: Path, video: Path = DEFAULT_VIDEO) -> argparse.ArgumentParser:
    """The arguments of a script that renders one picture: --video, --out and --dark; `doc` is
    the script's docstring, whose first line describes it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--video", default=str(video))
    parser.add_argument("--out", default=str(out))
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    return parser


def use_scratch(prefix: str, own_cache: bool = True) -> Path:
    """A fresh scratch folder for the library and settings (and the caches, with `own_cache`:
    no installed weights then), offscreen unless QT_QPA_PLATFORM says otherwise."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if own_cache:
        os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    return scratch


def wait(condition, timeout_s: float) -> bool:
    """Run the event loop until `condition()` holds or `timeout_s` passes; whether it holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not condition() and time.monotonic() < deadline:
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return condition()


def save_grab(widget, out: str | Path) -> bool:
    """The widget as a PNG at `out`; says where and at what size (or that it could not)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = widget.grab().save(str(out))
    print(f"{out}: {widget.width()}x{widget.height()}" if ok else f"error: cannot write {out}")
    return ok


def analyse_video(window, video: str) -> bool:
    """Open `video` in `window` and wait for its analysis, the crops and the frame cache;
    False (message printed) if it did not open or the analysis failed."""
    window.open_video(video)
    wait(lambda: window.session.source is not None or window.error_banner.message(), 60)
    if window.session.source is None:
        print(f"error: {window.error_banner.message()}", file=sys.stderr)
        return False
    wait(lambda: not window.session.analysing, 900)
    if window.outcome is None:
        print(f"error: the analysis failed: {window.error_banner.message()}", file=sys.stderr)
        return False
    wait(lambda: all(b.has_image() for b in window.crops.buttons()), 60)
    wait(lambda: window.session.source.cache.complete, 60)
    return True


def show_most_attended_frame(window) -> None:
    """Put the player on the most attended athlete frame (if the result has one)."""
    top = window.crops.grids["athlete-top"].buttons
    if top:
        window.seek_thumb(top[0].thumb)
        wait(lambda: window.player.current_index == top[0].thumb.frame, 10)


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
    `video` open and no analysis started. Returns (window, review), or None (message printed)
    if the video did not open."""
    scratch = use_scratch(prefix)
    from PySide6.QtCore import QSettings

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
    window.open_video(video)
    if not wait(lambda: review.marks_panel.video is not None, 60):
        print(f"error: {video} did not open: {window.error_banner.message()}", file=sys.stderr)
        return None
    return window, review


def open_with_result(
    prefix: str, video: str, dark: bool, result_of=hand_result, facts: dict | None = None
):
    """`open_review_window` showing `result_of(video info)` as if analysed (with the model
    card's `facts`, CardFacts fields, by default a ball model's), once the frame cache is
    complete. Returns (window, review, result), or None (message printed) if the video did not
    open."""
    opened = open_review_window(prefix, video, dark)
    if opened is None:
        return None
    window, review = opened
    from judgeapp.app.score_view import CardFacts
    from judgeapp.ui.main_window import AnalysisOutcome

    panel = review.marks_panel
    result = result_of(panel.video)
    facts = facts or {"trained_on": "RG ball, 200 routines"}
    window.show_outcome(AnalysisOutcome(result, CardFacts(**facts)))
    panel.set_result(result)
    wait(lambda: window.session.source.cache.complete, 60)
    return window, review, result


def save_and_close(window, review, out: str | Path, settle_s: float) -> int:
    """Let the last paint settle for `settle_s`, save the window at `out` and close it with its
    library; the script's exit status."""
    wait(lambda: False, settle_s)
    ok = save_grab(window, out)
    window.close()
    review.library.close()
    return 0 if ok else 1


def type_panel_score(panel) -> None:
    """The panel's D 8.9, E 8.4 and penalty 0.3 typed into the marks dock and saved."""
    panel.total_edit.setText("")
    panel.difficulty_edit.setText("8.9")
    panel.execution_edit.setText("8.4")
    panel.penalty_edit.setText("0.3")
    panel.save_panel()

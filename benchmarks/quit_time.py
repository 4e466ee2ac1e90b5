"""Quitting the desktop app after an analysis: how long until the window goes, and until the
process has ended, with where the time goes.

    nice python benchmarks/quit_time.py [VIDEO] [--runs N] [--json PATH]

VIDEO defaults to ../shared/media/juggle_720p24.mp4. Each run is a fresh process (as a user
starts the app): the main window (offscreen, 1280x800, with the review extension as `judgeapp
gui` has it) opens VIDEO, analyses it with random backbones, an untrained head, HOG and the CPU,
waits for the score, steps the player a few frames, then File > Quit (with --while-analysing:
Quit 4 s after the video opens, while the analysis process is busy). The child records, with
the wall clock, when Quit was asked, when the window was hidden, how long each part of the close
took (Review's exports and windows, the player's loader threads, the session's job threads, the
analysis process) and when the event loop returned; this script records when the process
ended. The feature cache is a scratch folder kept across runs, so the networks are converted
once, on the first run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "media" / "juggle_720p24.mp4"


def child(video: Path, report: Path, busy: bool) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window
    from judgeapp.ui.review import Review

    app = application()
    scratch = Path(tempfile.mkdtemp(prefix="quit-time-"))
    window = scratch_window(scratch, False, (1280, 800))
    window.add_extension(Review(window))
    marks: dict[str, float] = {}
    parts: dict[str, float] = {}

    def timed(obj, name: str, label: str) -> None:
        original = getattr(obj, name)

        def wrapper(*args, **kwargs):
            start = time.time()
            try:
                return original(*args, **kwargs)
            finally:
                parts[label] = parts.get(label, 0.0) + time.time() - start

        setattr(obj, name, wrapper)

    review = window.extensions[-1]
    timed(review, "shutdown", "review: exports, library, batch")
    timed(window.player, "shutdown", "player: loader threads")
    timed(window.session.service, "shutdown", "analysis process")
    timed(window.session, "shutdown", "session: job threads + analysis process")
    original_hide = window.hide

    def hide() -> None:
        marks.setdefault("hidden", time.time())
        original_hide()

    window.hide = hide  # type: ignore[method-assign]

    def quit_now() -> None:
        for _ in range(3):
            window.player.step(1)
        marks["quit"] = time.time()
        window.close()
        marks["closed"] = time.time()
        marks.setdefault("hidden", marks["closed"])  # Qt hides it once closeEvent returns

    def finished(_outcome) -> None:
        marks["score_shown"] = time.time()
        QTimer.singleShot(500, quit_now)

    if busy:  # Quit 4 s after the video opens: the analysis process is busy
        QTimer.singleShot(4000, quit_now)
    else:
        window.session.analysisFinished.connect(finished)
    window.open_video(str(video))
    window.session.analysisFailed.connect(lambda m: (print(m, file=sys.stderr), app.exit(2)))
    code = app.exec()
    marks["event_loop_returned"] = time.time()
    import atexit

    start = time.time()
    atexit._run_exitfuncs()  # what Python runs at exit (pyqtgraph's clean-up, multiprocessing)
    parts["exit handlers (atexit)"] = time.time() - start
    report.write_text(json.dumps({"marks": marks, "parts": parts, "exit_code": code}))
    sys.stdout.flush()


def one_run(video: Path, cache: Path, busy: bool) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "quit.json"
        env = dict(os.environ, JUDGEAPP_CACHE_DIR=str(cache))
        env["JUDGEAPP_DATA_DIR"] = str(Path(scratch) / "data")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(video), str(report)]
            + (["--while-analysing"] if busy else []),
            env=env,
            check=False,
        )
        ended = time.time()
        if proc.returncode != 0 or not report.exists():
            raise SystemExit(f"the child failed ({proc.returncode})")
        data = json.loads(report.read_text())
    m = data["marks"]
    return {
        "window_hidden_s": round(m["hidden"] - m["quit"], 3),
        "close_returned_s": round(m["closed"] - m["quit"], 3),
        "event_loop_returned_s": round(m["event_loop_returned"] - m["quit"], 3),
        "process_ended_s": round(ended - m["quit"], 3),
        "parts_s": {k: round(v, 3) for k, v in data["parts"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path, default=DEFAULT_VIDEO)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--while-analysing",
        action="store_true",
        help="quit 4 s after the video opens, while the analysis runs, not after it",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.while_analysing)
        return
    cache = Path(tempfile.gettempdir()) / "judgeapp-quit-time-cache"
    runs = []
    for i in range(args.runs):
        run = one_run(args.video, cache, args.while_analysing)
        print(f"run {i + 1}: {json.dumps(run)}", flush=True)
        runs.append(run)
    summary = {
        key: statistics.median(r[key] for r in runs)
        for key in ("window_hidden_s", "close_returned_s", "process_ended_s")
    }
    print("median:", json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"video": str(args.video), "runs": runs, **summary}))


if __name__ == "__main__":
    main()

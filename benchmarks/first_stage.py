"""A new user's first analysis: when the window shows, how soon the status bar names a stage,
when each stage first shows, and the wait reported against the analysis's own total.

    nice python benchmarks/first_stage.py [VIDEO] [--pretrained] [--screenshot PNG --at S]

VIDEO defaults to ../shared/media/juggle_720p24.mp4. One fresh process, as a user starts the
app: empty feature cache and converted-network cache (a scratch folder), so the analysis
process starts, and the networks are converted for the CPU engine, as on a new machine. The
main window (offscreen, 1280x800) opens VIDEO, which is analysed on opening (random backbones,
an untrained head and HOG unless --pretrained). Every 50 ms the script reads what the status
bar says; it prints the seconds from the process start to the window shown, from the request to
the first stage named, to each stage's first words, and to the result, and the reported wait
beside the analysis's own total. --screenshot saves the window `--at` seconds after the request.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _report import print_json

STARTED = time.time()
DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "media" / "juggle_720p24.mp4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path, default=DEFAULT_VIDEO)
    parser.add_argument("--pretrained", action="store_true")
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--at", type=float, default=20.0, help="seconds after the request")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="first-stage-"))
    os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    os.environ.pop("JUDGEAPP_OPENVINO_CACHE_DIR", None)  # converted as on a new machine
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window

    app = application()
    window = scratch_window(scratch, args.pretrained, (1280, 800))
    app.processEvents()
    shown = time.time()
    marks: dict[str, float] = {}
    stages: list[tuple[float, str]] = []
    session = window.session
    start_analysis = session.start_analysis

    def timed_start(settings) -> None:
        marks["requested"] = time.time()
        start_analysis(settings)

    session.start_analysis = timed_start  # type: ignore[method-assign]

    def words() -> str:
        return window.stage_label.text() if window.stage_label.isVisible() else ""

    def poll() -> None:
        if "requested" not in marks:
            return
        now = time.time() - marks["requested"]
        text = words().split(" · ")[0]  # without the seconds counting on
        if text and (not stages or stages[-1][1] != text):
            stages.append((round(now, 2), text))
        if args.screenshot and "shot" not in marks and now >= args.at:
            marks["shot"] = now
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(args.screenshot))

    outcome: dict = {}

    def finished(result) -> None:
        marks["result"] = time.time()
        outcome["own_total_s"] = result.result.timings_s.get("total", 0.0)
        outcome["message"] = window.statusBar().currentMessage()
        QTimer.singleShot(200, window.close)

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(poll)
    timer.start()
    session.analysisFinished.connect(finished)
    session.analysisFailed.connect(lambda m: (print(m, file=sys.stderr), app.exit(2)))
    window.open_video(str(args.video))
    app.exec()
    report = {
        "video": args.video.name,
        "window_shown_s": round(shown - STARTED, 2),
        "first_stage_s": stages[0][0] if stages else None,
        "stages_first_shown_s": stages,
        "waited_s": round(marks["result"] - marks["requested"], 1) if "result" in marks else None,
        "reported_wait_s": session.waited_s,
        "analysis_own_total_s": outcome.get("own_total_s"),
        "status_message": outcome.get("message"),
    }
    print_json(report, args.json)


if __name__ == "__main__":
    main()

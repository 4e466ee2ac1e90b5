"""Is the GUI thread ever blocked while an analysis runs? The longest gap of a 10 ms timer.

    python benchmarks/gui_responsiveness.py [VIDEO] [--pretrained] [--scrub] [--json PATH]

Opens VIDEO (default: ../shared/media/room_people_139s.mp4) in the main window, offscreen, with
a fresh feature cache (so the whole analysis runs: decoding, detection, both backbones, the
head), random backbones and an untrained head unless --pretrained. A 10 ms QTimer runs on the
GUI thread from before the video is opened until the analysis ends (opening, the frame-cache
pass and the analysis all run meanwhile); the longest gap between two ticks is how long the GUI
thread was unable to react (the analysis itself runs in a child process, as in the app).
--scrub also seeks the player to a random frame every 100 ms, as a user scrubbing would.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _report import print_json

DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "media" / "room_people_139s.mp4"
TICK_MS = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--pretrained", action="store_true", help="use the installed weights")
    parser.add_argument("--scrub", action="store_true", help="seek every 100 ms meanwhile")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="judgeapp-bench-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not args.pretrained:
        os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window

    application()
    window = scratch_window(scratch, args.pretrained, (1280, 800))

    ticks: list[float] = []
    stages: list[str] = []  # what was going on at each tick
    now = {"analysis": "opening", "cache": ""}
    window.session.analysisProgress.connect(
        lambda p: now.update(analysis=f"{p.stage} {p.done}/{p.total}")
    )
    window.session.cacheProgress.connect(lambda p: now.update(cache=f"cache {p.done}/{p.total}"))

    def tick() -> None:
        ticks.append(time.perf_counter())
        stages.append(f"{now['analysis']}, {now['cache']}".strip(", "))

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    scrubber = QTimer()
    scrubber.setInterval(100)
    rng = random.Random(0)
    scrubber.timeout.connect(lambda: window.player.seek(rng.randrange(window.player.frame_count)))
    done = QEventLoop()
    outcome: dict[str, str] = {}

    def ended(how: str) -> None:
        outcome["end"] = how
        done.quit()

    window.session.analysisFinished.connect(lambda _outcome: ended("finished"))
    window.session.analysisFailed.connect(lambda message: ended(f"failed: {message}"))

    window.session.openFailed.connect(lambda _path, message: ended(f"cannot open: {message}"))
    if args.scrub:
        window.session.opened.connect(lambda _source: scrubber.start())

    timer.start()
    started = time.perf_counter()
    QTimer.singleShot(100, lambda: window.open_video(args.video))
    done.exec()
    analysis_s = time.perf_counter() - started
    timer.stop()
    scrubber.stop()
    window.close()

    gaps_ms = np.diff(np.asarray(ticks)) * 1000
    worst = np.argsort(gaps_ms)[::-1][:5]
    report = {
        "video": Path(args.video).name,
        "end": outcome.get("end", "?"),
        "analysis_s": round(analysis_s, 1),
        "ticks": len(ticks),
        "longest_gap_ms": round(float(gaps_ms.max()), 1),
        "p99_gap_ms": round(float(np.percentile(gaps_ms, 99)), 1),
        "median_gap_ms": round(float(np.median(gaps_ms)), 1),
        "gaps_over_50_ms": int((gaps_ms > 50).sum()),
        "longest_gaps": [
            {
                "at_s": round(ticks[i + 1] - started, 1),
                "ms": round(float(gaps_ms[i]), 1),
                "during": stages[i + 1],
            }
            for i in worst
        ],
        "scrubbing": args.scrub,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_average_1min": round(os.getloadavg()[0], 2),  # others' work on a shared machine
    }
    print_json(report, args.json)
    return 0 if report["end"] == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())

"""Open to score shown in the real window, against `judgeapp score` on the same file, in one run.

    nice python benchmarks/gui_open_to_score.py [VIDEO] [--json PATH]

VIDEO defaults to ../shared/media/room_people_139s.mp4. Both sides use the same settings:
random backbones, an untrained head, OpenCV's HOG detector, the CPU, and each its own empty
feature cache (so both decode the video, detect people and run both networks).

- `score`: the wall time of a fresh `python -m judgeapp score VIDEO ... --json FILE` process,
  what a user of the command line waits for (interpreter start and PyTorch import included);
- `gui`: the main window, offscreen at 1280x800, already shown; the clock starts when the video
  is opened (as a user drops it on the window) and stops when the score panel shows the score.
  The window's analysis process starts on that first open (lazily), so its start-up is counted.

The two run one after the other (the GUI first), on the same machine, in the same load; the
ratio gui / score is the figure docs/gui.md records (target: within 1.1x). Decoding passes are
counted in both (video.decode's JUDGEAPP_DECODE_LOG): the GUI must decode the file once, for
the analysis and its frame cache together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import print_json

DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "media" / "room_people_139s.mp4"
SCORE_ARGS = ["--pretrained", "none", "--model", "random", "--detector", "hog", "--device", "cpu"]


def passes(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def time_gui(video: Path, scratch: Path) -> dict:
    """Open `video` in a shown window; seconds until the score is on screen."""
    os.environ["JUDGEAPP_CACHE_DIR"] = str(scratch / "gui-cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "gui-data")
    log = scratch / "gui-decodes.log"
    os.environ["JUDGEAPP_DECODE_LOG"] = str(log)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window

    application()
    window = scratch_window(scratch, False, (1280, 800))
    loop = QEventLoop()
    seen: dict = {}

    def finished(_outcome) -> None:
        seen["s"] = time.perf_counter() - seen["start"]
        seen["score"] = window.score_panel.score.text()
        seen["cache_complete"] = window.session.source.cache.complete
        loop.quit()

    def failed(message: str) -> None:
        seen["error"] = message
        loop.quit()

    window.session.analysisFinished.connect(finished)  # after the window's own slot
    window.session.analysisFailed.connect(failed)
    window.session.openFailed.connect(lambda _path, message: failed(message))

    def start() -> None:
        seen["start"] = time.perf_counter()
        window.open_video(video)

    QTimer.singleShot(200, start)
    loop.exec()
    window.close()
    if "error" in seen:
        raise SystemExit(f"error: the GUI analysis failed: {seen['error']}")
    return {
        "open_to_score_s": round(seen["s"], 2),
        "score_shown": seen["score"],
        "frame_cache_complete_at_score": seen["cache_complete"],
        "decode_passes": passes(log),
    }


def time_score(video: Path, scratch: Path) -> dict:
    """A fresh `judgeapp score` process on `video`; its wall time."""
    log = scratch / "score-decodes.log"
    env = {
        **os.environ,
        "JUDGEAPP_CACHE_DIR": str(scratch / "score-cache"),
        "JUDGEAPP_DATA_DIR": str(scratch / "score-data"),
        "JUDGEAPP_DECODE_LOG": str(log),
    }
    out = scratch / "score.json"
    command = [sys.executable, "-m", "judgeapp", "score", str(video), *SCORE_ARGS]
    command += ["--json", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"error: judgeapp score failed: {done.stderr.strip()}")
    result = json.loads(out.read_text())
    return {
        "wall_s": round(seconds, 2),
        "score": round(result["score"], 2),
        "analysis_total_s": result["timings_s"]["total"],
        "decode_passes": passes(log),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    video = Path(args.video).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="judgeapp-open-to-score-"))
    load_before = os.getloadavg()[0]
    gui = time_gui(video, scratch)
    score = time_score(video, scratch)
    report = {
        "video": video.name,
        "gui": gui,
        "score": score,
        "ratio_gui_to_score": round(gui["open_to_score_s"] / score["wall_s"], 3),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print_json(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

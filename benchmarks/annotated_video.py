"""The annotated video's size and writing time, per clip: what `judgeapp report --out X.mp4`
writes (docs/review.md records the figures, old writer against new).

    nice python benchmarks/annotated_video.py [VIDEO ...] [--json PATH]

VIDEO defaults to ../shared/media/juggle_720p24.mp4 (no sound) and
skater_axel_spiral_1080p30.mp4 (AAC sound). The result drawn is a constructed one (the test
helpers' make_result: smooth random weights, a box in the middle), so no analysis runs; the time
is decoding, drawing and encoding. The file is read back with PyAV for its codecs.

`--gui`: instead, export each clip from a main window (offscreen, 1280x800) through File >
Export's exporter while a 10 ms QTimer runs on the GUI thread, and report the longest gaps
between its ticks (when they happened, from the start of the export) and the p99 gap.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import av

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
DEFAULT = [MEDIA / "juggle_720p24.mp4", MEDIA / "skater_axel_spiral_1080p30.mp4"]


def measure(video: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from report_helpers import make_result

    from judgeapp.report import write_annotated_video
    from judgeapp.video import probe

    info = probe(video)
    result = make_result(info, seed=1)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "annotated.mp4"
        start = time.perf_counter()
        frames = write_annotated_video(result, video, out)
        seconds = time.perf_counter() - start
        with av.open(str(out)) as written:
            codecs = [s.codec_context.name for s in written.streams]
        size = out.stat().st_size
    return {
        "video": video.name,
        "duration_s": round(info.duration_s, 2),
        "frames": frames,
        "seconds": round(seconds, 1),
        "megabytes": round(size / 1e6, 2),
        "codecs": codecs,
        "source_megabytes": round(video.stat().st_size / 1e6, 2),
    }


def measure_gui(video: Path) -> dict:
    """Export `video`'s annotated video from the window; gaps of a 10 ms timer meanwhile."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from PySide6.QtCore import QEventLoop, QTimer
    from report_helpers import make_result

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application, scratch_window
    from judgeapp.ui.export_report import ReportExporter
    from judgeapp.video import probe

    application()
    scratch = Path(tempfile.mkdtemp(prefix="annotated-gui-"))
    os.environ["JUDGEAPP_DATA_DIR"] = str(scratch / "data")
    window = scratch_window(scratch, False, (1280, 800))
    result = make_result(probe(video), seed=1)
    exporter = ReportExporter(window)
    ticks: list[tuple[float, float]] = []
    clock = {"last": time.perf_counter()}
    start = clock["last"]

    def tick() -> None:
        now = time.perf_counter()
        ticks.append((now - clock["last"], now - start))
        clock["last"] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    loop = QEventLoop()
    exporter.done.connect(lambda _p: loop.quit())
    exporter.failed.connect(lambda message: (print(message), loop.quit()))
    exporter.export(scratch / "annotated.mp4", result, [], None, video)
    loop.exec()
    seconds = time.perf_counter() - start
    timer.stop()
    exporter.wait()
    window.close()
    gaps = sorted(ticks)
    return {
        "video": video.name,
        "export_s": round(seconds, 1),
        "longest_gaps_ms_at_s": [(round(g * 1000), round(at, 2)) for g, at in gaps[-3:]],
        "p99_gap_ms": round(gaps[int(0.99 * len(gaps))][0] * 1000),
        "gaps_over_50_ms": sum(g > 0.05 for g, _ in gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--gui", action="store_true", help="GUI-thread gaps during the export")
    args = parser.parse_args()
    rows = []
    for video in args.videos:
        row = measure_gui(video) if args.gui else measure(video)
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

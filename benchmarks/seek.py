"""How fast and how exact random seeks are, in the player's frame source and in the player.

    python benchmarks/seek.py [VIDEO] [--seeks 100] [--seed 0] [--json PATH]

For random frames of VIDEO (default: ../shared/media/juggle_720p24.mp4, which has a single
keyframe) it times:
- `opencv`: a plain OpenCV seek (CAP_PROP_POS_FRAMES, then read), the baseline;
- `direct`: judgeapp's fallback before a frame is cached (DirectReader);
- `cached`: a frame from the filled decoded-frame cache (FrameSource.frame);
- `player`: the whole path a user waits for, offscreen: Player.seek until the frame is on
  screen (loader thread, QImage, pixmap).
Every frame shown is checked against the frame of the same index decoded sequentially: the
direct reads must be identical, the cached ones closer to it than to either neighbour.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from _report import print_json

DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "media" / "juggle_720p24.mp4"


def _mse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))


def _stats(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {
        "median_ms": round(float(np.median(ms)), 1),
        "p90_ms": round(float(np.percentile(ms, 90)), 1),
        "worst_ms": round(float(ms.max()), 1),
    }


def _right_frame(shown: np.ndarray, index: int, truth: list[np.ndarray]) -> bool:
    error = _mse(shown, truth[index])
    neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(truth)]
    return all(error < _mse(shown, truth[i]) for i in neighbours)


def bench_sources(video: Path, indices: list[int], truth: list[np.ndarray]) -> dict:
    from judgeapp.video import probe
    from judgeapp.video.frame_cache import FrameSource, fill_cache

    info = probe(video, with_hash=False)
    results: dict = {}

    cap = cv2.VideoCapture(str(video), cv2.CAP_FFMPEG)
    seconds, exact = [], 0
    for index in indices:
        start = time.perf_counter()
        cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, bgr = cap.read()
        seconds.append(time.perf_counter() - start)
        exact += ok and np.array_equal(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), truth[index])
    cap.release()
    results["opencv"] = {**_stats(seconds), "identical": f"{exact}/{len(indices)}"}

    source = FrameSource(video, info)
    seconds, exact = [], 0
    for index in indices:
        start = time.perf_counter()
        frame = source.frame(index)
        seconds.append(time.perf_counter() - start)
        exact += np.array_equal(frame.image, truth[index])
    results["direct"] = {**_stats(seconds), "identical": f"{exact}/{len(indices)}"}

    start = time.perf_counter()
    fill_cache(source.cache, video, info)
    fill_s = time.perf_counter() - start
    seconds, right = [], 0
    for index in indices:
        start = time.perf_counter()
        frame = source.frame(index)
        seconds.append(time.perf_counter() - start)
        right += _right_frame(frame.image, index, truth)
    results["cached"] = {
        **_stats(seconds),
        "right_frame": f"{right}/{len(indices)}",
        "fill_s": round(fill_s, 2),
        "cache_mb": round(source.cache.bytes_used / 2**20, 1),
        "cache_scale": source.cache.scale,
    }
    source.close()
    return results


def bench_player(video: Path, indices: list[int], truth: list[np.ndarray]) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.player import Player
    from judgeapp.video import probe
    from judgeapp.video.frame_cache import FrameSource, fill_cache

    app = QApplication.instance() or QApplication([])
    info = probe(video, with_hash=False)
    source = FrameSource(video, info)
    fill_cache(source.cache, video, info)
    player = Player()
    player.resize(960, 600)
    player.show()
    player.set_source(source)
    loop = QEventLoop()
    player.positionChanged.connect(lambda *_: loop.quit())
    QTimer.singleShot(5000, loop.quit)
    loop.exec()

    seconds, right = [], 0
    for index in indices:
        start = time.perf_counter()
        player.seek(index)
        while player.current_index != index:
            QTimer.singleShot(5000, loop.quit)
            loop.exec()
        seconds.append(time.perf_counter() - start)
        app.processEvents()
        image = player.current_image().convertToFormat(QImage.Format.Format_RGB888)
        h, w, stride = image.height(), image.width(), image.bytesPerLine()
        data = np.frombuffer(image.constBits(), np.uint8, count=stride * h)
        shown = data.reshape(h, stride)[:, : 3 * w].reshape(h, w, 3)
        right += _right_frame(shown, index, truth)
    player.shutdown()
    player.close()
    return {**_stats(seconds), "right_frame": f"{right}/{len(indices)}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--seeks", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    from judgeapp.video import iter_frames

    video = Path(args.video)
    truth = [f.image for f in iter_frames(video)]
    rng = random.Random(args.seed)
    indices = [rng.randrange(len(truth)) for _ in range(args.seeks)]
    report = {
        "video": video.name,
        "frames": len(truth),
        "seeks": len(indices),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_average_1min": round(os.getloadavg()[0], 2),  # others' work on a shared machine
        **bench_sources(video, indices, truth),
        "player": bench_player(video, indices, truth),
    }
    print_json(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

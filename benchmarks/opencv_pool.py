"""End-to-end extraction time with OpenCV's worker pool on and off, side by side.

    python benchmarks/opencv_pool.py VIDEO [--rounds 3] [--profile paper] [--detector hog]

The processes that analyse turn OpenCV's own pool off when they start
(video/opencv_threads.py); this measures what that costs. Both variants share one process, one
set of networks and one detector, and alternate round by round so that both see the same
machine load (the thread count changes only between extractions, when no thread is in
OpenCV). Prints each run's seconds, the medians and their ratio (off over on), and whether
both gave the same features.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import cv2
import numpy as np

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.backbone_pool import BackbonePool, engine_choice
from judgeapp.analysis.extraction import extract_video_features
from judgeapp.analysis.options import DEFAULT_PROFILE
from judgeapp.features.profiles import get_profile
from judgeapp.video import probe


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default=DEFAULT_PROFILE)
    parser.add_argument("--detector", default="hog")
    args = parser.parse_args(argv)
    options = AnalysisOptions(
        profile=args.profile,
        pretrained=False,
        model="random",
        device="cpu",
        detector=args.detector,
        use_cache=False,
    )
    profile = get_profile(args.profile)
    pool = BackbonePool()
    dynamic, static = pool.backbones(profile, options, engine_choice(options))
    detector = pool.detector(options)
    info = probe(args.video, with_hash=False)
    variants = {"pool off (the analysis)": 1, "pool on": cv2.getNumThreads()}
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    features: dict[str, np.ndarray] = {}
    print(f"video   {args.video} ({info.duration_s:.1f} s, {info.width}x{info.height})")
    print(
        f"machine {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"OpenCV threads {cv2.getNumThreads()}, load average {os.getloadavg()[0]:.1f}"
    )
    for round_no in range(args.rounds):
        for name, threads in variants.items():
            cv2.setNumThreads(threads)
            start = time.perf_counter()
            result = extract_video_features(
                args.video, info, profile.name, dynamic, static, detector
            )
            seconds[name].append(time.perf_counter() - start)
            features[name] = np.concatenate([result.dynamic.ravel(), result.static.ravel()])
            print(f"round {round_no + 1}  {name:<24} {seconds[name][-1]:6.2f} s")
    medians = {name: statistics.median(s) for name, s in seconds.items()}
    off, on = medians["pool off (the analysis)"], medians["pool on"]
    print(f"median  pool off {off:.2f} s, pool on {on:.2f} s: off / on = {off / on:.2f}")
    same = np.array_equal(*features.values())
    print(f"same features both ways: {'yes' if same else 'no'}")


if __name__ == "__main__":
    main()

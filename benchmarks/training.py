"""Seconds per training epoch of the paper's protocol, on synthetic features of realistic size.

    python benchmarks/training.py [--videos 200] [--epochs 5] [--threads N] [--device cpu|cuda]

One RG routine: 200 videos of 28-30 dynamic segments (1024-d) and 85-95 static frames (2048-d),
26/80-instance windows, batch 32, SGD as in the paper. Runs one warm-up epoch, then --epochs
timed ones, and prints the median seconds per epoch and the estimate for the paper's 400 epochs
(ball; clubs and ribbon 300, hoop 500). Prints the machine's load average too: other processes
on the same cores slow the epochs down; the process's CPU seconds per epoch are printed too
(with --threads 1 they are what the wall-clock time would be on otherwise idle cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch

from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.labels import Label
from judgeapp.training.protocol import TrainConfig, paper_epochs
from judgeapp.training.synthetic import SyntheticSpec, make_videos
from judgeapp.training.trainer import train_head


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs (after one warm-up)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    videos = make_videos(SyntheticSpec(videos=args.videos), seed=0)
    data = FeatureSet(
        [Label(v.name, "ball", v.score) for v in videos],
        [v.dynamic for v in videos],
        [v.static for v in videos],
    )
    config = TrainConfig(epochs=args.epochs + 1)
    load_before = os.getloadavg()
    cpu_marks = [time.process_time()]
    started = time.perf_counter()
    outcome = train_head(
        data,
        config,
        25.0,
        device=args.device,
        on_epoch=lambda _log: cpu_marks.append(time.process_time()),
    )
    total_s = time.perf_counter() - started
    per_epoch = statistics.median(h.seconds for h in outcome.history[1:])
    cpu_s = [b - a for a, b in zip(cpu_marks, cpu_marks[1:], strict=False)]
    report = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": args.device,
        "videos": args.videos,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "seconds_per_epoch": round(per_epoch, 3),
        "epochs_s": [round(h.seconds, 3) for h in outcome.history],
        "cpu_seconds_per_epoch": round(statistics.median(cpu_s[1:]), 3),
        "epochs_cpu_s": [round(v, 3) for v in cpu_s],
        "run_s_including_setup": round(total_s, 1),
        "full_protocol_min": {
            routine: round(per_epoch * paper_epochs(routine) / 60, 1)
            for routine in ("ball", "clubs", "hoop", "ribbon")
        },
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

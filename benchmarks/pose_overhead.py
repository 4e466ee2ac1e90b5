"""What the pose model and tracking add to an analysis: the same video analysed with the HOG
finder and with the pose model, side by side in one process.

    python benchmarks/pose_overhead.py [VIDEO] [--repeats N] [--json PATH]

Random backbones and an untrained head (`--pretrained none --model random`), so it runs offline;
the pose files come from the installation (`scripts/install.sh`) or `$JUDGEAPP_WEIGHTS_PATH`.
A first analysis of each finder warms the OpenVINO conversion cache and is not counted; every
measured run reads no feature cache. Printed per finder: wall seconds, CPU seconds of this
process (user + system), the result's stage timings, and the ratios pose / HOG.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.analyze import analyze
from judgeapp.analysis.backbone_pool import BackbonePool

HERE = Path(__file__).resolve().parent
DEFAULT_VIDEO = HERE.parent.parent / "shared" / "media" / "room_people_139s.mp4"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(video: Path, detector: str, pool: BackbonePool) -> dict:
    options = AnalysisOptions(
        pretrained=False, model="random", profile="torchvision", detector=detector,
        use_cache=False,
    )  # fmt: skip
    wall, cpu = time.perf_counter(), _cpu_s()
    result = analyze(video, options, pool=pool)
    return {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(_cpu_s() - cpu, 2),
        "timings_s": result.timings_s,
        "finder": result.provenance.detector,
        "static_frames": len(result.static),
        "pose_people": len(result.pose.people) if result.pose else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("JUDGEAPP_CACHE_DIR", tempfile.mkdtemp(prefix="judgeapp-bench-"))
    video = Path(args.video)
    pool = BackbonePool()
    for detector in ("hog", "pose"):  # warm-up: builds, OpenVINO conversions
        run(video, detector, pool)
    runs: dict[str, list[dict]] = {"hog": [], "pose": []}
    for _ in range(args.repeats):
        for detector in ("hog", "pose"):
            runs[detector].append(run(video, detector, pool))
    best = {d: min(r, key=lambda x: x["wall_s"]) for d, r in runs.items()}
    if best["pose"]["finder"] != "pose":
        print("the pose model is not installed: run scripts/install.sh", file=sys.stderr)
        return 1
    report = {
        "video": video.name,
        "cpu": platform.processor() or platform.machine(),
        "cores": len(os.sched_getaffinity(0)),
        "load_average": os.getloadavg(),
        "runs": runs,
        "wall_ratio": round(best["pose"]["wall_s"] / best["hog"]["wall_s"], 3),
        "cpu_ratio": round(best["pose"]["cpu_s"] / best["hog"]["cpu_s"], 3),
    }
    for detector, figures in best.items():
        print(f"{detector:5s} wall {figures['wall_s']:7.1f} s  cpu {figures['cpu_s']:7.1f} s  "
              f"stages {figures['timings_s']}")  # fmt: skip
    print(f"pose / hog: wall x{report['wall_ratio']}, cpu x{report['cpu_ratio']} "
          f"(load average {report['load_average'][0]:.1f})")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

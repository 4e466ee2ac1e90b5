"""What the pose model and tracking add to an analysis: the same video analysed with the HOG
finder and with the pose model, side by side in one process.

    python benchmarks/pose_overhead.py [VIDEO] [--repeats N] [--json PATH]

Three runs each round, interleaved: "hog"; "pose", as the analysis runs it (the people of the
one-second frames found in one thread and followed through the 5 fps frames in another, each
with its own copy of the networks); and "pose-1copy", the same with one copy of the networks
shared by both threads, so that the pose model runs one inference at a time as it did when one
thread did all of its work (the arrangement before the split).

Random backbones and an untrained head (`--pretrained none --model random`), so it runs offline;
the pose files come from the installation (`scripts/install.sh`) or `$JUDGEAPP_WEIGHTS_PATH`.
A first analysis of each finder warms the OpenVINO conversion cache and is not counted; every
measured run reads no feature cache. Printed per finder: wall seconds, CPU seconds of this
process (user + system), the result's stage timings, and the ratios pose / HOG.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from _report import machine_facts, machine_text, write_json

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.analyze import analyze
from judgeapp.analysis.backbone_pool import BackbonePool
from judgeapp.detect.pose import BlazePose

HERE = Path(__file__).resolve().parent
DEFAULT_VIDEO = HERE.parent.parent / "shared" / "media" / "room_people_139s.mp4"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def one_copy():
    """The pose model's two threads share one copy of the networks (one inference at a time)."""
    twin = BlazePose.twin
    BlazePose.twin = lambda self: self
    try:
        yield
    finally:
        BlazePose.twin = twin


VARIANTS = ("hog", "pose", "pose-1copy")


def run(video: Path, variant: str, pool: BackbonePool) -> dict:
    detector = variant.split("-")[0]
    options = AnalysisOptions(
        pretrained=False, model="random", profile="torchvision", detector=detector,
        use_cache=False,
    )  # fmt: skip
    wall, cpu = time.perf_counter(), _cpu_s()
    if variant == "pose-1copy":
        with one_copy():
            result = analyze(video, options, pool=pool)
    else:
        result = analyze(video, options, pool=pool)
    return {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(_cpu_s() - cpu, 2),
        "timings_s": result.timings_s,
        "finder": result.provenance.detector,
        "engine": f"{result.engine.name} {result.engine.precision}" if result.engine else "",
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
    for variant in VARIANTS[:2]:  # warm-up: builds, OpenVINO conversions, the second copy
        run(video, variant, pool)
    runs: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for _ in range(args.repeats):
        for variant in VARIANTS:
            runs[variant].append(run(video, variant, pool))
    best = {v: min(r, key=lambda x: x["wall_s"]) for v, r in runs.items()}
    if best["pose"]["finder"] != "pose":
        print("the pose model is not installed: run scripts/install.sh", file=sys.stderr)
        return 1
    ratios = {
        v: {
            "wall": round(best[v]["wall_s"] / best["hog"]["wall_s"], 3),
            "cpu": round(best[v]["cpu_s"] / best["hog"]["cpu_s"], 3),
        }
        for v in VARIANTS[1:]
    }
    machine = machine_facts()
    report = {
        "video": video.name,
        "cpu": machine["cpu"],
        "precision": f"backbones {best['pose']['engine']}, pose model OpenVINO f32",
        "cores": machine["cores"],
        "load_average": machine["load_average"],
        "runs": runs,
        "ratios_to_hog": ratios,
    }
    for variant, figures in best.items():
        print(f"{variant:10s} wall {figures['wall_s']:7.1f} s  cpu {figures['cpu_s']:7.1f} s  "
              f"stages {figures['timings_s']}")  # fmt: skip
    for variant, ratio in ratios.items():
        print(f"{variant} / hog: wall x{ratio['wall']}, cpu x{ratio['cpu']}")
    print(f"{report['cpu']}, {report['precision']}, {machine_text(machine)}")
    write_json(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Each backbone alone through PyTorch and through OpenVINO, side by side, on the same inputs.

    python benchmarks/engines.py [--profile torchvision] [--clips 4] [--crops 8] [--repeats 3]
        [--precision fp32|bf16] [--json PATH]

Both engines are built by the analysis's own code (`build_backbones`, random seeded weights, so
the two hold the same weights), then run in turn on the same random pixels: the dynamic network
on `--clips` clips, the static one on `--crops` crops (the pipeline's batch sizes).
Prints the best of `--repeats` runs per engine, the ratio, and the largest difference of the
features relative to their scale. Answers "how much faster are the networks on this CPU", the
part of `benchmarks/pipeline.py`'s end to end that the engine can change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.backbone_pool import build_backbones, engine_choice
from judgeapp.features.engines import detect_platform
from judgeapp.features.profiles import get_profile


def best_s(fn, repeats: int) -> float:
    """The fastest of `repeats` runs of `fn`, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="torchvision")
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--crops", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    profile = get_profile(args.profile)
    platform = detect_platform()
    print(
        f"profile {profile.name}; {os.cpu_count()} CPUs, torch threads "
        f"{torch.get_num_threads()}; CPU bf16: {platform.bf16}; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    nets = {}
    for engine, precision in (("torch", "fp32"), ("openvino", args.precision)):
        options = AnalysisOptions(
            profile=profile.name,
            pretrained=False,
            device="cpu",
            engine=engine,
            precision=precision,
        )
        nets[engine] = build_backbones(profile, options, engine_choice(options))
    rng = np.random.default_rng(0)
    batches = {"dynamic": args.clips, "static": args.crops}
    figures = {"profile": profile.name, "precision": args.precision, "networks": {}}
    for index, stream in enumerate(("dynamic", "static")):
        if nets["torch"][index] is None:
            continue
        shape = (batches[stream], *nets["torch"][index].example_shape)
        pixels = rng.integers(0, 256, shape, dtype=np.uint8)
        outputs, seconds = {}, {}
        for engine, pair in nets.items():
            net = pair[index]
            outputs[engine] = net.embed(pixels)
            seconds[engine] = best_s(lambda net=net, px=pixels: net.embed(px), args.repeats)
        scale = float(np.abs(outputs["torch"]).max()) or 1.0
        diff = float(np.abs(outputs["torch"] - outputs["openvino"]).max())
        ratio = seconds["torch"] / seconds["openvino"]
        print(
            f"{stream:<8} batch {len(pixels):>2}  torch {seconds['torch']:6.3f} s  "
            f"openvino {seconds['openvino']:6.3f} s  torch/openvino {ratio:4.2f}x  "
            f"max diff {diff / scale:.1e} of the features' scale"
        )
        figures["networks"][stream] = {
            "batch": len(pixels),
            "torch_s": round(seconds["torch"], 4),
            "openvino_s": round(seconds["openvino"], 4),
            "torch_over_openvino": round(ratio, 3),
            "max_relative_difference": diff / scale,
        }
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

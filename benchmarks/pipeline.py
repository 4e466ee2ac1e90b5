"""Time each stage of the scoring path alone, then end to end, for each engine, side by side.

    python benchmarks/pipeline.py VIDEO [--engines torch,auto] [--device auto|cpu|cuda]
        [--precision fp32|fp16|bf16] [--pretrained none|default] [--json PATH]

For every engine in turn (same process, same video, one after another so that both see the
same machine load): decode, detect, dynamic, static and head times run one after another (each
stage alone, fed from memory), then the end-to-end time of `analyze()` with the feature cache
off, and the ratios: end to end over the largest stage alone (1.0 = the pipeline is bound by its
slowest stage), over the work bound (no schedule can beat the largest stage, nor the CPU seconds
of all stages spread over every core: on a CPU where each network alone already keeps every core
busy, this is the bound that holds), over the sum of the stages, over decoding alone (the target
on a GPU), and the real-time factor. CPU seconds count every thread of the process. Last, each
engine's end to end against the first one's.

OpenVINO engines also report the cost of preparing the networks: a first build into an empty
model cache (conversion) against a second one (read from the cache).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from judgeapp.analysis import AnalysisOptions, analyze
from judgeapp.analysis.analyze import score_features
from judgeapp.analysis.backbone_pool import BackbonePool, build_backbones, engine_choice
from judgeapp.analysis.extraction import crop_box
from judgeapp.analysis.head_loading import load_head
from judgeapp.analysis.options import DEFAULT_PROFILE
from judgeapp.detect import largest_box
from judgeapp.features.engines import cpu_threads
from judgeapp.features.profiles import get_profile
from judgeapp.features.video_features import VideoFeatures
from judgeapp.video import SEGMENT_FRAMES, iter_samples, plan_sampling, probe

STAGES = ("decode", "detect", "dynamic", "static", "head")


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


class StageTimes:
    """Wall-clock and CPU seconds (all of the process's threads) of each stage run alone."""

    def __init__(self) -> None:
        self.wall_s: dict[str, float] = {}
        self.cpu_s: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str, device: str = "cpu"):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        _sync(device)
        self.wall_s[name] = time.perf_counter() - wall
        self.cpu_s[name] = time.process_time() - cpu


def stages_alone(video: str, options: AnalysisOptions, pool: BackbonePool) -> StageTimes:
    """Seconds of each stage run on its own, inputs held in memory."""
    profile = get_profile(options.profile or DEFAULT_PROFILE)
    choice = engine_choice(options)
    dynamic_net, static_net = pool.backbones(profile, options, choice)
    detector = pool.detector(options)
    head, card, _ = load_head(
        options.model,
        profile.name,
        DEFAULT_PROFILE,
        lambda _n: (profile.dynamic_dim, profile.static_dim),
    )
    info = probe(video)
    times = StageTimes()

    dyn_frames, static_frames = [], []
    plan = plan_sampling(info.duration_s, profile.sampling)
    with times.stage("decode"):
        for sampled in iter_samples(video, info, plan):
            if sampled.stream == "dynamic":
                dyn_frames.append(dynamic_net.prepare_frame(sampled.frame.image))
            else:
                static_frames.append(profile.static_frame(sampled.frame.image))

    n_seg = len(dyn_frames) // SEGMENT_FRAMES
    clips = np.stack(dyn_frames[: n_seg * SEGMENT_FRAMES]).reshape(
        n_seg, SEGMENT_FRAMES, *dyn_frames[0].shape
    )
    del dyn_frames
    # warm-up so that one-off initialisation is not billed to a stage
    dynamic_net.embed(clips[:1])
    static_net.embed(np.zeros((1, 224, 224, 3), np.uint8))
    detector.detect(static_frames[:1])
    _sync(choice.device)

    boxes = []
    with times.stage("detect"):
        for i in range(0, len(static_frames), options.frames_per_batch):
            boxes.extend(detector.detect(static_frames[i : i + options.frames_per_batch]))

    with times.stage("dynamic", choice.device):
        rows = [
            dynamic_net.embed(clips[i : i + options.segments_per_batch])
            for i in range(0, n_seg, options.segments_per_batch)
        ]
    dynamic = np.concatenate(rows)

    crops = []
    with times.stage("static", choice.device):
        for image, frame_boxes in zip(static_frames, boxes, strict=True):
            best = largest_box(frame_boxes)
            if best is not None:  # as the pipeline: frames without a person are dropped
                crops.append(
                    static_net.prepare_crop(crop_box(image, (best.x1, best.y1, best.x2, best.y2)))
                )
        crops_arr = np.stack(crops)
        static = np.concatenate(
            [
                static_net.embed(crops_arr[i : i + options.frames_per_batch])
                for i in range(0, len(crops_arr), options.frames_per_batch)
            ]
        )

    features = VideoFeatures(
        profile.name,
        dynamic,
        np.zeros(n_seg),
        np.zeros(n_seg),
        static,
        np.zeros(len(static)),
        np.zeros(len(static), np.int64),
        np.zeros((len(static), 4)),
    )
    with times.stage("head"):
        score_features(features, head, card)
    return times


def preparation_s(options: AnalysisOptions) -> dict[str, float]:
    """Building both backbones into an empty OpenVINO model cache, then again from it."""
    profile = get_profile(options.profile or DEFAULT_PROFILE)
    choice = engine_choice(options)
    saved = os.environ.get("JUDGEAPP_CACHE_DIR")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["JUDGEAPP_CACHE_DIR"] = cache
        try:
            _, first_s = _timed(build_backbones, profile, options, choice)
            _, second_s = _timed(build_backbones, profile, options, choice)
        finally:
            if saved is None:
                os.environ.pop("JUDGEAPP_CACHE_DIR", None)
            else:
                os.environ["JUDGEAPP_CACHE_DIR"] = saved
    return {"first_build_s": round(first_s, 2), "second_build_s": round(second_s, 2)}


def measure(video: str, options: AnalysisOptions, duration_s: float) -> dict:
    """One engine: stages alone, end to end, and their ratios."""
    choice = engine_choice(options)
    figures: dict = {
        "engine": choice.engine,
        "precision": choice.precision,
        "device": choice.device,
    }
    if choice.engine == "openvino":
        figures["preparation"] = preparation_s(options)
    pool = BackbonePool()
    times = stages_alone(video, options, pool)
    alone = times.wall_s
    # end to end: analyze() with the networks already built (as for the 2nd video of a run)
    cpu_start = time.process_time()
    result, end_to_end_s = _timed(lambda: analyze(video, options, pool=pool))
    end_to_end_cpu_s = time.process_time() - cpu_start
    largest = max(alone, key=alone.get)
    # No schedule can beat the largest stage, nor the whole CPU work spread over every core.
    cores = cpu_threads()
    work_bound_s = max(alone[largest], sum(times.cpu_s.values()) / cores)
    figures.update(
        {
            "segments": len(result.dynamic),
            "static_frames": len(result.static),
            "score": result.score,
            "stages_alone_s": {k: round(v, 3) for k, v in alone.items()},
            "stages_alone_cpu_s": {k: round(v, 3) for k, v in times.cpu_s.items()},
            "cores": cores,
            "work_bound_s": round(work_bound_s, 3),
            "end_to_end_cpu_s": round(end_to_end_cpu_s, 3),
            "largest_stage": largest,
            "sum_of_stages_s": round(sum(alone.values()), 3),
            "end_to_end_s": round(end_to_end_s, 3),
            "in_pipeline_s": result.timings_s,
            "end_to_end_over_largest_stage": round(end_to_end_s / alone[largest], 3),
            "end_to_end_over_work_bound": round(end_to_end_s / work_bound_s, 3),
            "end_to_end_over_stages": round(end_to_end_s / sum(alone.values()), 3),
            "end_to_end_over_decode": round(end_to_end_s / alone["decode"], 3),
            "real_time_factor": round(end_to_end_s / duration_s, 3),
        }
    )
    return figures


def _print(figures: dict) -> None:
    print(f"engine {figures['engine']} {figures['precision']} on {figures['device']}")
    if "preparation" in figures:
        prep = figures["preparation"]
        print(f"  build networks, empty model cache  {prep['first_build_s']:8.2f} s")
        print(f"  build networks, from the cache     {prep['second_build_s']:8.2f} s")
    for stage, secs in figures["stages_alone_s"].items():
        cpu_s = figures["stages_alone_cpu_s"][stage]
        print(f"  {stage:<12} {secs:8.2f} s  (alone; {cpu_s:.2f} CPU s)")
    print(
        f"  {'sum':<12} {figures['sum_of_stages_s']:8.2f} s  "
        f"({sum(figures['stages_alone_cpu_s'].values()):.2f} CPU s)"
    )
    print(
        f"  work bound   {figures['work_bound_s']:8.2f} s  (max of the largest stage and the "
        f"CPU seconds over {figures['cores']} cores)"
    )
    print(
        f"  end-to-end   {figures['end_to_end_s']:8.2f} s   (in the pipeline: "
        + ", ".join(f"{k} {v:.2f}" for k, v in figures["in_pipeline_s"].items())
        + ")"
    )
    print(
        f"  end-to-end / largest stage ({figures['largest_stage']})  "
        f"{figures['end_to_end_over_largest_stage']:.3f}"
    )
    print(f"  end-to-end / work bound         {figures['end_to_end_over_work_bound']:.3f}")
    print(
        f"  end-to-end CPU s / (cores x wall) "
        f"{figures['end_to_end_cpu_s'] / (figures['cores'] * figures['end_to_end_s']):.3f}"
    )
    print(f"  end-to-end / stages alone       {figures['end_to_end_over_stages']:.3f}")
    print(f"  end-to-end / decode alone       {figures['end_to_end_over_decode']:.3f}")
    print(f"  real-time factor                {figures['real_time_factor']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("--engines", default="torch,auto", help="comma-separated, run in turn")
    parser.add_argument("--precision", default=None, choices=["fp32", "fp16", "bf16"])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--pretrained", choices=["default", "none"], default="none")
    parser.add_argument("--profile", default=None)
    parser.add_argument("--detector", default="auto")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    info = probe(args.video, with_hash=False)
    base = AnalysisOptions(
        profile=args.profile,
        pretrained=args.pretrained != "none",
        model="random",
        device=args.device,
        detector=args.detector,
        use_cache=False,
        precision=args.precision,
    )
    card = (
        torch.cuda.get_device_name(0)
        if torch.cuda.is_available() and args.device != "cpu"
        else platform.processor() or platform.machine()
    )
    print(f"video   {args.video} ({info.duration_s:.1f} s, {info.width}x{info.height})")
    print(
        f"machine {card}, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    runs = []
    for engine in args.engines.split(","):
        options = AnalysisOptions(**{**base.__dict__, "engine": engine})
        figures = measure(args.video, options, info.duration_s)
        figures["asked"] = engine
        runs.append(figures)
        _print(figures)
    first = runs[0]
    for other in runs[1:]:
        speedup = first["end_to_end_s"] / other["end_to_end_s"]
        print(
            f"end to end: {first['asked']} / {other['asked']} = {speedup:.2f}x, score "
            f"difference {abs(first['score'] - other['score']):.2e}"
        )
    if args.json:
        doc = {
            "video": args.video,
            "duration_s": info.duration_s,
            "machine": card,
            "cpus": os.cpu_count(),
            "runs": runs,
        }
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

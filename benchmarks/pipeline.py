"""Time each stage of the scoring path alone, then end to end, for one video.

    python benchmarks/pipeline.py VIDEO [--device auto|cpu|cuda] [--pretrained none|default]

Prints decode, detect, dynamic, static and head times run one after another (each stage alone,
fed from memory), the end-to-end time of `analyze()` with the feature cache off, the real-time
factor (end-to-end / video duration), end-to-end over the sum of the stages alone, and
end-to-end over decoding alone (the target on a GPU, where the networks should hide behind
decoding).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time

import numpy as np
import torch

from judgeapp.analysis import AnalysisOptions, analyze
from judgeapp.analysis.analyze import build_backbones, build_detector, score_features
from judgeapp.analysis.device import resolve_device
from judgeapp.analysis.extraction import crop_box
from judgeapp.analysis.heads import load_head
from judgeapp.analysis.options import DEFAULT_PROFILE
from judgeapp.detect import largest_box
from judgeapp.features.profiles import get_profile
from judgeapp.features.video_features import VideoFeatures
from judgeapp.video import SEGMENT_FRAMES, iter_samples, probe


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def stages_alone(video: str, options: AnalysisOptions) -> dict[str, float]:
    """Seconds of each stage run on its own, inputs held in memory."""
    profile = get_profile(options.profile or DEFAULT_PROFILE)
    device = resolve_device(options.device)
    dynamic_net, static_net = build_backbones(profile, options, device)
    detector = build_detector(options, device)
    head, card, _ = load_head(options.model, profile.name, DEFAULT_PROFILE, lambda _n: (
        profile.dynamic_dim, profile.static_dim))
    info = probe(video)
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    dyn_frames, static_frames = [], []
    for sampled in iter_samples(video, info):
        if sampled.stream == "dynamic":
            dyn_frames.append(dynamic_net.prepare_frame(sampled.frame.image))
        else:
            static_frames.append(sampled.frame.image)
    seconds["decode"] = time.perf_counter() - start

    n_seg = len(dyn_frames) // SEGMENT_FRAMES
    clips = np.stack(dyn_frames[: n_seg * SEGMENT_FRAMES]).reshape(
        n_seg, SEGMENT_FRAMES, *dyn_frames[0].shape
    )
    del dyn_frames
    # warm-up so that one-off initialisation is not billed to a stage
    dynamic_net.embed(clips[:1])
    static_net.embed(np.zeros((1, 224, 224, 3), np.uint8))
    detector.detect(static_frames[:1])
    _sync(device)

    start = time.perf_counter()
    boxes = []
    for i in range(0, len(static_frames), options.frames_per_batch):
        boxes.extend(detector.detect(static_frames[i : i + options.frames_per_batch]))
    seconds["detect"] = time.perf_counter() - start

    start = time.perf_counter()
    rows = [
        dynamic_net.embed(clips[i : i + options.segments_per_batch])
        for i in range(0, n_seg, options.segments_per_batch)
    ]
    _sync(device)
    seconds["dynamic"] = time.perf_counter() - start
    dynamic = np.concatenate(rows)

    start = time.perf_counter()
    crops = []
    for image, frame_boxes in zip(static_frames, boxes, strict=True):
        best = largest_box(frame_boxes)
        region = image if best is None else crop_box(image, (best.x1, best.y1, best.x2, best.y2))
        crops.append(static_net.prepare_crop(region))
    crops_arr = np.stack(crops)
    static = np.concatenate([
        static_net.embed(crops_arr[i : i + options.frames_per_batch])
        for i in range(0, len(crops_arr), options.frames_per_batch)
    ])
    _sync(device)
    seconds["static"] = time.perf_counter() - start

    features = VideoFeatures(
        profile.name, dynamic, np.zeros(n_seg), np.zeros(n_seg), static,
        np.zeros(len(static)), np.zeros(len(static), np.int64), np.zeros((len(static), 4)),
    )
    start = time.perf_counter()
    score_features(features, head, card)
    seconds["head"] = time.perf_counter() - start
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--pretrained", choices=["default", "none"], default="none")
    parser.add_argument("--profile", default=None)
    parser.add_argument("--detector", default="auto")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    options = AnalysisOptions(
        profile=args.profile,
        pretrained=args.pretrained != "none",
        model="random",
        device=args.device,
        detector=args.detector,
        use_cache=False,
    )
    info = probe(args.video, with_hash=False)
    alone = stages_alone(args.video, options)
    # end to end: a fresh analyze(), cache off, after the warm-up above
    start = time.perf_counter()
    result = analyze(args.video, options)
    end_to_end_s = time.perf_counter() - start
    device = resolve_device(args.device)
    card = torch.cuda.get_device_name(0) if device == "cuda" else platform.processor() or "cpu"
    sum_alone = sum(alone.values())
    figures = {
        "video": args.video,
        "duration_s": round(info.duration_s, 2),
        "device": device,
        "device_name": card,
        "cpu_threads": torch.get_num_threads(),
        "segments": len(result.dynamic),
        "static_frames": len(result.static),
        "stages_alone_s": {k: round(v, 3) for k, v in alone.items()},
        "sum_of_stages_s": round(sum_alone, 3),
        "end_to_end_s": round(end_to_end_s, 3),
        "in_pipeline_s": result.timings_s,
        "real_time_factor": round(end_to_end_s / info.duration_s, 3),
        "end_to_end_over_stages": round(end_to_end_s / sum_alone, 3),
        "end_to_end_over_decode": round(end_to_end_s / alone["decode"], 3),
    }
    print(f"video          {args.video} ({info.duration_s:.1f} s, {info.width}x{info.height})")
    print(f"device         {device} ({card}), torch threads {torch.get_num_threads()}")
    for stage, secs in alone.items():
        print(f"  {stage:<12} {secs:8.2f} s  (alone)")
    print(f"  {'sum':<12} {sum_alone:8.2f} s")
    print(f"end-to-end     {end_to_end_s:8.2f} s")
    print(f"real-time factor           {figures['real_time_factor']:.3f}")
    print(f"end-to-end / stages alone  {figures['end_to_end_over_stages']:.3f}")
    print(f"end-to-end / decode alone  {figures['end_to_end_over_decode']:.3f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

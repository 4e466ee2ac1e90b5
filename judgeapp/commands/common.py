"""Pieces several subcommands share: device/profile options, terminal progress, video lists."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from judgeapp.core.text_safety import terminal_lines, terminal_text


def add_device_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device", choices=["auto", "cpu", "cuda"], default="auto", help="default: auto"
    )


def add_backbone_options(parser: argparse.ArgumentParser) -> None:
    """--pretrained, --profile, --device, --engine, --precision, --detector, --download,
    --no-cache."""
    parser.add_argument(
        "--pretrained",
        choices=["default", "none"],
        default="default",
        help="none: random backbone weights (offline testing; results not calibrated)",
    )
    parser.add_argument("--profile", default=None, help="feature profile (torchvision, paper, vst)")
    add_device_option(parser)
    parser.add_argument(
        "--engine",
        choices=["auto", "torch", "openvino"],  # features.engines.ENGINES, without torch
        default="auto",
        help="how the backbones run; auto: PyTorch on a CUDA GPU, else OpenVINO where it is "
        "installed, else PyTorch (default: auto)",
    )
    parser.add_argument(
        "--precision",
        choices=["fp32", "fp16", "bf16"],
        default=None,
        help="backbone arithmetic; default: fp16 on a CUDA GPU, fp32 on a CPU; bf16: OpenVINO "
        "on CPUs with native bf16 (faster, about 0.5%% off)",
    )
    parser.add_argument(
        "--detector",
        choices=["auto", "pose", "yolo", "hog", "none"],  # detect.DETECTOR_KINDS, no cv2 import
        default="auto",
        help="person finder; auto: the pose model, else YOLO, else HOG (the best installed); "
        "none: whole frames, no detection (ablation)",
    )
    parser.add_argument(
        "--athlete",
        choices=["track", "largest"],
        default="track",
        help="track: one person followed through the video (judges, coaches and passers-by "
        "are not taken for the athlete); largest: the paper's rule, the largest person in "
        "each frame",
    )
    parser.add_argument(
        "--download", action="store_true", help="download missing pretrained weights"
    )
    parser.add_argument("--no-cache", action="store_true", help="ignore the feature cache")


def analysis_options(args: argparse.Namespace, model: str | None = None):
    """AnalysisOptions from the options `add_backbone_options` added."""
    from judgeapp.analysis import AnalysisOptions

    return AnalysisOptions(
        profile=args.profile,
        pretrained=args.pretrained != "none",
        model=model,
        device=args.device,
        detector=args.detector,
        athlete=getattr(args, "athlete", "track"),
        allow_download=args.download,
        use_cache=not args.no_cache,
        engine=args.engine,
        precision=args.precision,
    )


def expand_videos(paths: list[str]) -> list[Path]:
    """Video files named on the command line; a folder stands for the videos inside it."""
    from judgeapp.video.files import videos_in

    videos: list[Path] = []
    for raw in paths:
        path = Path(raw)
        videos.extend(videos_in(path) if path.is_dir() else [path])
    return videos


def terminal_progress(label: str) -> tuple[Callable, Callable[[], None]]:
    """A progress callback drawing a bar on stderr when it is a terminal, and its closer."""
    if not sys.stderr.isatty():
        return (lambda _p: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=1, desc=terminal_text(label), unit="unit", leave=False, file=sys.stderr)

    def update(p) -> None:
        if p.total and bar.total != p.total:
            bar.total = p.total
        bar.set_postfix_str(p.stage)
        bar.n = p.done
        bar.refresh()

    return update, bar.close


def say(text: Any = "", file: TextIO | None = None, end: str = "\n", flush: bool = False) -> None:
    """print() for what a command tells a person: text from files and users (video names,
    model cards, paths, error messages) can hold control characters a terminal would obey,
    so every one but the line breaks is shown as an escape (core.text_safety)."""
    print(terminal_lines(text), file=sys.stdout if file is None else file, end=end, flush=flush)

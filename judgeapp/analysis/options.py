"""What an analysis is asked to do: profile, weights, head, device, engine."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PROFILE = "torchvision"


@dataclass(frozen=True)
class AnalysisOptions:
    """Options of one analysis.

    profile: feature profile name; None = the checkpoint's profile (or the default one).
    pretrained: False builds the backbones with random weights (`--pretrained none`).
    model: a checkpoint path, "random" for an untrained head, or None for the installed one.
    device: "auto" (CUDA when present), "cpu" or "cuda".
    detector: "auto" (the pose model when its files are installed, else YOLO, else HOG),
        "pose", "yolo", "hog" or "none".
    athlete: "track" (one person followed through the video) or "largest" (the paper's rule:
        the largest person in each frame).
    follow: (time_s, x, y): the user's "follow this one", a point on a person at a moment;
        None = the automatic choice.
    allow_download: fetch missing pretrained files (with a progress bar) when a network exists.
    use_cache: read and write the feature cache.
    engine: how the backbones run: "auto" (CUDA, else OpenVINO, else PyTorch), "torch" or
        "openvino" (features.engines.choose_engine).
    precision: "fp32", "fp16" (CUDA) or "bf16" (OpenVINO on CPUs with bf16); None = the
        engine's default (fp16 on CUDA, fp32 on a CPU).
    """

    profile: str | None = None
    pretrained: bool = True
    model: str | None = None
    device: str = "auto"
    detector: str = "auto"
    allow_download: bool = False
    use_cache: bool = True
    segments_per_batch: int = 4
    frames_per_batch: int = 8
    engine: str = "auto"
    precision: str | None = None
    athlete: str = "track"
    follow: tuple[float, float, float] | None = None

"""Feature profiles: the whole recipe from frames and crops to features, by name.

A head is only valid on features made by the recipe it was trained on, so checkpoints record
the profile name. Adding a profile is adding one `Profile` entry to `PROFILES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from torch import nn

from judgeapp.core.errors import JudgeappError
from judgeapp.features import networks, preprocess, swin
from judgeapp.features.backbones import (
    HALF_RANGE,
    IMAGENET,
    DynamicBackbone,
    Normalization,
    PrepareFn,
    StaticBackbone,
)
from judgeapp.features.recipes import SPECS, ProfileSpec
from judgeapp.video.sampling import INTERVAL_END, NEAREST

# torchvision's S3D_Weights.KINETICS400_V1.transforms(): VideoClassification's defaults.
KINETICS_S3D = Normalization(mean=(0.43216, 0.394666, 0.37645), std=(0.22803, 0.22145, 0.216989))

# How a profile cuts the dynamic stream (Profile.clips).
SEGMENTS = "segments"
GDLT_CLIPS = "gdlt"

DynamicBuilder = Callable[[dict | None, str, bool], DynamicBackbone]
StaticBuilder = Callable[[dict | None, str, bool], StaticBackbone]


@dataclass(frozen=True)
class Profile:
    """A named feature recipe: both backbones, their preprocessing and their weights files.

    dynamic_weights / static_weights are names in the weights registry (judgeapp.weights).
    recipe: the recipe's version, raised whenever what the profile computes changes (a
    resize, a sampling position, a network detail), so that features of an older version are
    never mixed with new ones (feature cache keys, extract manifests).
    sampling: which frame stands for each sample (judgeapp.video.sampling's rules).
    static_frame: what happens to a 1 fps frame before detection and cropping.
    clips: SEGMENTS (16-frame segments of 5 fps samples, ACTION-NET) or GDLT_CLIPS (32-frame
    clips of every 25 fps frame, trimmed evenly at both ends; features.swin).
    A profile without a static stream has static_weights / static_builder None and
    static_dim 0: its features have no static rows at all (nothing is faked).
    """

    name: str
    dynamic_dim: int
    static_dim: int
    dynamic_weights: str
    static_weights: str | None
    description: str
    dynamic_builder: DynamicBuilder
    static_builder: StaticBuilder | None
    recipe: int = 1
    sampling: str = NEAREST
    static_frame: Callable[[np.ndarray], np.ndarray] = preprocess.keep_frame
    clips: str = SEGMENTS

    @property
    def has_static(self) -> bool:
        """Whether the profile has a static (athlete crop) stream."""
        return self.static_builder is not None

    def build_dynamic(
        self, state_dict: dict | None, device: str = "cpu", half: bool = False
    ) -> DynamicBackbone:
        """The dynamic backbone with these weights (None: random, seeded by the caller)."""
        return self.dynamic_builder(state_dict, device, half)

    def build_static(
        self, state_dict: dict | None, device: str = "cpu", half: bool = False
    ) -> StaticBackbone | None:
        """The static backbone with these weights (None: random, seeded by the caller); None
        for a profile without a static stream."""
        if self.static_builder is None:
            return None
        return self.static_builder(state_dict, device, half)


def dynamic_builder(
    network: Callable[[dict | None], nn.Module],
    prepare: PrepareFn,
    norm: Normalization,
    dim: int,
    name: str,
    clip_frames: int | None = None,
) -> DynamicBuilder:
    """A Profile.dynamic_builder from a network builder and the preprocessing around it;
    `clip_frames`: frames per clip when not the 16 of a segment (engines compile for it)."""

    def build(state_dict: dict | None, device: str, half: bool) -> DynamicBackbone:
        backbone = DynamicBackbone(network(state_dict), prepare, norm, dim, device, half, name)
        if clip_frames is not None:
            backbone.example_shape = (clip_frames, *backbone.example_shape[1:])
        return backbone

    return build


def static_builder(
    network: Callable[[dict | None], nn.Module],
    prepare: PrepareFn,
    norm: Normalization,
    dim: int,
    name: str,
) -> StaticBuilder:
    """A Profile.static_builder from a network builder and the preprocessing around it."""

    def build(state_dict: dict | None, device: str, half: bool) -> StaticBackbone:
        return StaticBackbone(network(state_dict), prepare, norm, dim, device, half, name)

    return build


def _facts(spec: ProfileSpec) -> dict:
    """The Profile fields that features.recipes.SPECS holds (one place for each fact)."""
    return {
        "name": spec.name,
        "recipe": spec.recipe,
        "dynamic_dim": spec.dynamic_dim,
        "static_dim": spec.static_dim,
        "dynamic_weights": spec.dynamic_weights,
        "static_weights": spec.static_weights,
    }


TORCHVISION = Profile(
    **_facts(SPECS["torchvision"]),
    description=(
        "torchvision weights: S3D (Kinetics-400) on 256x256-resized, centre-cropped 224x224 "
        "frames with Kinetics mean/std; ResNet-50 (IMAGENET1K_V2) on 224x224 crops with "
        "ImageNet mean/std"
    ),
    dynamic_builder=dynamic_builder(
        networks.s3d_features, preprocess.s3d_frame, KINETICS_S3D, networks.S3D_DIM, "S3D"
    ),
    static_builder=static_builder(
        networks.resnet50_features,
        preprocess.square_crop,
        IMAGENET,
        networks.RESNET50_DIM,
        "ResNet-50 (IMAGENET1K_V2)",
    ),
)

PAPER = Profile(
    **_facts(SPECS["paper"]),
    description=(
        "the ACTION-NET authors' recipe: RGB I3D (Kinetics-400, i3d_rgb.pth, batch-norm eps "
        "1e-5) on the last frame of every 0.2 s, resized to height 224 (OpenCV bilinear), "
        "centre 224x300 window squeezed to 224x224 (PIL bilinear), scaled to [-1, 1]; "
        "ResNet-50 (IMAGENET1K_V1) on the last frame of every second after a JPEG (quality 95) "
        "round trip, crops resized to 224x224 (PIL bilinear), mean = std = 0.5"
    ),
    sampling=INTERVAL_END,
    static_frame=preprocess.paper_static_frame,
    dynamic_builder=dynamic_builder(
        networks.i3d_features, preprocess.paper_frame, HALF_RANGE, networks.I3D_DIM, "I3D"
    ),
    static_builder=static_builder(
        networks.resnet50_features,
        preprocess.paper_crop,
        HALF_RANGE,
        networks.RESNET50_DIM,
        "ResNet-50 (IMAGENET1K_V1)",
    ),
)

VST = Profile(
    **_facts(SPECS["vst"]),
    description=(
        "GDLT's recipe (CVPR 2022): Video Swin-B (Kinetics-600, ImageNet-22k; torchvision "
        "swin3d_b with the official weights) on every frame at 25 fps, non-overlapping 32-frame "
        "clips trimmed evenly at both ends, short side resized to 256, centre 224x300 squeezed "
        "to 224x224 (PIL bilinear), ImageNet mean/std; final LayerNorm averaged over time and "
        "space (1024-d). Dynamic stream only"
    ),
    clips=GDLT_CLIPS,
    dynamic_builder=dynamic_builder(
        swin.swin3d_b_features,
        swin.vst_frame,
        IMAGENET,
        swin.SWIN_DIM,
        "Video Swin-B",
        clip_frames=swin.CLIP_FRAMES,
    ),
    static_builder=None,
)

PROFILES: dict[str, Profile] = {p.name: p for p in (TORCHVISION, PAPER, VST)}


def get_profile(name: str) -> Profile:
    """The profile called `name`; an unknown name is a JudgeappError listing the valid ones."""
    try:
        return PROFILES[name]
    except KeyError:
        valid = ", ".join(sorted(PROFILES))
        raise JudgeappError(f"unknown feature profile {name!r}: choose one of {valid}") from None

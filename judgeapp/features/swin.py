"""Video Swin-B clip features as GDLT (CVPR 2022) computed them: the `vst` profile's network,
its frame geometry and its clip rule.

The network is torchvision's `swin3d_b`, the same architecture as the official Video-Swin-B
(`swin_base_patch244_window877_kinetics600_22k`: patch 2x4x4, window 8x7x7, embed 128, depths
2-2-18-2); the official checkpoint loads into it by renaming keys (`official_to_torchvision`).
The feature of a clip is the final LayerNorm's output averaged over time and space (torchvision's
norm -> avgpool path with the classifier removed): [B, 3, 32, 224, 224] -> [B, 1024].

Frames (the authors' rg_swintx.py): every frame of a 25 fps video, PIL image, torchvision
Resize(256) (short side to 256, PIL bilinear), CenterCrop((224, 300)), Resize((224, 224)),
ImageNet mean/std; non-overlapping 32-frame clips, the frames that do not fill a clip dropped
evenly at both ends (the extra one at the end). Other frame rates are resampled to 25 fps by
taking the decoded frame nearest to each k / 25 s.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from torch import nn

from judgeapp.features.backbones import load_weights_strict
from judgeapp.features.preprocess import SIZE, _pil_bilinear, _pil_center_crop, check_rgb_uint8

SWIN_DIM = 1024
CLIP_FPS = 25.0
CLIP_FRAMES = 32
SHORT_SIDE = 256
CROP_HW = (224, 300)
SWIN_CLASSES = 600  # the Kinetics-600 classifier the official checkpoint carries


def swin3d_b_features(state_dict: dict | None) -> nn.Module:
    """torchvision swin3d_b (600 classes, torchvision key layout) with head = Identity:
    [B, 3, T, 224, 224] -> [B, 1024], the final LayerNorm averaged over time and space."""
    from torchvision.models.video import swin3d_b

    net = swin3d_b(weights=None, num_classes=SWIN_CLASSES)
    if state_dict is not None:
        load_weights_strict(net, state_dict, "Video Swin-B (Kinetics-600, ImageNet-22k)")
    net.head = nn.Identity()
    return net


_BLOCK = re.compile(r"^layers\.(\d+)\.blocks\.(\d+)\.(.*)$")
_DOWNSAMPLE = re.compile(r"^layers\.(\d+)\.downsample\.(.*)$")


def official_key(key: str) -> str | None:
    """One key of the official checkpoint in torchvision's naming (None: not part of it).

    `backbone.` stripped; layers.i.blocks.j -> features.{2i}.j (mlp.fc1/fc2 -> mlp.0/mlp.3);
    layers.i.downsample -> features.{2i+1}; patch_embed.* and norm.* unchanged;
    cls_head.fc_cls -> head.
    """
    if key.startswith("cls_head.fc_cls."):
        return "head." + key[len("cls_head.fc_cls.") :]
    if not key.startswith("backbone."):
        return None
    key = key[len("backbone.") :]
    if match := _BLOCK.match(key):
        stage, block, rest = match.groups()
        rest = rest.replace("mlp.fc1.", "mlp.0.").replace("mlp.fc2.", "mlp.3.")
        return f"features.{2 * int(stage)}.{block}.{rest}"
    if match := _DOWNSAMPLE.match(key):
        stage, rest = match.groups()
        return f"features.{2 * int(stage) + 1}.{rest}"
    return key


def official_to_torchvision(state_dict: dict) -> dict:
    """The official checkpoint's state dict (optionally wrapped in {"state_dict": ...}) renamed
    for torchvision's swin3d_b; keys outside the backbone and classifier are dropped."""
    if "state_dict" in state_dict and isinstance(state_dict["state_dict"], dict):
        state_dict = state_dict["state_dict"]
    renamed = {}
    for key, value in state_dict.items():
        new = official_key(key)
        if new is not None:
            renamed[new] = value
    return renamed


def vst_frame(frame: np.ndarray) -> np.ndarray:
    """A decoded RGB frame -> [224, 224, 3] uint8 as GDLT's transforms on a PIL image:
    Resize(256) (short side 256, the long side int(256 * long / short), PIL bilinear),
    CenterCrop((224, 300)) (black where the image is smaller), Resize((224, 224))."""
    check_rgb_uint8(frame, "frame")
    h, w = frame.shape[:2]
    if w <= h:
        width, height = SHORT_SIDE, int(SHORT_SIDE * h / w)
    else:
        width, height = int(SHORT_SIDE * w / h), SHORT_SIDE
    scaled = _pil_bilinear(np.ascontiguousarray(frame), width, height)
    return _pil_bilinear(_pil_center_crop(scaled, *CROP_HW), SIZE, SIZE)


@dataclass(frozen=True)
class ClipPlan:
    """Which 25 fps frames a video's clips are made of.

    frames: how many 25 fps frames the video has; first: the index of the first kept one;
    clips: how many whole clips of `clip_frames` follow it.
    """

    frames: int
    first: int
    clips: int
    clip_frames: int = CLIP_FRAMES
    fps: float = CLIP_FPS

    @property
    def frame_times_s(self) -> tuple[float, ...]:
        """The time of every kept frame (k / fps), in order."""
        count = self.clips * self.clip_frames
        return tuple((self.first + k) / self.fps for k in range(count))

    def clip_start_s(self, clip: int) -> float:
        return (self.first + clip * self.clip_frames) / self.fps

    def clip_end_s(self, clip: int) -> float:
        return (self.first + (clip + 1) * self.clip_frames) / self.fps


def plan_clips(
    duration_s: float, fps: float = CLIP_FPS, clip_frames: int = CLIP_FRAMES
) -> ClipPlan:
    """GDLT's rule on a video of `duration_s`: floor(duration * fps) frames, as many whole clips
    as fit, the (frames mod clip) leftover split floor at the start, the rest at the end."""
    frames = math.floor(duration_s * fps + 1e-6) if duration_s > 0 else 0
    clips = frames // clip_frames
    first = (frames - clips * clip_frames) // 2
    return ClipPlan(frames=frames, first=first, clips=clips, clip_frames=clip_frames, fps=fps)

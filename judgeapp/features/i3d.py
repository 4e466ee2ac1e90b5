"""RGB I3D (Inception-v1 inflated to 3D, Kinetics-400): the `paper` profile's dynamic backbone.

The module and parameter names follow the state dict of the PyTorch port of DeepMind's
kinetics-i3d checkpoint that the ACTION-NET authors load (`i3d_rgb.pth`; its keys and shapes are
listed in `shared/data/i3d_rgb_state_dict.json`), so that file loads with `strict=True`.

Conventions of that port, reproduced here so its weights give its features:
- convolutions and max-pools use TensorFlow 'SAME' padding with a fixed pad per layer,
  total `max(kernel - stride, 0)` split floor before / ceil after, applied as an explicit
  `F.pad` before the op (equal to TensorFlow's size-dependent rule whenever the input size is a
  multiple of the stride, as at 16 frames of 224x224);
- max-pools pad with zeros (their inputs follow a ReLU, so zeros never win over real values)
  and use `ceil_mode=True`;
- every convolution but the logits one is bias-free and followed by BatchNorm3d and a ReLU; the
  batch norms keep PyTorch's defaults (eps 1e-5, momentum 0.1) as the authors' port does, not
  TensorFlow's 1e-3: with 1e-3 the features differ from theirs by about 1 % on random weights
  and by far more on trained weights with small channel variances (docs/training.md);
- the last average pool has kernel (2, 7, 7) and stride 1; the 1x1x1 logits convolution
  (with bias, no batch norm, no activation) follows it, and its outputs are averaged over time.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

BATCH_NORM_EPS = 1e-5  # PyTorch's BatchNorm3d default, as in the authors' i3d.py
FEATURE_DIM = 1024

Triple = tuple[int, int, int]

# Channels of each Inception block: branch 0 (1x1), branch 1 (1x1 -> 3x3x3),
# branch 2 (1x1 -> 3x3x3), branch 3 (3x3x3 max-pool -> 1x1).
MIXED_CHANNELS: dict[str, tuple[int, int, int, int, int, int]] = {
    "mixed_3b": (64, 96, 128, 16, 32, 32),
    "mixed_3c": (128, 128, 192, 32, 96, 64),
    "mixed_4b": (192, 96, 208, 16, 48, 64),
    "mixed_4c": (160, 112, 224, 24, 64, 64),
    "mixed_4d": (128, 128, 256, 24, 64, 64),
    "mixed_4e": (112, 144, 288, 32, 64, 64),
    "mixed_4f": (256, 160, 320, 32, 128, 128),
    "mixed_5b": (256, 160, 320, 32, 128, 128),
    "mixed_5c": (384, 192, 384, 48, 128, 128),
}


def same_padding(kernel: Triple, stride: Triple) -> tuple[int, ...]:
    """The fixed TensorFlow 'SAME' pad for `F.pad` on [B, C, T, H, W] (order: W, H, T).

    Per dimension the total is max(kernel - stride, 0): floor of half before, the rest after.
    """
    pad: list[int] = []
    for size, step in reversed(list(zip(kernel, stride, strict=True))):
        total = max(size - step, 0)
        pad += [total // 2, total - total // 2]
    return tuple(pad)


class Unit3d(nn.Module):
    """SAME-padded 3D convolution, then (optionally) BatchNorm3d and ReLU."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel: Triple = (1, 1, 1),
        stride: Triple = (1, 1, 1),
        batch_norm_relu: bool = True,
    ) -> None:
        super().__init__()
        self.pad = same_padding(kernel, stride)
        self.conv3d = nn.Conv3d(
            in_channels, out_channels, kernel, stride=stride, bias=not batch_norm_relu
        )
        self.batch3d = nn.BatchNorm3d(out_channels, eps=BATCH_NORM_EPS) if batch_norm_relu else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv3d(F.pad(x, self.pad))
        if self.batch3d is not None:
            x = F.relu(self.batch3d(x))
        return x


class MaxPool3dSame(nn.Module):
    """SAME-padded (zeros) 3D max-pool with ceil_mode, as in the port."""

    def __init__(self, kernel: Triple, stride: Triple) -> None:
        super().__init__()
        self.pad = same_padding(kernel, stride)
        self.pool = nn.MaxPool3d(kernel, stride, ceil_mode=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(F.pad(x, self.pad))


class Mixed(nn.Module):
    """An Inception block: four parallel branches concatenated along channels."""

    def __init__(self, in_channels: int, channels: tuple[int, int, int, int, int, int]) -> None:
        super().__init__()
        c0, c1a, c1b, c2a, c2b, c3 = channels
        cube = (3, 3, 3)
        self.branch_0 = Unit3d(in_channels, c0)
        self.branch_1 = nn.Sequential(Unit3d(in_channels, c1a), Unit3d(c1a, c1b, cube))
        self.branch_2 = nn.Sequential(Unit3d(in_channels, c2a), Unit3d(c2a, c2b, cube))
        self.branch_3 = nn.Sequential(MaxPool3dSame(cube, (1, 1, 1)), Unit3d(in_channels, c3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branches = (self.branch_0, self.branch_1, self.branch_2, self.branch_3)
        return torch.cat([branch(x) for branch in branches], dim=1)


class InceptionI3d(nn.Module):
    """RGB I3D. Input [B, 3, T, H, W] scaled to [-1, 1]; 16 frames of 224x224 is the design size."""

    def __init__(self, num_classes: int = 400) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.conv3d_1a_7x7 = Unit3d(3, 64, (7, 7, 7), (2, 2, 2))
        self.max_pool_2a = MaxPool3dSame((1, 3, 3), (1, 2, 2))
        self.conv3d_2b_1x1 = Unit3d(64, 64)
        self.conv3d_2c_3x3 = Unit3d(64, 192, (3, 3, 3))
        self.max_pool_3a = MaxPool3dSame((1, 3, 3), (1, 2, 2))
        self.mixed_3b = Mixed(192, MIXED_CHANNELS["mixed_3b"])
        self.mixed_3c = Mixed(256, MIXED_CHANNELS["mixed_3c"])
        self.max_pool_4a = MaxPool3dSame((3, 3, 3), (2, 2, 2))
        self.mixed_4b = Mixed(480, MIXED_CHANNELS["mixed_4b"])
        self.mixed_4c = Mixed(512, MIXED_CHANNELS["mixed_4c"])
        self.mixed_4d = Mixed(512, MIXED_CHANNELS["mixed_4d"])
        self.mixed_4e = Mixed(512, MIXED_CHANNELS["mixed_4e"])
        self.mixed_4f = Mixed(528, MIXED_CHANNELS["mixed_4f"])
        self.max_pool_5a = MaxPool3dSame((2, 2, 2), (2, 2, 2))
        self.mixed_5b = Mixed(832, MIXED_CHANNELS["mixed_5b"])
        self.mixed_5c = Mixed(832, MIXED_CHANNELS["mixed_5c"])
        self.avg_pool = nn.AvgPool3d((2, 7, 7), stride=(1, 1, 1))
        self.conv3d_0c_1x1 = Unit3d(FEATURE_DIM, num_classes, batch_norm_relu=False)

    def pooled(self, x: torch.Tensor) -> torch.Tensor:
        """The average-pool output [B, 1024, T', H', W'] (T' = H' = W' = 1 at 16x224x224)."""
        if x.dim() != 5 or x.shape[1] != 3:
            raise ValueError(f"I3D expects a [B, 3, T, H, W] clip, got shape {list(x.shape)}")
        for layer in (
            self.conv3d_1a_7x7, self.max_pool_2a, self.conv3d_2b_1x1, self.conv3d_2c_3x3,
            self.max_pool_3a, self.mixed_3b, self.mixed_3c, self.max_pool_4a,
            self.mixed_4b, self.mixed_4c, self.mixed_4d, self.mixed_4e, self.mixed_4f,
            self.max_pool_5a, self.mixed_5b, self.mixed_5c,
        ):  # fmt: skip
            x = layer(x)
        kernel = self.avg_pool.kernel_size
        if any(size < k for size, k in zip(x.shape[2:], kernel, strict=True)):
            raise ValueError(
                f"I3D input of shape {list(x.shape)} is too small for the (2, 7, 7) average "
                "pool; give 16 frames of 224x224"
            )
        return self.avg_pool(x)

    def extract_features(self, x: torch.Tensor) -> torch.Tensor:
        """The 1024-d clip feature [B, 1024]: the average-pool output averaged over positions."""
        return self.pooled(x).mean(dim=(2, 3, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Kinetics logits [B, num_classes], averaged over the remaining positions."""
        return self.conv3d_0c_1x1(self.pooled(x)).mean(dim=(2, 3, 4))

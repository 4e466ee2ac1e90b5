"""Backbone wrappers: numpy uint8 in, float32 features out, with the profile's preprocessing.

A backbone owns a network that maps a normalised batch to [B, dim] features, the geometric
preparation run on the CPU after decoding, and the normalisation run on the device. Networks are
in eval mode (batch norm uses its running statistics), so a clip's feature does not depend on
the other clips in its batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from judgeapp.core.errors import WeightsError
from judgeapp.features.preprocess import SIZE

PrepareFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Normalization:
    """Per-channel (R, G, B) mean and std applied to pixel values scaled to [0, 1]."""

    mean: tuple[float, float, float]
    std: tuple[float, float, float]


IMAGENET = Normalization(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
# [-1, 1]: (x / 255 - 0.5) / 0.5
HALF_RANGE = Normalization(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))


def load_weights_strict(net: nn.Module, state_dict: dict, what: str) -> None:
    """Load `state_dict` into `net` with strict=True; a mismatch is a one-line WeightsError."""
    try:
        net.load_state_dict(state_dict, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        detail = " ".join(line.strip() for line in first[:3])
        raise WeightsError(f"{what} weights do not fit the network: {detail[:300]}") from None


class _DeviceNet:
    """A network on a device, and the on-device scaling of uint8 pixels to its input range."""

    def __init__(
        self,
        net: nn.Module,
        norm: Normalization,
        dim: int,
        device: str,
        half: bool,
        channel_axis_shape: tuple[int, ...],
    ) -> None:
        self.device = torch.device(device)
        self.half = bool(half) and self.device.type == "cuda"
        self.dtype = torch.float16 if self.half else torch.float32
        self.dim = dim
        self.norm = norm
        net = net.eval()
        for param in net.parameters():
            param.requires_grad_(False)
        self.net = net.to(self.device, dtype=self.dtype)
        std = torch.tensor(norm.std, dtype=torch.float32)
        mean = torch.tensor(norm.mean, dtype=torch.float32)
        # x_norm = x_uint8 * scale - shift, with scale = 1 / (255 std) and shift = mean / std.
        self._scale = (1.0 / (255.0 * std)).reshape(channel_axis_shape).to(self.device)
        self._shift = (mean / std).reshape(channel_axis_shape).to(self.device)

    def run(self, pixels: np.ndarray, permutation: tuple[int, ...]) -> np.ndarray:
        """uint8 channels-last pixels -> [B, dim] float32 features."""
        if len(pixels) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(pixels)).to(self.device, non_blocking=True)
            x = x.permute(*permutation).float()
            x = (x * self._scale - self._shift).to(self.dtype)
            out = self.net(x)
            return out.float().cpu().numpy()


class _Backbone:
    """What both streams' backbones share: the device network and the CPU preparation."""

    layout = ""  # the uint8 input batch, channels last
    permutation: tuple[int, ...] = ()  # channels-last batch -> the network's layout

    def __init__(
        self,
        net: nn.Module,
        prepare: PrepareFn,
        norm: Normalization,
        dim: int,
        device: str = "cpu",
        half: bool = False,
        name: str = "",
    ) -> None:
        self.name = name
        self._prepare = prepare
        channel_shape = (1, 3) + (1,) * (len(self.permutation) - 2)
        self._net = _DeviceNet(net, norm, dim, device, half, channel_shape)

    @property
    def dim(self) -> int:
        return self._net.dim

    @property
    def device(self) -> str:
        return str(self._net.device)

    @property
    def half(self) -> bool:
        """Whether the network runs in float16 (only ever on CUDA)."""
        return self._net.half

    @property
    def normalization(self) -> Normalization:
        return self._net.norm

    @property
    def network(self) -> nn.Module:
        """The feature network (eval mode, on the device): normalised batch -> [B, dim]."""
        return self._net.net

    def _embed(self, pixels: np.ndarray) -> np.ndarray:
        if (
            not isinstance(pixels, np.ndarray)
            or pixels.dtype != np.uint8
            or pixels.ndim != len(self.permutation)
            or pixels.shape[-3:] != (SIZE, SIZE, 3)
        ):
            raise ValueError(
                f"{self.name or type(self).__name__}: expected uint8 {self.layout}, got "
                f"{getattr(pixels, 'dtype', type(pixels).__name__)} "
                f"{list(getattr(pixels, 'shape', []))}"
            )
        return self._net.run(pixels, self.permutation)


class DynamicBackbone(_Backbone):
    """Clips of T prepared frames -> one feature per clip (the dynamic stream)."""

    layout = "clips [B, T, 224, 224, 3]"
    permutation = (0, 4, 1, 2, 3)  # [B, T, H, W, C] -> [B, C, T, H, W]

    def prepare_frame(self, frame_rgb: np.ndarray) -> np.ndarray:
        """A decoded RGB frame [H, W, 3] uint8 -> [224, 224, 3] uint8 (CPU, after decoding)."""
        return self._prepare(frame_rgb)

    def embed(self, clips: np.ndarray) -> np.ndarray:
        """[B, T, 224, 224, 3] uint8 prepared frames -> [B, dim] float32 features."""
        return self._embed(clips)


class StaticBackbone(_Backbone):
    """Prepared athlete crops -> one feature per crop (the static stream)."""

    layout = "crops [B, 224, 224, 3]"
    permutation = (0, 3, 1, 2)  # [B, H, W, C] -> [B, C, H, W]

    def prepare_crop(self, crop_rgb: np.ndarray) -> np.ndarray:
        """An RGB crop [h, w, 3] uint8 -> [224, 224, 3] uint8."""
        return self._prepare(crop_rgb)

    def embed(self, crops: np.ndarray) -> np.ndarray:
        """[B, 224, 224, 3] uint8 prepared crops -> [B, dim] float32 features."""
        return self._embed(crops)

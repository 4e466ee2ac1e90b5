"""Backbone wrappers: numpy uint8 in, float32 features out, with the profile's preprocessing.

A backbone owns a network that maps a normalised batch to [B, dim] features, the geometric
preparation run on the CPU after decoding, and the normalisation run with the network (one
PixelNet module). A runner computes it: PyTorch by default, or another engine (features.engines).
Networks are in eval mode (batch norm uses its running statistics), so a clip's feature does not
depend on the other clips in its batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import nn

from judgeapp.core.errors import WeightsError
from judgeapp.features.preprocess import SIZE

# Frames per dynamic clip: the 16-frame segments of DESIGN.md (an engine that fixes the clip
# length, as OpenVINO does here, converts for this length).
CLIP_FRAMES = 16

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


class PixelNet(nn.Module):
    """uint8 channels-last pixels -> [B, dim] float32 features in one module.

    The layout change, the scaling to the network's input range and the network itself: what
    the torch engine runs and what the OpenVINO engine converts, so both compute the same thing.
    """

    def __init__(self, net: nn.Module, norm: Normalization, permutation: tuple[int, ...]) -> None:
        super().__init__()
        self.net = net
        self.permutation = permutation
        self.compute_dtype = torch.float32
        shape = (1, 3) + (1,) * (len(permutation) - 2)
        std = torch.tensor(norm.std, dtype=torch.float32)
        mean = torch.tensor(norm.mean, dtype=torch.float32)
        # x_norm = x_uint8 * scale - shift, with scale = 1 / (255 std) and shift = mean / std.
        self.register_buffer("scale", (1.0 / (255.0 * std)).reshape(shape), persistent=False)
        self.register_buffer("shift", (mean / std).reshape(shape), persistent=False)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = pixels.permute(*self.permutation).float()
        x = (x * self.scale - self.shift).to(self.compute_dtype)
        return self.net(x).float()


class TorchRunner:
    """Runs a PixelNet with PyTorch on a device (float16 on CUDA when asked)."""

    engine = "torch"

    def __init__(self, pixel_net: PixelNet, device: str, half: bool) -> None:
        self.device = torch.device(device)
        self.half = bool(half) and self.device.type == "cuda"
        self.precision = "fp16" if self.half else "fp32"
        pixel_net.compute_dtype = torch.float16 if self.half else torch.float32
        pixel_net.net.to(self.device, dtype=pixel_net.compute_dtype)
        self.pixel_net = pixel_net.to(self.device)

    def run(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 channels-last pixels -> [B, dim] float32 features."""
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(pixels)).to(self.device, non_blocking=True)
            return self.pixel_net(x).cpu().numpy()


class Runner(Protocol):
    """How an engine runs a backbone's PixelNet: uint8 channels-last in, [B, dim] float32 out."""

    engine: str
    precision: str

    def run(self, pixels: np.ndarray) -> np.ndarray: ...


class _Backbone:
    """What both streams' backbones share: the network, its runner and the CPU preparation."""

    layout = ""  # the uint8 input batch, channels last
    permutation: tuple[int, ...] = ()  # channels-last batch -> the network's layout
    example_shape: tuple[int, ...] = ()  # one input of the batch, channels last

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
        self.dim = dim
        self.normalization = norm
        self._prepare = prepare
        net = net.eval()
        for param in net.parameters():
            param.requires_grad_(False)
        self.pixel_net = PixelNet(net, norm, self.permutation).eval()
        self._torch = TorchRunner(self.pixel_net, device, half)
        self.runner: Runner = self._torch

    def use_runner(self, runner: Runner) -> None:
        """Run the network through another engine from now on (see features.engines)."""
        self.runner = runner

    @property
    def engine(self) -> str:
        """Which engine computes the features: "torch" or "openvino"."""
        return self.runner.engine

    @property
    def engine_note(self) -> str | None:
        """A warning from preparing the engine (a conversion that could not be cached)."""
        return getattr(self.runner, "cache_note", None)

    @property
    def precision(self) -> str:
        """The arithmetic the engine computes in: "fp32", "fp16" (CUDA) or "bf16"."""
        return self.runner.precision

    @property
    def device(self) -> str:
        return str(self._torch.device)

    @property
    def half(self) -> bool:
        """Whether the network runs in float16 (only ever on CUDA)."""
        return self.runner.precision == "fp16"

    @property
    def network(self) -> nn.Module:
        """The feature network (eval mode, on the device): normalised batch -> [B, dim]."""
        return self.pixel_net.net

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
        if len(pixels) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.runner.run(pixels)


class DynamicBackbone(_Backbone):
    """Clips of T prepared frames -> one feature per clip (the dynamic stream)."""

    layout = "clips [B, T, 224, 224, 3]"
    permutation = (0, 4, 1, 2, 3)  # [B, T, H, W, C] -> [B, C, T, H, W]
    example_shape = (CLIP_FRAMES, SIZE, SIZE, 3)

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
    example_shape = (SIZE, SIZE, 3)

    def prepare_crop(self, crop_rgb: np.ndarray) -> np.ndarray:
        """An RGB crop [h, w, 3] uint8 -> [224, 224, 3] uint8."""
        return self._prepare(crop_rgb)

    def embed(self, crops: np.ndarray) -> np.ndarray:
        """[B, 224, 224, 3] uint8 prepared crops -> [B, dim] float32 features."""
        return self._embed(crops)

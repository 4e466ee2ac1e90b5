"""The authors' last segment: real frames, then blank ones (all zero after normalisation).

The ACTION-NET authors fill a buffer of normalised frames that starts as zeros and has one slot
more than the frames they sample when the video is not a whole number of strides long; when
that buffer holds a whole number of 16-frame segments, the last segment ends with the empty
slot (`video.sampling.authors_blank_samples`). A zero after the [-1, 1] normalisation is the
pixel value 127.5, which no uint8 frame holds, so such a segment cannot go through a
backbone's uint8 input: it is normalised here and the network runs on it with PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from judgeapp.features.backbones import DynamicBackbone


@dataclass(frozen=True)
class BlankTail:
    """A segment's real prepared frames [T, 224, 224, 3] uint8, then `blank` blank frames."""

    frames: np.ndarray
    blank: int


def embed_blank_tail(backbone: DynamicBackbone, tail: BlankTail) -> np.ndarray:
    """The [1, dim] float32 feature of the segment, normalised as the backbone normalises
    (its PixelNet's scale and shift) with the blank frames exactly zero."""
    pixel_net = backbone.pixel_net
    device = pixel_net.scale.device
    with torch.inference_mode():
        pixels = torch.from_numpy(np.ascontiguousarray(tail.frames[None])).to(device)
        x = pixels.permute(*pixel_net.permutation).float() * pixel_net.scale - pixel_net.shift
        x = F.pad(x, (0, 0, 0, 0, 0, tail.blank))  # [1, C, T + blank, H, W]: zeros at the end
        return pixel_net.net(x.to(pixel_net.compute_dtype)).float().cpu().numpy()

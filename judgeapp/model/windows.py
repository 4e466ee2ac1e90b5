"""Fixed-size windows of instances, cut from all videos of a split at once.

Training takes a window of a fixed number of segments (dynamic) and frames (static) at a random
contiguous start in each video, a new start every epoch (augmentation by shifting); testing takes
the centred window. A video shorter than the window is zero-padded and its mask marks the real
instances. Every video's features are preloaded into one flat tensor per stream (plus a zero row
for padding), so cutting a batch of windows is a single gather, with no Python loop per video.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

# The paper's window on Rhythmic Gymnastics: 26 segments (about 83 s at 5 fps, 16 frames each)
# and 80 frames at 1 fps.
RG_SEGMENTS = 26
RG_FRAMES = 80


@dataclass(frozen=True)
class WindowSize:
    """How many instances per stream a window holds (None: the whole longest video)."""

    segments: int | None = RG_SEGMENTS
    frames: int | None = RG_FRAMES


class PackedStream:
    """One stream's features of every video, concatenated into `[total + 1, D]` on a device.

    The last row is zeros: padded window positions gather it, so padding is exactly zero.
    """

    def __init__(self, arrays: list[np.ndarray], device: str | torch.device = "cpu") -> None:
        if not arrays:
            raise ValueError("no videos to pack")
        lengths = np.asarray([len(a) for a in arrays], dtype=np.int64)
        dim = arrays[0].shape[1]
        flat = np.concatenate([*arrays, np.zeros((1, dim), dtype=np.float32)]).astype(np.float32)
        self.features = torch.from_numpy(flat).to(device)
        self.lengths = torch.from_numpy(lengths).to(device)
        self.offsets = torch.from_numpy(np.concatenate([[0], np.cumsum(lengths)[:-1]])).to(device)
        self.zero_row = len(flat) - 1

    @property
    def dim(self) -> int:
        return int(self.features.shape[1])

    @property
    def longest(self) -> int:
        return int(self.lengths.max())

    def window(
        self, videos: torch.Tensor, starts: torch.Tensor, size: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Windows of `size` instances from `starts`: features [B, size, D] and mask [B, size]."""
        positions = starts[:, None] + torch.arange(size, device=starts.device)[None, :]
        mask = positions < self.lengths[videos][:, None]
        rows = torch.where(mask, self.offsets[videos][:, None] + positions, self.zero_row)
        return self.features[rows], mask


def random_starts(
    lengths: torch.Tensor, size: int, generator: torch.Generator, last_start: bool = True
) -> torch.Tensor:
    """A uniform random start in [0, max(length - size, 0)] for each video.

    Without `last_start`, the ACTION-NET authors' draw `np.random.randint(0, length - size)`:
    [0, length - size - 1], never the window that ends with the video (0 when the video is
    no longer than the window; their code fails on a shorter dynamic stream).
    """
    room = (lengths - size).clamp(min=0) + (1 if last_start else 0)
    room = room.clamp(min=1)
    draws = torch.rand(len(lengths), generator=generator, device=generator.device)
    return (draws.to(lengths.device) * room).long().clamp(max=room - 1)


def centred_starts(lengths: torch.Tensor, size: int) -> torch.Tensor:
    """The start that centres a window of `size` in each video (0 when the video is shorter)."""
    return (lengths - size).clamp(min=0) // 2


class PackedSplit:
    """Both streams of a split, ready to cut windows from."""

    def __init__(
        self,
        dynamic: list[np.ndarray],
        static: list[np.ndarray],
        window: WindowSize,
        device: str | torch.device = "cpu",
        last_start: bool = True,
    ) -> None:
        self.dynamic = PackedStream(dynamic, device)
        self.last_start = last_start  # random windows may end with the video (random_starts)
        self.static = PackedStream(static, device)
        self.segments = window.segments or self.dynamic.longest
        self.frames = window.frames or self.static.longest
        self.device = torch.device(device)

    def __len__(self) -> int:
        return len(self.dynamic.lengths)

    def centred_starts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The centred windows' first instance in every video, per stream."""
        return (
            centred_starts(self.dynamic.lengths, self.segments),
            centred_starts(self.static.lengths, self.frames),
        )

    def batch(
        self, videos: torch.Tensor, generator: torch.Generator | None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """dynamic, dynamic_mask, static, static_mask for `videos`.

        Random starts when a generator is given (training), centred windows otherwise.
        """
        dyn_len = self.dynamic.lengths[videos]
        stat_len = self.static.lengths[videos]
        if generator is None:
            dyn_start = centred_starts(dyn_len, self.segments)
            stat_start = centred_starts(stat_len, self.frames)
        else:
            dyn_start = random_starts(dyn_len, self.segments, generator, self.last_start)
            stat_start = random_starts(stat_len, self.frames, generator, self.last_start)
        dynamic, dynamic_mask = self.dynamic.window(videos, dyn_start, self.segments)
        static, static_mask = self.static.window(videos, stat_start, self.frames)
        return dynamic, dynamic_mask, static, static_mask

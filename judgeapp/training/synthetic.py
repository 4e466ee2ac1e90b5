"""Synthetic feature sets in the authors' layout, for checks and benchmarks.

Each video's instances are non-negative noise (like average-pooled ReLU features). A few
instances at random positions, the carriers, hold a marker pattern plus a score pattern scaled by
a share of the video's score; every other instance holds the score pattern scaled by a random
decoy amount. Each stream carries its own share (the score is their mean), so both streams are
needed, and the score can be read only from the marked instances: averaging over all instances
mixes in the decoys, and a head that learns must put its attention on the carriers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from judgeapp.core.files import atomic_path
from judgeapp.training.feature_set import DYNAMIC_DIR, STATIC_DIR


@dataclass(frozen=True)
class SyntheticSpec:
    """Shape and signal of a synthetic set.

    segments / frames: inclusive ranges of instances per video for each stream.
    carriers: how many instances per stream carry the score.
    marker / signal: strength of the carriers' marker pattern and of the score pattern,
    relative to the noise (uniform in [0, 1) per feature).
    decoys: whether the other instances hold the score pattern at random strengths.
    """

    videos: int = 200
    dynamic_dim: int = 1024
    static_dim: int = 2048
    segments: tuple[int, int] = (28, 30)
    frames: tuple[int, int] = (85, 95)
    carriers: int = 2
    marker: float = 4.0
    signal: float = 8.0
    decoys: bool = True
    score_max: float = 25.0
    prefix: str = "Video"
    static: bool = True  # False: a dynamic stream only (the GDLT layout), the score its share


@dataclass
class SyntheticVideo:
    """One video: its name, score, both streams' features and where the carriers are."""

    name: str
    score: float
    dynamic: np.ndarray
    static: np.ndarray
    dynamic_carriers: np.ndarray
    static_carriers: np.ndarray


def _stream(
    rng: np.random.Generator,
    count: int,
    dim: int,
    carriers: int,
    marker_pattern: np.ndarray,
    score_pattern: np.ndarray,
    share: float,
    spec: SyntheticSpec,
) -> tuple[np.ndarray, np.ndarray]:
    features = rng.random((count, dim), dtype=np.float32)
    where = np.sort(rng.choice(count, size=min(carriers, count), replace=False))
    amounts = rng.random(count).astype(np.float32) if spec.decoys else np.zeros(count, np.float32)
    amounts[where] = share
    features += spec.signal * amounts[:, None] * score_pattern
    features[where] += spec.marker * marker_pattern
    return features, where


def _pattern(rng: np.random.Generator, dim: int) -> np.ndarray:
    """A sparse non-negative pattern: a random tenth of the features set to 1."""
    pattern = np.zeros(dim, dtype=np.float32)
    pattern[rng.choice(dim, size=max(1, dim // 10), replace=False)] = 1.0
    return pattern


def make_videos(spec: SyntheticSpec, seed: int = 0) -> list[SyntheticVideo]:
    """`spec.videos` synthetic videos; each stream's share is uniform in [5 %, 95 %]."""
    rng = np.random.default_rng(seed)
    patterns = np.random.default_rng(12345)  # the same patterns for every split
    dyn_marker, dyn_score = (
        _pattern(patterns, spec.dynamic_dim),
        _pattern(patterns, spec.dynamic_dim),
    )
    stat_marker, stat_score = (
        _pattern(patterns, spec.static_dim),
        _pattern(patterns, spec.static_dim),
    )
    videos = []
    for index in range(spec.videos):
        dyn_share, stat_share = (float(v) for v in rng.uniform(0.05, 0.95, size=2))
        n = int(rng.integers(spec.segments[0], spec.segments[1] + 1))
        m = int(rng.integers(spec.frames[0], spec.frames[1] + 1))
        dynamic, dyn_where = _stream(
            rng, n, spec.dynamic_dim, spec.carriers, dyn_marker, dyn_score, dyn_share, spec
        )
        static, stat_where = _stream(
            rng, m, spec.static_dim, spec.carriers, stat_marker, stat_score, stat_share, spec
        )
        share = (dyn_share + stat_share) / 2
        if not spec.static:
            static, stat_where, share = np.zeros((0, 0), np.float32), stat_where[:0], dyn_share
        videos.append(
            SyntheticVideo(
                name=f"{spec.prefix}_{seed:03d}{index:04d}",
                score=round(share * spec.score_max, 2),
                dynamic=dynamic,
                static=static,
                dynamic_carriers=dyn_where,
                static_carriers=stat_where,
            )
        )
    return videos


def write_videos(root: str | Path, videos: list[SyntheticVideo]) -> None:
    """Write the videos' features in the authors' layout under `root`."""
    root = Path(root)
    for video in videos:
        for sub, array in ((DYNAMIC_DIR, video.dynamic), (STATIC_DIR, video.static)):
            with atomic_path(root / sub / f"{video.name}.npy", suffix=".npy") as tmp:
                np.save(tmp, array, allow_pickle=False)


def write_labels_csv(path: str | Path, videos: list[SyntheticVideo]) -> None:
    """A `name,score` CSV of the videos."""
    lines = ["name,score", *(f"{v.name},{v.score:.2f}" for v in videos)]
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_gdlt_layout(root: str | Path, videos: list[SyntheticVideo]) -> None:
    """Write the videos' dynamic features in GDLT's released layout: `root/NAME.npy`."""
    root = Path(root)
    for video in videos:
        with atomic_path(root / f"{video.name}.npy", suffix=".npy") as tmp:
            np.save(tmp, video.dynamic, allow_pickle=False)

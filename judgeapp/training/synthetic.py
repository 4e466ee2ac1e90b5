"""Synthetic feature sets in the authors' layout, for checks and benchmarks.

Each video's instances are non-negative noise (like average-pooled ReLU features). A few
instances at random positions, the carriers, hold a marker pattern plus a score pattern scaled by
a share of the video's score; every other instance holds the score pattern scaled by a random
decoy amount. Each stream carries its own share (the score is their mean), so both streams are
needed, and the score can be read only from the marked instances: averaging over all instances
mixes in the decoys, and a head that learns must put its attention on the carriers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from judgeapp.core.files import atomic_path
from judgeapp.core.text_safety import csv_cell
from judgeapp.features.feature_folder import DYNAMIC_DIR, STATIC_DIR


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


def write_videos(root: str | Path, videos: list[SyntheticVideo] | list[JudgedVideo]) -> None:
    """Write the videos' features in the authors' layout under `root`."""
    root = Path(root)
    for video in videos:
        for sub, array in ((DYNAMIC_DIR, video.dynamic), (STATIC_DIR, video.static)):
            with atomic_path(root / sub / f"{video.name}.npy", suffix=".npy") as tmp:
                np.save(tmp, array, allow_pickle=False)


def write_labels_csv(path: str | Path, videos: list[SyntheticVideo]) -> None:
    """A `name,score` CSV of the videos (cells through core.text_safety.csv_cell, as in every
    CSV judgeapp writes; training.labels reads a name's apostrophe back off)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "score"])
    writer.writerows([csv_cell(v.name), f"{v.score:.2f}"] for v in videos)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(buffer.getvalue(), encoding="utf-8")


def write_gdlt_layout(root: str | Path, videos: list[SyntheticVideo]) -> None:
    """Write the videos' dynamic features in GDLT's released layout: `root/NAME.npy`."""
    root = Path(root)
    for video in videos:
        with atomic_path(root / f"{video.name}.npy", suffix=".npy") as tmp:
            np.save(tmp, video.dynamic, allow_pickle=False)


@dataclass
class JudgedVideo:
    """A synthetic RG-style video: difficulty and execution each carried by their own planted
    instances (with their own marker and score patterns) in both streams; total = D + E."""

    name: str
    difficulty: float
    execution: float
    dynamic: np.ndarray
    static: np.ndarray
    carriers: dict[str, dict[str, np.ndarray]]  # target -> stream -> instance indices

    @property
    def total(self) -> float:
        return round(self.difficulty + self.execution, 2)


def make_judged_videos(
    spec: SyntheticSpec, seed: int = 0, d_max: float = 14.0, e_max: float = 10.0
) -> list[JudgedVideo]:
    """`spec.videos` videos whose D share and E share (uniform in [5 %, 95 %] of d_max /
    e_max) are planted on disjoint carriers: `spec.carriers` instances per stream for each."""
    rng = np.random.default_rng(seed)
    patterns = np.random.default_rng(54321)
    dims = {"dynamic": spec.dynamic_dim, "static": spec.static_dim}
    marks = {(t, s): _pattern(patterns, d) for t in ("d", "e") for s, d in dims.items()}
    signal = {(t, s): _pattern(patterns, d) for t in ("d", "e") for s, d in dims.items()}
    videos = []
    for index in range(spec.videos):
        shares = {"d": float(rng.uniform(0.05, 0.95)), "e": float(rng.uniform(0.05, 0.95))}
        counts = {
            "dynamic": int(rng.integers(spec.segments[0], spec.segments[1] + 1)),
            "static": int(rng.integers(spec.frames[0], spec.frames[1] + 1)),
        }
        streams, carriers = {}, {"difficulty": {}, "execution": {}}
        for stream, count in counts.items():
            features = rng.random((count, dims[stream]), dtype=np.float32)
            where = rng.choice(count, size=2 * spec.carriers, replace=False)
            for key, target, own in (
                ("d", "difficulty", where[: spec.carriers]),
                ("e", "execution", where[spec.carriers :]),
            ):
                amounts = rng.random(count).astype(np.float32) * spec.decoys
                amounts[where] = 0.0
                amounts[own] = shares[key]
                features += spec.signal * amounts[:, None] * signal[(key, stream)]
                features[own] += spec.marker * marks[(key, stream)]
                carriers[target][stream] = np.sort(own)
            streams[stream] = features
        videos.append(
            JudgedVideo(
                name=f"{spec.prefix}_{seed:03d}{index:04d}",
                difficulty=round(shares["d"] * d_max, 2),
                execution=round(shares["e"] * e_max, 2),
                dynamic=streams["dynamic"],
                static=streams["static"],
                carriers=carriers,
            )
        )
    return videos


def write_rg_labels(path: str | Path, videos: list[JudgedVideo]) -> None:
    """An RG annotation file (penalty 0, length 95 s) of judged videos."""
    lines = ["Video_Name\tDifficulty_Score Execution_Score\tTotal_Score Penalty Video_length"]
    lines += [f"{v.name} {v.difficulty:.2f} {v.execution:.2f} {v.total:.2f} 0 95" for v in videos]
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8")

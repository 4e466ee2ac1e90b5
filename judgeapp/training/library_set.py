"""A training set made of the library's own scored videos.

The library (store/) hands over plain `LibraryVideo`s; this module picks those with a panel score
for a target and routine, gets their features for one profile from the feature cache (each
video's features are extracted and cached where missing, so a cancelled run resumes where it
stopped), and turns them into a `FeatureSet` to train on, or a feature folder in the authors'
layout (`dynamic_feat/`, `static_feat/`, `manifest.json`) with its label files, so analysts can
take it to other tools and `judgeapp scores import` / `judgeapp train` can read it back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.files import write_text_atomic
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.features.feature_folder import no_static
from judgeapp.features.video_features import VideoFeatures
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.labels import ALL_ROUTINES, RG_COLUMNS, TARGET_SCORE_MAX, Label

TARGETS = ("total", "difficulty", "execution")
SCORES_CSV = "scores.csv"
RG_LABELS = "labels.txt"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class LibraryVideo:
    """One scored library video: content hash, file, routine, athlete ("" unknown), scores."""

    sha256: str
    path: str
    routine: str
    total: float
    difficulty: float | None = None
    execution: float | None = None
    athlete: str = ""

    def score(self, target: str) -> float | None:
        return {"total": self.total, "difficulty": self.difficulty, "execution": self.execution}[
            target
        ]

    @property
    def group(self) -> str:
        """What must stay on one side of a cross-validation split: the athlete when recorded,
        else the video itself."""
        return f"athlete:{self.athlete}" if self.athlete else f"video:{self.sha256}"

    @property
    def name(self) -> str:
        """The name of its feature files: `Routine_stem` (the authors' names carry the routine
        as their prefix), made safe for a file name, with a short hash against clashes."""
        stem = _UNSAFE.sub("-", Path(self.path).stem).strip("-") or "video"
        routine = (self.routine or "unknown").capitalize()
        return f"{routine}_{stem}-{self.sha256[:8]}"


def select(
    videos: list[LibraryVideo], target: str, routine: str = ALL_ROUTINES
) -> list[LibraryVideo]:
    """The videos with a score for `target` in `routine` (or every routine)."""
    if target not in TARGETS:
        raise JudgeappError(f"unknown target {target!r}: use {', '.join(TARGETS)}")
    return [
        v
        for v in videos
        if v.score(target) is not None and (routine == ALL_ROUTINES or v.routine == routine)
    ]


def counts(videos: list[LibraryVideo]) -> dict[str, dict[str, int]]:
    """Scored videos per routine and target (routine "" when unknown), routines sorted."""
    table: dict[str, dict[str, int]] = {}
    for video in videos:
        row = table.setdefault(video.routine, dict.fromkeys(TARGETS, 0))
        for target in TARGETS:
            row[target] += video.score(target) is not None
    return dict(sorted(table.items()))


# ------------------------------------------------------------------------------- features

# extract(path, progress, cancel) -> (content hash, features): BatchExtractor.extract
ExtractFn = Callable[[Path, ProgressCallback, CancelToken], tuple[str, VideoFeatures]]


@dataclass
class LibraryFeatures:
    """The features found for each video (by content hash) and why the others have none."""

    features: dict[str, VideoFeatures] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # sha256 -> one line


def gather_features(
    videos: list[LibraryVideo],
    extract: ExtractFn,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> LibraryFeatures:
    """Every video's features through `extract` (the feature cache answers those analysed
    before; the others are extracted and cached). A video whose file is gone or changed is
    recorded in `failed`; Cancelled stops the loop (what was extracted stays cached)."""
    cancel = cancel or CancelToken()
    found = LibraryFeatures()
    for index, video in enumerate(videos):
        if cancel.cancelled:
            raise Cancelled()
        progress(Progress(f"features of {Path(video.path).name}", index, len(videos)))
        path = Path(video.path)
        if not path.is_file():
            found.failed[video.sha256] = f"{path}: the video file is not there any more"
            continue
        try:
            sha256, features = extract(path, no_progress, cancel)
        except (JudgeappError, OSError) as exc:
            if isinstance(exc, Cancelled):
                raise
            found.failed[video.sha256] = str(exc)
            continue
        if sha256 != video.sha256:
            found.failed[video.sha256] = f"{path}: the file has changed since it was scored"
            continue
        found.features[video.sha256] = features
    progress(Progress("features ready", len(videos), len(videos)))
    return found


def feature_set(
    videos: list[LibraryVideo], found: LibraryFeatures, target: str, has_static: bool = True
) -> tuple[FeatureSet, list[LibraryVideo]]:
    """The FeatureSet of the videos with features (in the given order) and those videos."""
    kept = [v for v in videos if v.sha256 in found.features and v.score(target) is not None]
    labels, dynamic, static = [], [], []
    for video in kept:
        features = found.features[video.sha256]
        labels.append(Label(video.name, video.routine, float(video.score(target))))
        dynamic.append(np.ascontiguousarray(features.dynamic, dtype=np.float32))
        static.append(
            np.ascontiguousarray(features.static, dtype=np.float32) if has_static else no_static()
        )
    return FeatureSet(labels, dynamic, static), kept


def check_scores(videos: list[LibraryVideo], target: str) -> None:
    """Every score within its target's range (what the head's sigmoid is scaled to)."""
    top = TARGET_SCORE_MAX[target]
    for video in videos:
        value = video.score(target)
        if value is not None and not 0.0 <= value <= top:
            raise JudgeappError(f"{video.path}: panel {target} {value:g} is outside [0, {top:g}]")


# ------------------------------------------------------------------------- export and import


def scores_csv(videos: list[LibraryVideo]) -> str:
    """name,total,difficulty,execution,routine,athlete,sha256: readable by `judgeapp scores
    import` (matched by hash) and, as a name,score CSV of totals, by `judgeapp train`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "total", "difficulty", "execution", "routine", "athlete", "sha256"])
    for v in videos:
        writer.writerow(
            [
                v.name,
                f"{v.total:g}",
                "" if v.difficulty is None else f"{v.difficulty:g}",
                "" if v.execution is None else f"{v.execution:g}",
                v.routine,
                v.athlete,
                v.sha256,
            ]
        )
    return out.getvalue()


def rg_labels(videos: list[LibraryVideo], lengths_s: dict[str, float]) -> str | None:
    """The authors' label layout, when every video has D, E and total (else None)."""
    if any(v.difficulty is None or v.execution is None for v in videos):
        return None
    lines = ["\t".join(RG_COLUMNS)]
    for v in videos:
        penalty = max(0.0, round(v.difficulty + v.execution - v.total, 3))
        length = lengths_s.get(v.sha256, 0.0)
        lines.append(
            f"{v.name} {v.difficulty:g} {v.execution:g} {v.total:g} {penalty:g} {length:.1f}"
        )
    return "\n".join(lines) + "\n"


def export_folder(
    videos: list[LibraryVideo],
    found: LibraryFeatures,
    out: str | Path,
    profile: str,
    pretrained: bool,
) -> list[LibraryVideo]:
    """Write the videos' features in the authors' layout under `out` (each file atomically,
    the manifest after them) and their label files; return the videos written."""
    from judgeapp.analysis.set_extraction import FeatureSetWriter, video_entry

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    writer = FeatureSetWriter(out, profile, pretrained)
    written = [v for v in videos if v.sha256 in found.features]
    if not written:
        raise JudgeappError(f"{out}: none of the videos has features to export")
    lengths: dict[str, float] = {}
    for video in written:
        features = found.features[video.sha256]
        entry = video_entry(Path(video.path), video.sha256, features, 0.0)
        writer.add(video.name, features, entry, save=False)
        ends = features.segment_end_s
        lengths[video.sha256] = float(ends[-1]) if len(ends) else 0.0
    writer.save()
    write_text_atomic(out / SCORES_CSV, scores_csv(written))
    rg = rg_labels(written, lengths)
    if rg is not None:
        write_text_atomic(out / RG_LABELS, rg)
    return written

"""A labelled feature set: the videos of one split with both streams' features, read from a
feature folder (`features/feature_folder.py` holds its layout).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from judgeapp.core.errors import JudgeappError
from judgeapp.features import feature_folder as folder
from judgeapp.training.labels import Label

_SHOWN_MISSING = 5


@dataclass
class FeatureSet:
    """The labelled videos of one split with both streams' features, in label order."""

    labels: list[Label]
    dynamic: list[np.ndarray]  # each [N_i, Dd] float32
    static: list[np.ndarray]  # each [M_i, Ds] float32

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def scores(self) -> np.ndarray:
        return np.asarray([label.score for label in self.labels], dtype=np.float64)

    @property
    def dynamic_dim(self) -> int:
        return int(self.dynamic[0].shape[1])

    @property
    def static_dim(self) -> int:
        return int(self.static[0].shape[1])

    def subset(self, indices: list[int] | np.ndarray) -> FeatureSet:
        idx = [int(i) for i in indices]
        return FeatureSet(
            [self.labels[i] for i in idx],
            [self.dynamic[i] for i in idx],
            [self.static[i] for i in idx],
        )

    def with_scores(self, scores: np.ndarray) -> FeatureSet:
        """The same videos with other scores (used to shuffle labels in checks)."""
        labels = [
            Label(lab.name, lab.routine, float(s))
            for lab, s in zip(self.labels, scores, strict=True)
        ]
        return FeatureSet(labels, self.dynamic, self.static)


def load_feature_set(root: str | Path, labels: list[Label]) -> FeatureSet:
    """Load both streams' features of every labelled video from `root`.

    Every missing file is checked first, so one error lists them all (the first few by name).
    """
    root = Path(root)
    if not root.is_dir():
        raise JudgeappError(f"{root}: feature folder not found")
    if folder.dynamic_only_layout(root):
        return _load_dynamic_only(root, labels)
    for sub in (folder.DYNAMIC_DIR, folder.STATIC_DIR):
        if not (root / sub).is_dir():
            raise JudgeappError(
                f"{root}: no {sub}/ folder (expected the authors' layout "
                f"{folder.DYNAMIC_DIR}/NAME.npy and {folder.STATIC_DIR}/NAME.npy)"
            )
    _check_present(
        root, [path for label in labels for path in folder.feature_paths(root, label.name)]
    )
    dynamic: list[np.ndarray] = []
    static: list[np.ndarray] = []
    for label in labels:
        dyn_path, stat_path = folder.feature_paths(root, label.name)
        dynamic.append(folder.load_matrix(dyn_path, dynamic[0].shape[1] if dynamic else None))
        static.append(folder.load_matrix(stat_path, static[0].shape[1] if static else None))
    return FeatureSet(list(labels), dynamic, static)


def _load_dynamic_only(root: Path, labels: list[Label]) -> FeatureSet:
    paths = [folder.dynamic_path(root, label.name) for label in labels]
    _check_present(root, paths)
    dynamic: list[np.ndarray] = []
    for path in paths:
        dynamic.append(folder.load_matrix(path, dynamic[0].shape[1] if dynamic else None))
    return FeatureSet(list(labels), dynamic, [folder.no_static() for _ in labels])


def _check_present(root: Path, paths: list[Path]) -> None:
    """Every file a set needs, checked before any is read, so one error lists all that are
    missing (the first few by name)."""
    missing = [path for path in paths if not path.is_file()]
    if missing:
        shown = ", ".join(str(p.relative_to(root)) for p in missing[:_SHOWN_MISSING])
        more = f" and {len(missing) - _SHOWN_MISSING} more" if len(missing) > _SHOWN_MISSING else ""
        raise JudgeappError(f"{root}: {len(missing)} feature files missing: {shown}{more}")

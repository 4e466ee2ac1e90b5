"""The feature cache: an analysed video's features stored by content hash and recipe.

A second analysis of the same file (another head, a re-open) loads these instead of decoding
and running the backbones again. Entries are written atomically: a cancelled or failed
extraction leaves nothing behind. Files are plain `.npz` read with allow_pickle=False.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import atomic_path
from judgeapp.core.paths import cache_dir
from judgeapp.features.profiles import Profile
from judgeapp.features.video_features import PeopleFound, VideoFeatures

# 2: keys carry the profile's recipe version (entries of version 1 predate it and are ignored).
# 3: entries carry every person found (candidates and poses) for choosing the athlete.
CACHE_VERSION = 3


@dataclass(frozen=True)
class CacheKey:
    """What the features depend on: content, profile and its recipe version, backbone weights,
    detector, and the engine and precision that computed them (bf16 features are not the fp32
    ones). Changing a profile's recipe (Profile.recipe) changes every key made with it, so
    features of an old recipe are never read back."""

    sha256: str
    profile: str
    pretrained: bool
    detector: str
    recipe: int = 1
    engine: str = "torch"
    precision: str = "fp32"

    @classmethod
    def of(
        cls,
        sha256: str,
        profile: Profile,
        pretrained: bool,
        detector: str,
        engine: str = "torch",
        precision: str = "fp32",
    ) -> CacheKey:
        """The key of a video's features under `profile`'s current recipe."""
        return cls(sha256, profile.name, pretrained, detector, profile.recipe, engine, precision)

    @property
    def filename(self) -> str:
        weights = "pretrained" if self.pretrained else "random"
        engine = f"{self.engine}-{self.precision}"
        return (
            f"{self.sha256}.{self.profile}-r{self.recipe}.{weights}.{self.detector}.{engine}"
            f".v{CACHE_VERSION}.npz"
        )


class FeatureCache:
    """A folder of `.npz` feature files (default: the user's cache folder)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else cache_dir() / "features"

    def path_for(self, key: CacheKey) -> Path:
        return self.root / key.filename

    def load(self, key: CacheKey) -> VideoFeatures | None:
        """The cached features, or None when absent or unreadable (a bad entry is removed)."""
        path = self.path_for(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                return VideoFeatures(
                    profile=meta["profile"],
                    dynamic=data["dynamic"],
                    segment_start_s=data["segment_start_s"],
                    segment_end_s=data["segment_end_s"],
                    static=data["static"],
                    static_time_s=data["static_time_s"],
                    static_frame=data["static_frame"],
                    static_box=data["static_box"],
                    detector=meta["detector"],
                    static_whole_frames=meta["static_whole_frames"],
                    warnings=list(meta["warnings"]),
                    engine=meta.get("engine", key.engine),
                    precision=meta.get("precision", key.precision),
                    people=PeopleFound.from_arrays(data),
                )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            path.unlink(missing_ok=True)
            return None

    def save_or_warn(self, key: CacheKey, features: VideoFeatures) -> str | None:
        """Save, or return a warning when the entry cannot be written (a full or read-only
        disk): the cache only saves time, so it never fails the work that made the features."""
        try:
            self.save(key, features)
        except JudgeappError as exc:
            return f"the feature cache was not written ({exc}); the result is complete"
        return None

    def save(self, key: CacheKey, features: VideoFeatures) -> Path:
        path = self.path_for(key)
        meta = {
            "profile": features.profile,
            "detector": features.detector,
            "static_whole_frames": features.static_whole_frames,
            "warnings": features.warnings,
            "engine": features.engine,
            "precision": features.precision,
        }
        with atomic_path(path, suffix=".npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, meta=np.array(json.dumps(meta)), **features.arrays())
        return path

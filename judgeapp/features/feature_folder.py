"""Feature folders on disk: the authors' layout `DIR/dynamic_feat/NAME.npy` [N, Dd],
`DIR/static_feat/NAME.npy` [M, Ds], and the optional `DIR/manifest.json` that `judgeapp extract`
writes beside them.

Dynamic-only features (the `vst` profile) have no static stream at all: either `dynamic_feat/`
without `static_feat/` under a manifest whose profile has no static stream, or GDLT's released
layout, one `DIR/NAME.npy` [N, 1024] per video. Their static arrays are empty ([0, 0]).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from judgeapp.core.errors import JudgeappError
from judgeapp.features.recipes import DYNAMIC_ONLY_PROFILES

DYNAMIC_DIR = "dynamic_feat"
STATIC_DIR = "static_feat"
MANIFEST = "manifest.json"


def feature_paths(root: str | Path, name: str) -> tuple[Path, Path]:
    """Where a video's dynamic and static features live under `root`."""
    root = Path(root)
    return root / DYNAMIC_DIR / f"{name}.npy", root / STATIC_DIR / f"{name}.npy"


def _check_npy_size(path: Path) -> None:
    """A .npy header claiming more data than the file holds (shape (1e9, 1024) in a file of a
    few bytes) is refused before numpy allocates what the header asks for."""
    try:
        with path.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version in ((2, 0), (3, 0)):
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                return  # np.load says what is wrong
            offset = fh.tell()
        size = path.stat().st_size
    except (OSError, ValueError, EOFError):
        return  # np.load below gives the reason
    if dtype.hasobject:
        return
    claimed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if claimed > size - offset:
        raise JudgeappError(
            f"{path}: its .npy header claims shape {tuple(shape)} ({claimed:,} bytes) but the "
            f"file holds {max(size - offset, 0):,} bytes of data (truncated or damaged)"
        )


def load_matrix(path: Path, expected_dim: int | None) -> np.ndarray:
    _check_npy_size(path)
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise JudgeappError(f"{path}: not a readable .npy feature file ({exc})") from None
    except MemoryError:
        raise JudgeappError(f"{path}: not enough memory to load this feature file") from None
    if array.ndim == 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise JudgeappError(
            f"{path}: expected a non-empty [instances, dim] matrix, got shape {array.shape}"
        )
    if not np.issubdtype(array.dtype, np.floating):
        raise JudgeappError(f"{path}: expected floating-point features, got {array.dtype}")
    if expected_dim is not None and array.shape[1] != expected_dim:
        raise JudgeappError(
            f"{path}: features are {array.shape[1]}-d, but other videos are {expected_dim}-d"
        )
    if not np.all(np.isfinite(array)):
        raise JudgeappError(f"{path}: features contain NaN or infinite values")
    return np.ascontiguousarray(array, dtype=np.float32)


def no_static() -> np.ndarray:
    """A video's static features when its profile has no static stream."""
    return np.zeros((0, 0), dtype=np.float32)


def dynamic_only_layout(root: Path) -> bool:
    """GDLT's layout (NAME.npy files, no dynamic_feat/), or dynamic_feat/ alone under a
    manifest whose profile has no static stream."""
    if not (root / DYNAMIC_DIR).is_dir():
        return any(root.glob("*.npy"))
    if (root / STATIC_DIR).is_dir():
        return False
    manifest = read_manifest(root)
    if manifest is None:
        return False
    return manifest.get("profile") in DYNAMIC_ONLY_PROFILES


def dynamic_path(root: Path, name: str) -> Path:
    """A dynamic-only video's feature file under `root` (either layout)."""
    sub = root / DYNAMIC_DIR
    return (sub if sub.is_dir() else root) / f"{name}.npy"


def read_manifest(root: str | Path) -> dict | None:
    """The manifest `judgeapp extract` wrote in `root`, or None for features without one."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise JudgeappError(f"{path}: unreadable manifest ({exc})") from None
    except RecursionError:
        raise JudgeappError(f"{path}: unreadable manifest (nested too deeply)") from None
    if not isinstance(manifest, dict):
        raise JudgeappError(f"{path}: the manifest is not a JSON object")
    return manifest


def manifest_recipe(manifest: dict) -> int:
    """The recipe version a manifest records; manifests from before versions existed are 1."""
    recipe = manifest.get("recipe", 1)
    return recipe if isinstance(recipe, int) and not isinstance(recipe, bool) else -1


def manifest_profile(root: str | Path) -> str | None:
    """The feature profile a folder's manifest names (None without a manifest)."""
    manifest = read_manifest(root)
    if manifest is None:
        return None
    profile = manifest.get("profile")
    if not isinstance(profile, str):
        raise JudgeappError(f"{Path(root) / MANIFEST}: no 'profile' entry")
    return profile

"""Per-user folders (cache, data, config), overridable by environment variables for tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _base(env: str, xdg: str, fallback: str, kind: str) -> Path:
    """The folder from `env`, else the platform's convention; `kind` is "cache" or "data"."""
    if os.environ.get(env):
        return Path(os.environ[env])
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return root / "judgeapp" / kind
    if sys.platform == "darwin":
        if kind == "cache":
            return Path.home() / "Library" / "Caches" / "judgeapp"
        return Path.home() / "Library" / "Application Support" / "judgeapp"
    return Path(os.environ.get(xdg) or Path.home() / fallback) / "judgeapp"


def cache_dir() -> Path:
    """Downloaded weights and the feature cache: `$JUDGEAPP_CACHE_DIR` or the XDG cache."""
    return _base("JUDGEAPP_CACHE_DIR", "XDG_CACHE_HOME", ".cache", "cache")


def data_dir() -> Path:
    """The analysis library: `$JUDGEAPP_DATA_DIR` or the XDG data folder."""
    return _base("JUDGEAPP_DATA_DIR", "XDG_DATA_HOME", ".local/share", "data")

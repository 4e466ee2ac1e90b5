"""Per-user folders (cache, data), from platformdirs, overridable by environment variables.

platformdirs knows each platform's convention (XDG on Linux, ~/Library on macOS, %LOCALAPPDATA%
on Windows) better than a hand-written table; the environment variables keep tests and
portable installs away from the user's own folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "judgeapp"


def cache_dir() -> Path:
    """Downloaded weights and the feature cache: `$JUDGEAPP_CACHE_DIR`, else the user cache
    folder (Linux: `$XDG_CACHE_HOME/judgeapp`, default ~/.cache/judgeapp)."""
    if os.environ.get("JUDGEAPP_CACHE_DIR"):
        return Path(os.environ["JUDGEAPP_CACHE_DIR"])
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The analysis library: `$JUDGEAPP_DATA_DIR`, else the user data folder (Linux:
    `$XDG_DATA_HOME/judgeapp`, default ~/.local/share/judgeapp)."""
    if os.environ.get("JUDGEAPP_DATA_DIR"):
        return Path(os.environ["JUDGEAPP_DATA_DIR"])
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

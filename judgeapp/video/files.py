"""Which files count as videos when a folder is given."""

from __future__ import annotations

from pathlib import Path

# Phones and camcorders write .3gp, .mts (AVCHD) and .m2ts; broadcast capture writes .ts.
VIDEO_SUFFIXES = (
    ".mp4", ".mov", ".m4v", ".mkv", ".avi", ".webm", ".mpg", ".mpeg", ".wmv",
    ".mts", ".m2ts", ".ts", ".3gp",
)  # fmt: skip


def is_video_name(path: str | Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def videos_in(folder: str | Path) -> list[Path]:
    """The video files directly inside `folder`, sorted by name."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and is_video_name(p))

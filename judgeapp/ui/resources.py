"""Where the icon and style sheet are: beside the package in a checkout, or in a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path | None:
    """The `resources/` folder, or None when this installation has none."""
    candidates = [Path(__file__).resolve().parents[2] / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    return next((p for p in candidates if p.is_dir()), None)


def resource(name: str) -> Path | None:
    folder = resources_dir()
    path = folder / name if folder else None
    return path if path is not None and path.is_file() else None

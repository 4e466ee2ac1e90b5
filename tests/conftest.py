"""Shared test set-up: offscreen Qt, offline, a private cache and data folder per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["JUDGEAPP_OFFLINE"] = "1"
os.environ["YOLO_OFFLINE"] = "1"

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"


@pytest.fixture(scope="session", autouse=True)
def _private_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's cache or library: each test session gets its own."""
    root = tmp_path_factory.mktemp("judgeapp-home")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(root / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(root / "data")
    # Converted OpenVINO models are keyed by the weights' hash: one conversion per session.
    os.environ["JUDGEAPP_OPENVINO_CACHE_DIR"] = str(root / "openvino")
    os.environ["YOLO_CONFIG_DIR"] = str(root / "ultralytics")


@pytest.fixture(scope="session")
def media_dir() -> Path:
    if not MEDIA.is_dir():
        pytest.skip(f"real test videos not found at {MEDIA}")
    return MEDIA

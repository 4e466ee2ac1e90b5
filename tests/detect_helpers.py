"""Real frames for the person-detection tests, decoded with OpenCV directly."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"


def media_path(name: str) -> Path:
    """A clip from ../shared/media, or skip the test when that folder is absent."""
    path = MEDIA / name
    if not path.is_file():
        pytest.skip(f"real test video {path} is not available")
    return path


def frames_at(name: str, times_s: list[float]) -> list[np.ndarray]:
    """RGB frames of a clip nearest to each time (frame index = round(time x fps))."""
    cap = cv2.VideoCapture(str(media_path(name)))
    fps = cap.get(cv2.CAP_PROP_FPS)
    wanted = {round(t * fps): i for i, t in enumerate(times_s)}
    frames: list[np.ndarray | None] = [None] * len(times_s)
    index = 0
    while index <= max(wanted):
        ok, bgr = cap.read()
        if not ok:
            break
        if index in wanted:
            frames[wanted[index]] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        index += 1
    cap.release()
    assert all(f is not None for f in frames), f"{name}: could not decode frames at {times_s}"
    return frames  # type: ignore[return-value]


def every_second(name: str) -> list[np.ndarray]:
    """The 1 fps frames of a clip (t = 0, 1, 2, ... s), as the static stream samples them."""
    cap = cv2.VideoCapture(str(media_path(name)))
    duration_s = cap.get(cv2.CAP_PROP_FRAME_COUNT) / cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return frames_at(name, [float(t) for t in range(int(duration_s) + 1) if t < duration_s])

"""Synthetic test videos whose frames carry their own index, written with OpenCV."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

BITS = 12
CELL = 16


def index_frame(index: int, width: int = 320, height: int = 240) -> np.ndarray:
    """A BGR frame whose top row of cells spells `index` in binary (white = 1)."""
    frame = np.full((height, width, 3), 40, np.uint8)
    for bit in range(BITS):
        if index >> bit & 1:
            frame[:CELL, bit * CELL : (bit + 1) * CELL] = 255
    cv2.putText(frame, str(index), (10, height - 20), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 200, 0), 2)
    return frame


def read_index(rgb: np.ndarray) -> int:
    """The index spelled by `index_frame` (survives lossy compression)."""
    value = 0
    for bit in range(BITS):
        cell = rgb[2 : CELL - 2, bit * CELL + 2 : (bit + 1) * CELL - 2]
        if cell.mean() > 150:
            value |= 1 << bit
    return value


def write_video(path: Path, fps: float, frames: int, width: int = 320, height: int = 240) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    assert writer.isOpened()
    for i in range(frames):
        writer.write(index_frame(i, width, height))
    writer.release()
    return path


def first_frames(source: Path, target: Path, frames: int, fps: float | None = None) -> Path:
    """The first `frames` frames of a real video re-encoded into `target` (mp4v), at the source's
    frame rate or at `fps`: a short real clip for a test whose assertions do not need the whole."""
    capture = cv2.VideoCapture(str(source))
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    rate = fps if fps is not None else capture.get(cv2.CAP_PROP_FPS)
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), rate, (width, height))
    assert writer.isOpened()
    try:
        for _ in range(frames):
            ok, frame = capture.read()
            assert ok, f"{source} has fewer than {frames} frames"
            writer.write(frame)
    finally:
        writer.release()
        capture.release()
    return target


def rgb_frames(path: Path) -> list[np.ndarray]:
    """Every frame of a video file, in order, as RGB uint8 arrays."""
    capture = cv2.VideoCapture(str(path))
    frames = []
    try:
        while True:
            ok, bgr = capture.read()
            if not ok:
                return frames
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    finally:
        capture.release()

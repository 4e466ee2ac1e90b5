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

"""OpenCV's own worker pool switched off while an extraction's threads call OpenCV.

An extraction runs decoding, detection and the networks' preparation in several threads at
once, and each of them calls OpenCV (colour conversion, JPEG round trip, resizing, HOG). OpenCV
parallelises most calls over one process-wide worker pool that every calling thread shares.
With the pool off, each call runs whole in the thread that made it: the threads share no
OpenCV state, and the stages already keep the cores busy (measured on juggle_720p24.mp4, 2
cores: the same end-to-end time either way; docs/performance.md). Same video, same settings,
same result: CI once saw one of two fresh processes find different HOG boxes in one frame of
that clip, which 22 runs here (three at a time, under load) never showed; the shared pool is
the one piece of state those threads had in common.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import cv2

_lock = threading.Lock()
_users = [0]  # extractions running now in this process
_before = [0]  # OpenCV's thread count before the first of them started


@contextlib.contextmanager
def opencv_in_calling_threads() -> Iterator[None]:
    """Inside: every OpenCV call runs in its caller's thread. Nested and concurrent uses
    (two extractions in one process) put the setting back only when the last one ends."""
    with _lock:
        if _users[0] == 0:
            _before[0] = cv2.getNumThreads()
            cv2.setNumThreads(1)
        _users[0] += 1
    try:
        yield
    finally:
        with _lock:
            _users[0] -= 1
            if _users[0] == 0:
                cv2.setNumThreads(_before[0])

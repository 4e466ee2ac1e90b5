"""The pictures of the crops panel: athlete crops and segment keyframes, no Qt.

Runs in a worker thread. Frames come from the frame cache when it holds them (it usually does by
the time an analysis ends), else from one direct read each.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from judgeapp.app.attention_view import Thumb
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.report.crops import crop_box
from judgeapp.video.frame_cache import FrameSource

THUMB_HEIGHT_PX = 120


def worker_reader(source: FrameSource) -> FrameSource:
    """A reader of `source`'s video for a worker thread, sharing its frame cache: direct reads
    are not shared across threads. The caller closes it."""
    return FrameSource(source.path, source.info, source.cache)


def thumb_frame(source: FrameSource, thumb: Thumb) -> int:
    """The decoded-frame index a thumbnail shows."""
    return source.clamp(thumb.frame) if thumb.frame >= 0 else source.index_at(thumb.key_s)


def thumb_image(
    frame_rgb: np.ndarray, thumb: Thumb, video_width: int, height_px: int = THUMB_HEIGHT_PX
) -> np.ndarray:
    """The thumbnail of one frame: the athlete box cut out (with a margin), or the whole frame.

    The frame may be a reduced cache entry: the box (in video pixels) is scaled to it.
    """
    if thumb.kind == "athlete" and thumb.box is not None:
        scale = frame_rgb.shape[1] / max(video_width, 1)
        box = tuple(v * scale for v in thumb.box)
        return np.asarray(crop_box(frame_rgb, box, height_px=height_px))
    h, w = frame_rgb.shape[:2]
    size = (max(1, round(w * height_px / h)), height_px)
    return cv2.resize(frame_rgb, size, interpolation=cv2.INTER_AREA)


def load_thumbnails(
    source: FrameSource,
    thumbs: Sequence[Thumb],
    height_px: int = THUMB_HEIGHT_PX,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> dict[Thumb, np.ndarray]:
    """Each thumbnail's picture; one that cannot be decoded is left out.

    Frames are read in file order, so frames not cached yet are decoded reading forwards.
    """
    cancel = cancel or CancelToken()
    pictures: dict[Thumb, np.ndarray] = {}
    ordered = sorted((thumb_frame(source, thumb), i, thumb) for i, thumb in enumerate(thumbs))
    for done, (index, _, thumb) in enumerate(ordered, start=1):
        cancel.raise_if_cancelled()
        try:
            frame = source.frame(index)
        except JudgeappError:
            continue
        pictures[thumb] = thumb_image(frame.image, thumb, source.info.width, height_px)
        progress(Progress("thumbnails", done, len(thumbs)))
    return pictures

"""The crops panel's pictures (no Qt): athlete boxes cut from frames of any stored size."""

from __future__ import annotations

import numpy as np
from video_helpers import write_video

from judgeapp.app.attention_view import Thumb
from judgeapp.app.thumbnails import load_thumbnails, thumb_frame, thumb_image
from judgeapp.video import probe
from judgeapp.video.frame_cache import FrameSource

BOX = (400.0, 100.0, 600.0, 500.0)  # in video pixels of a 1000x600 video


def _frame(width: int, height: int) -> np.ndarray:
    """Black, with the athlete box white (scaled to this frame's size)."""
    frame = np.zeros((height, width, 3), np.uint8)
    s = width / 1000
    x1, y1, x2, y2 = (round(v * s) for v in BOX)
    frame[y1:y2, x1:x2] = 255
    return frame


def test_an_athlete_crop_is_the_box_even_from_a_reduced_frame() -> None:
    thumb = Thumb("athlete", "T1", "0:01.00  w=0.100", 0.1, 1.0, 1.0, frame=25, box=BOX)
    for width, height in ((1000, 600), (500, 300)):  # full size, and a reduced cache entry
        crop = thumb_image(_frame(width, height), thumb, video_width=1000, height_px=120)
        assert crop.shape[0] == 120
        assert crop.mean() > 255 * 0.6, (width, crop.mean())  # mostly the box, a margin around


def test_a_segment_keyframe_is_the_whole_frame_scaled_to_the_height() -> None:
    thumb = Thumb("segment", "S1", "0:00.00–0:03.20  w=0.200", 0.2, 0.0, 1.6)
    picture = thumb_image(_frame(1000, 600), thumb, video_width=1000, height_px=120)
    assert picture.shape == (120, 200, 3)


def test_thumbnails_load_in_file_order_and_skip_nothing(tmp_path) -> None:
    video = write_video(tmp_path / "v.mp4", fps=10.0, frames=30)
    source = FrameSource(video, probe(video, with_hash=False))
    thumbs = [
        Thumb("segment", "S1", "a  w=0.1", 0.1, 2.0, 2.5),
        Thumb("athlete", "T1", "b  w=0.2", 0.2, 0.5, 0.5, frame=5, box=(100.0, 50.0, 200.0, 200.0)),
    ]
    assert [thumb_frame(source, t) for t in thumbs] == [25, 5]
    seen = []
    pictures = load_thumbnails(source, thumbs, height_px=60, progress=seen.append)
    assert set(pictures) == set(thumbs) and all(p.shape[0] == 60 for p in pictures.values())
    assert [p.done for p in seen] == [1, 2]
    source.close()

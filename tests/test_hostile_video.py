"""Odd and hostile video files (issue 11, classes 3, 4 and 14).

Motion-JPEG AVIs and animated GIFs made from real frames are videos and analyse; single-frame
files are refused with what they are; links that lead nowhere say so; a container whose header
claims an absurd duration or frame count is refused before anything is sized by it (checked in
a child process under a memory limit).
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest
from limits_helpers import run_limited
from PIL import Image

from judgeapp.cli import main
from judgeapp.core.errors import VideoError
from judgeapp.video import probe

SIZE = (180, 320)  # width, height: a small portrait video
FRAMES = 40  # 8 s at 5 fps: 2 dynamic segments, 8 static frames
RANDOM_RUN = ["--model", "random", "--pretrained", "none", "--detector", "none", "--no-cache"]


@pytest.fixture(scope="module")
def real_frames(media_dir: Path) -> list[np.ndarray]:
    """The first 40 frames of a real 5 fps video, as BGR, scaled down."""
    cap = cv2.VideoCapture(str(media_dir / "squats_portrait_5fps.mp4"))
    frames = []
    while len(frames) < FRAMES:
        ok, frame = cap.read()
        assert ok
        frames.append(cv2.resize(frame, SIZE))
    cap.release()
    return frames


def _write(path: Path, frames: list[np.ndarray], fourcc: str, fps: float = 5.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, SIZE)
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("odd-videos")


@pytest.fixture(scope="module")
def mjpeg_avi(folder, real_frames) -> Path:
    return _write(folder / "webcam.avi", real_frames, "MJPG")


@pytest.fixture(scope="module")
def animated_gif(folder, real_frames) -> Path:
    images = [Image.fromarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB)) for f in real_frames]
    path = folder / "loop.gif"
    images[0].save(path, save_all=True, append_images=images[1:], duration=200, loop=0)
    return path


def _patched_avi(source: Path, target: Path, at: str, offset: int, values: tuple[int, ...]):
    """A copy of an AVI with 32-bit header fields of chunk `at` (from its start) replaced."""
    data = bytearray(source.read_bytes())
    start = data.find(at.encode()) + 8
    struct.pack_into(f"<{len(values)}I", data, start + offset, *values)
    target.write_bytes(bytes(data))
    return target


@pytest.fixture(scope="module")
def header_liars(folder, real_frames) -> list[Path]:
    """MPEG-4 AVIs of 40 real frames whose headers lie: a frame rate of 1e-9 fps (4e10 s),
    and 2**31 - 1 frames in a 300 KB file."""
    honest = _write(folder / "honest.avi", real_frames, "mp4v")
    slow = _patched_avi(honest, folder / "slow.avi", "strh", 20, (10**9, 1))  # scale, rate
    many = _patched_avi(honest, folder / "many.avi", "strh", 32, (2**31 - 1,))  # length
    many = _patched_avi(many, many, "avih", 16, (2**31 - 1,))  # total frames
    return [slow, many]


def test_motion_jpeg_and_animated_gif_are_videos(mjpeg_avi, animated_gif):
    for path in (mjpeg_avi, animated_gif):
        info = probe(path, with_hash=False)
        assert (info.frames, info.fps, info.width, info.height) == (FRAMES, 5.0, *SIZE)
        assert info.duration_s == pytest.approx(8.0)


def test_motion_jpeg_and_animated_gif_analyse(mjpeg_avi, animated_gif, tmp_path, capsys):
    out = tmp_path / "both.json"
    code = main(["score", str(mjpeg_avi), str(animated_gif), *RANDOM_RUN, "--json", str(out)])
    assert code == 0, capsys.readouterr().err
    docs = json.loads(out.read_text())
    for doc in docs:
        assert len(doc["dynamic"]) == 2 and len(doc["static"]) == 8
        assert 0 <= doc["score"] <= doc["model"]["score_max"]
        assert sum(s["weight"] for s in doc["dynamic"]) == pytest.approx(1.0)


def test_single_frames_are_refused_for_what_they_are(folder, real_frames):
    picture = Image.fromarray(cv2.cvtColor(real_frames[0], cv2.COLOR_BGR2RGB))
    picture.save(folder / "photo.png")
    picture.save(folder / "photo.gif")
    one = _write(folder / "one.mp4", real_frames[:1], "mp4v")
    for name in ("photo.png", "photo.gif"):
        with pytest.raises(VideoError, match="is a still image, not a video"):
            probe(folder / name)
    with pytest.raises(VideoError, match="holds a single frame"):
        probe(one)


def test_links_that_lead_nowhere_say_so(tmp_path):
    os.symlink(tmp_path / "b.mp4", tmp_path / "a.mp4")
    os.symlink(tmp_path / "a.mp4", tmp_path / "b.mp4")
    os.symlink(tmp_path / "gone.mp4", tmp_path / "link.mp4")
    with pytest.raises(VideoError, match="a.mp4: a loop of symbolic links"):
        probe(tmp_path / "a.mp4")
    with pytest.raises(VideoError, match="link.mp4: a symbolic link to .*gone.mp4, which does not"):
        probe(tmp_path / "link.mp4")
    with pytest.raises(VideoError, match="gone.mp4: no such file"):
        probe(tmp_path / "gone.mp4")


def test_header_claims_are_checked_before_anything_is_sized_by_them(header_liars):
    slow, many = header_liars
    assert cv2.VideoCapture(str(slow)).get(cv2.CAP_PROP_FPS) == pytest.approx(1e-9)
    assert cv2.VideoCapture(str(many)).get(cv2.CAP_PROP_FRAME_COUNT) == 2**31 - 1
    with pytest.raises(VideoError, match=r"slow.avi: its header claims 4e\+10 s of video"):
        probe(slow)
    with pytest.raises(VideoError, match="many.avi: its header claims 2147483647 frames in"):
        probe(many)


def test_header_liars_fail_in_a_line_under_a_memory_limit(header_liars):
    """The command itself, with 1.5 GiB to spare: once `error: unexpected MemoryError`."""
    for path in header_liars:
        code, err = run_limited(["score", str(path), *RANDOM_RUN])
        assert code == 1
        assert err.startswith(f"error: {path}: its header claims"), err
        assert "\n" not in err

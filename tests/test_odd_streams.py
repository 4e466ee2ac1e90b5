"""Streams whose header does not tell the whole video (issue 24, classes 1 to 3): no part of a
video is ever left unscored with exit 0.

Made here with PyAV from real frames: two MPEG-TS recordings joined (the header counts the
first), a joined pair whose picture size changes (OpenCV repeats the last frame before the
change for the rest), a variable-rate Matroska file (24 fps, then 5 fps), and a WebM as a
browser's MediaRecorder writes it (no duration in the header).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from judgeapp.cli import main
from judgeapp.core.errors import VideoError
from judgeapp.video import iter_samples, plan_sampling, probe, videos_in

RANDOM_RUN = ["--model", "random", "--pretrained", "none", "--detector", "none", "--no-cache"]
SMALL, LARGE = (320, 180), (480, 270)  # width, height


@pytest.fixture(scope="module")
def real_frames(media_dir: Path) -> list[np.ndarray]:
    """120 frames of a real video (RGB, 320x180): 5 s at 24 fps."""
    cap = cv2.VideoCapture(str(media_dir / "juggle_720p24.mp4"))
    frames = []
    while len(frames) < 120:
        ok, bgr = cap.read()
        assert ok
        frames.append(cv2.cvtColor(cv2.resize(bgr, SMALL), cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def _write(path: Path, fmt: str, codec: str, frames, times_ms, size=SMALL, **options) -> Path:
    """Encode RGB `frames` shown at `times_ms` into `path`."""
    with av.open(str(path), "w", format=fmt, options=options) as out:
        stream = out.add_stream(codec, rate=24)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 1000)
        for image, at_ms in zip(frames, times_ms, strict=True):
            frame = av.VideoFrame.from_ndarray(cv2.resize(image, size), format="rgb24")
            frame.pts, frame.time_base = at_ms, Fraction(1, 1000)
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def _ts(path: Path, frames, size=SMALL) -> Path:
    return _write(
        path, "mpegts", "libx264", frames, [round(i * 1000 / 24) for i in range(120)], size
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("odd-streams")


@pytest.fixture(scope="module")
def joined(folder, real_frames) -> Path:
    """Two 5 s MPEG-TS recordings joined byte for byte: 10 s, a header that says 5 s."""
    part = _ts(folder / "part.ts", real_frames)
    path = folder / "joined.ts"
    path.write_bytes(part.read_bytes() + part.read_bytes())
    return path


@pytest.fixture(scope="module")
def resized(folder, real_frames) -> Path:
    """5 s at 320x180, then 5 s at 480x270, joined."""
    small = _ts(folder / "small.ts", real_frames)
    large = _ts(folder / "large.ts", real_frames[::-1], LARGE)
    path = folder / "resized.ts"
    path.write_bytes(small.read_bytes() + large.read_bytes())
    return path


def test_joined_recordings_are_analysed_to_the_end(joined, tmp_path, capsys):
    info = probe(joined, with_hash=False)
    assert cv2.VideoCapture(str(joined)).get(cv2.CAP_PROP_FRAME_COUNT) < 130  # the header's word
    assert (info.frames, info.duration_s) == (240, pytest.approx(10.0))
    out = tmp_path / "joined.json"
    assert main(["score", str(joined), *RANDOM_RUN, "--json", str(out)]) == 0, capsys.readouterr()
    doc = json.loads(out.read_text())
    assert doc["video"]["duration_s"] == pytest.approx(10.0)
    assert len(doc["dynamic"]) == 3  # 10 s holds three 3.2 s segments; the first 5 s one
    assert doc["dynamic"][-1]["end_s"] > 9.0
    assert max(s["time_s"] for s in doc["static"]) >= 9.0


def test_a_picture_size_change_is_refused_in_one_line(resized, capsys):
    with pytest.raises(
        VideoError,
        match=r"resized.ts: the picture size changes from 320x180 to "
        r"480x270 by 5\.0 s",
    ):
        probe(resized, with_hash=False)
    assert main(["score", str(resized), *RANDOM_RUN]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {resized}: the picture size changes") and "\n" not in err


def test_a_variable_frame_rate_file_is_complete(folder, real_frames, tmp_path, capsys):
    """24 fps for 5 s, then 5 fps for 5 s: 145 frames, where 10 s x 24 fps would be 240."""
    times_ms = [round(i * 1000 / 24) for i in range(120)] + [5000 + 200 * i for i in range(25)]
    frames = real_frames + real_frames[:25]
    path = _write(folder / "vfr.mkv", "matroska", "libx264", frames, times_ms)
    info = probe(path, with_hash=False)
    assert info.frames == 145
    assert 9.8 < info.duration_s <= 10.0  # the last frame starts at 9.8 s
    out = tmp_path / "vfr.json"
    assert main(["score", str(path), *RANDOM_RUN, "--json", str(out)]) == 0, capsys.readouterr()
    doc = json.loads(out.read_text())
    assert 9.8 < doc["video"]["duration_s"] <= 10.0
    assert max(s["time_s"] for s in doc["static"]) >= 9.0  # the 5 fps part is scored too


def test_a_webm_without_duration_is_read(folder, real_frames):
    """As a browser's MediaRecorder writes it: the muxer's live mode leaves out the duration."""
    times_ms = [round(i * 1000 / 24) for i in range(120)]
    path = _write(folder / "recorded.webm", "webm", "libvpx", real_frames, times_ms, live="1")
    assert cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT) <= 0  # nothing to trust
    info = probe(path, with_hash=False)
    assert info.frames == 120
    assert info.duration_s == pytest.approx(5.0, abs=0.05)
    assert info.fps == pytest.approx(24.0)


def test_frames_beyond_the_plan_are_an_error_not_dropped(joined, folder):
    """A file that grew after it was opened (here: planned as its first half)."""
    first_half = probe(folder / "part.ts", with_hash=False)
    plan = plan_sampling(first_half.duration_s)
    with pytest.raises(VideoError, match=r"joined.ts: holds more video than when it was opened"):
        for _ in iter_samples(joined, first_half, plan):
            pass


def test_camera_and_broadcast_files_are_found_in_folders(tmp_path):
    names = ["a.MTS", "b.m2ts", "c.ts", "d.3gp", "e.mp4", "notes.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in videos_in(tmp_path)] == names[:5]

"""The annotated video is an MP4 browsers and phones play (issue 20, item 6): H.264 in yuv420p
with its index at the front, the source's sound in sync, every frame at the source's time.

Each file is read back with PyAV (FFmpeg's decoder), not with the writer's own bookkeeping.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from report_helpers import make_result
from video_helpers import read_index, write_video

from judgeapp.core.errors import Cancelled
from judgeapp.core.progress import CancelToken
from judgeapp.report import write_annotated_video
from judgeapp.report.h264_writer import H264Writer
from judgeapp.video import probe


def _top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (ftyp, moov, mdat, ...)."""
    names = []
    with open(path, "rb") as fh:
        while header := fh.read(8):
            size = int.from_bytes(header[:4], "big")
            names.append(header[4:8].decode("latin-1"))
            if size == 1:
                size = int.from_bytes(fh.read(8), "big") - 8
            elif size == 0:
                break
            fh.seek(size - 8, 1)
    return names


def _read_back(path: Path) -> dict:
    """What a player sees: codecs, durations, every video frame (RGB) and its time."""
    with av.open(str(path)) as c:
        video = c.streams.video[0]
        facts = {
            "codec": video.codec_context.name,
            "pix_fmt": video.codec_context.format.name,
            "audio": [(s.codec_context.name, s.sample_rate) for s in c.streams.audio],
        }
        audio_s = [float(s.duration * s.time_base) for s in c.streams.audio]
        frames, times = [], []
        for frame in c.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
            times.append(float(frame.time))
        facts["video_s"] = times[-1] + (times[-1] - times[-2])
    facts["audio_s"] = audio_s
    facts["frames"] = frames
    facts["times"] = times
    return facts


def _source_times(path: Path) -> list[float]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        start = stream.start_time or 0
        return sorted(float((f.pts - start) * stream.time_base) for f in c.decode(stream))


def test_an_annotated_video_of_a_clip_with_sound_is_h264_with_that_sound(media_dir, tmp_path):
    source = media_dir / "skater_axel_spiral_1080p30.mp4"  # H.264 + AAC, 107 frames, 3.6 s
    info = probe(source)
    result = make_result(info, seed=3)
    out = tmp_path / "annotated.mp4"
    written = write_annotated_video(result, source, out)
    got = _read_back(out)
    assert got["codec"] == "h264" and got["pix_fmt"] == "yuv420p"
    boxes = _top_level_boxes(out)
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # streams before it is all loaded
    assert written == len(got["frames"]) == info.frames == 107
    # The source's frame timing, so the sound copied beside it stays in sync.
    assert np.allclose(got["times"], _source_times(source), atol=1e-3)
    assert got["audio"] == [("aac", 44100)]
    assert abs(got["audio_s"][0] - got["video_s"]) < 0.1, (got["audio_s"], got["video_s"])
    # The overlay is in the pixels: the attention bar across the bottom of every frame, where
    # the source shows the ice rink.
    with av.open(str(source)) as c:
        original = next(c.decode(video=0)).to_ndarray(format="rgb24")
    frame = got["frames"][0]
    bar = slice(1080 - 66 - 21, 1080 - 21), slice(100, 1800)
    assert np.abs(frame[bar].astype(int) - original[bar]).mean() > 40
    elsewhere = slice(100, 300), slice(100, 500)  # top left: no overlay, only compression
    assert np.abs(frame[elsewhere].astype(int) - original[elsewhere]).mean() < 8


def test_a_clip_without_sound_gives_a_video_without_sound(tmp_path):
    clip = write_video(tmp_path / "clip.mp4", fps=10.0, frames=30)  # no audio stream
    out = tmp_path / "annotated.mp4"
    write_annotated_video(make_result(probe(clip), seed=1), clip, out)
    got = _read_back(out)
    assert got["codec"] == "h264" and got["audio"] == []
    assert [read_index(f) for f in got["frames"]] == list(range(30))
    assert np.allclose(got["times"], np.arange(30) / 10.0, atol=1e-3)


def _clip_with_sound(path: Path, codec: str, seconds: float = 2.0, fps: int = 25) -> Path:
    """A Matroska clip with a tone in `codec` (one browsers do not take in MP4)."""
    with av.open(str(path), "w") as c:
        video = c.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        audio = c.add_stream(codec, rate=48000)
        audio.codec_context.layout = "stereo"
        for i in range(int(seconds * fps)):
            image = np.full((120, 160, 3), (i * 5) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            c.mux(video.encode(frame))
        samples = int(seconds * 48000)
        tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(samples) / 48000)).astype(np.float32)
        for start in range(0, samples, 1024):
            chunk = tone[start : start + 1024]
            planar = np.stack([chunk, chunk])
            frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = 48000, start
            frame.time_base = Fraction(1, 48000)
            c.mux(audio.encode(frame))
        c.mux(video.encode(None))
        c.mux(audio.encode(None))
    return path


def test_sound_browsers_do_not_take_in_mp4_is_re_encoded_to_aac(tmp_path):
    source = _clip_with_sound(tmp_path / "tone.mkv", "mp2")
    out = tmp_path / "out.mp4"
    writer = H264Writer.open(out, 25.0, (161, 121), audio_from=source)  # odd: padded to even
    for i in range(50):
        writer.write(np.full((121, 161, 3), 128, np.uint8), i / 25.0)
    assert writer.close() == 50
    got = _read_back(out)
    assert got["codec"] == "h264" and got["frames"][0].shape == (122, 162, 3)
    assert got["audio"] == [("aac", 48000)]
    assert abs(got["audio_s"][0] - 2.0) < 0.1


def test_cancel_midway_leaves_no_file(media_dir, tmp_path):
    source = media_dir / "skater_axel_spiral_1080p30.mp4"
    token = CancelToken()

    def cancel_at_20(p) -> None:
        if p.done >= 20:
            token.cancel()

    with pytest.raises(Cancelled):
        write_annotated_video(
            make_result(probe(source)), source, tmp_path / "a.mp4", (), cancel_at_20, token
        )
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    from report_helpers import full_tmpfs

    from judgeapp.core.errors import JudgeappError

    clip = write_video(tmp_path / "clip.mp4", fps=10.0, frames=40)
    with full_tmpfs(tmp_path, size_kib=512) as disk:
        if disk is None:
            pytest.skip("cannot mount a tmpfs here")
        (disk / "filler").unlink()
        (disk / "a.mp4").write_bytes(b"the old video")
        with open(disk / "filler", "wb", buffering=0) as fh:  # full again
            with pytest.raises(OSError):
                while True:
                    fh.write(b"\0" * 4096)
        with pytest.raises(JudgeappError, match=r"a\.mp4: cannot write"):
            write_annotated_video(make_result(probe(clip)), clip, disk / "a.mp4")
        assert sorted(p.name for p in disk.iterdir()) == ["a.mp4", "filler"]
        assert (disk / "a.mp4").read_bytes() == b"the old video"

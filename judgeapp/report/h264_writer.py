"""An MP4 that browsers and phones play: H.264 video (yuv420p, the index at the front of the file
so a browser streams it) with the source video's sound, written through PyAV (FFmpeg's libx264
and AAC encoder, in PyAV's wheel).

    writer = H264Writer.open(path, fps, (width, height), audio_from=source_video)
    for frame in frames:          # RGB, height x width x 3, uint8
        writer.write(frame, time_s)
    writer.close()                # or writer.abort() on cancel or failure

Frames keep the times they are given (the source's frame timing), so the sound, copied from
`audio_from` (AAC and MP3 as they are, anything else re-encoded to AAC), stays in sync; sound
before the first frame or after the last one is left out. `close` reads the finished file's
index back and raises JudgeappError unless every frame reached it (a full disk). Writing to a
temporary file and renaming it is the caller's part (core.files.atomic_path). Odd frame sizes are
padded by one pixel to the even size H.264 needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from judgeapp.core.errors import JudgeappError

CRF = 23  # libx264's default quality
PRESET = "veryfast"
_TIME_BASE = Fraction(1, 90000)
_COPY_AUDIO = ("aac", "mp3")  # played by browsers inside MP4 as they are
_AUDIO_RATE = 48000


def _error(path: Path, exc: BaseException) -> JudgeappError:
    text = getattr(exc, "strerror", None) or str(exc)
    return JudgeappError(f"{path}: cannot write the video ({text})")


class _AudioSource:
    """The source's first sound stream, handed on in time order: packets where they are copied,
    re-encoded packets otherwise; times are shifted so the source's first video frame is 0."""

    def __init__(self, path: Path, output: av.container.OutputContainer) -> None:
        self.input = av.open(str(path))
        try:
            self.stream = self.input.streams.audio[0]
            video = self.input.streams.video[0] if self.input.streams.video else None
            tb = self.stream.time_base
            self.offset_s = (
                float(video.start_time * video.time_base)
                if video is not None and video.start_time is not None
                else 0.0
            )
            self.copy = self.stream.codec_context.name in _COPY_AUDIO
            if self.copy:
                self.out = output.add_stream_from_template(self.stream)
            else:
                rate = self.stream.codec_context.sample_rate or _AUDIO_RATE
                self.out = output.add_stream("aac", rate=rate)
                layout = self.stream.codec_context.layout
                if layout is not None and layout.nb_channels in (1, 2):
                    self.out.codec_context.layout = layout.name
                else:
                    self.out.codec_context.layout = "stereo"
            self.tb = tb
            self._pending = self._items()
            self._next: tuple[float, object] | None = None
            self._ended = False
        except BaseException:
            self.input.close()
            raise

    def _items(self) -> Iterator[tuple[float, object]]:
        """(start time in output seconds, a packet ready to mux) in order."""
        for packet in self.input.demux(self.stream):
            if packet.dts is None or packet.pts is None:
                continue  # the demuxer's end-of-stream packet
            start_s = float(packet.pts * self.tb) - self.offset_s
            if self.copy:
                if start_s < 0:
                    continue
                packet.pts -= round(self.offset_s / self.tb)
                packet.dts -= round(self.offset_s / self.tb)
                packet.stream = self.out
                yield start_s, packet
                continue
            for frame in packet.decode():
                t = (frame.time or 0.0) - self.offset_s
                if t < 0:
                    continue
                frame.pts = round(t * frame.sample_rate)
                frame.time_base = Fraction(1, frame.sample_rate)
                for out_packet in self.out.encode(frame):
                    yield t, out_packet
        if not self.copy:
            for out_packet in self.out.encode(None):
                yield float("inf"), out_packet

    def take_until(self, end_s: float, flushing: bool = False) -> Iterator[object]:
        """The packets that start before `end_s` (re-encoded ones while flushing: all of them,
        the encoder's delay holds the last few)."""
        while not self._ended:
            if self._next is None:
                try:
                    self._next = next(self._pending)
                except StopIteration:
                    self._ended = True
                    return
                except (av.FFmpegError, ValueError):  # damaged sound: the rest goes without it
                    self._ended = True
                    return
            start_s, packet = self._next
            if start_s >= end_s and not (flushing and start_s == float("inf")):
                if not flushing or self.copy:
                    return
                # Re-encoding: the frames after the end are dropped; the encoder's tail is kept.
                self._next = None
                continue
            self._next = None
            yield packet

    def close(self) -> None:
        self.input.close()


class H264Writer:
    """One H.264 MP4 being written; see the module's description."""

    def __init__(
        self,
        path: str | Path,
        fps: float,
        size: tuple[int, int],
        audio_from: str | Path | None = None,
        crf: int = CRF,
        preset: str = PRESET,
        name: str | Path | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = Path(name) if name is not None else self.path  # in messages
        self.size = (int(size[0]), int(size[1]))
        if fps <= 0 or self.size[0] <= 0 or self.size[1] <= 0:
            raise JudgeappError(f"{self.name}: cannot write a video of {size} at {fps} fps")
        self.fps = float(fps)
        self.frames = 0
        self._last_pts = -1
        self._end_s = 0.0
        self._audio: _AudioSource | None = None
        self._done = False
        width, height = self.size
        self._even = (width + width % 2, height + height % 2)
        try:
            self.container = av.open(
                str(self.path), mode="w", format="mp4", options={"movflags": "+faststart"}
            )
        except (av.FFmpegError, OSError) as exc:
            raise _error(self.name, exc) from None
        try:
            rate = Fraction(self.fps).limit_denominator(1001)
            self.video = self.container.add_stream(
                "libx264", rate=rate, options={"crf": str(crf), "preset": preset}
            )
            self.video.width, self.video.height = self._even
            self.video.pix_fmt = "yuv420p"
            self.video.codec_context.time_base = _TIME_BASE
            if audio_from is not None and _has_audio(Path(audio_from)):
                self._audio = self._sound_of(Path(audio_from))
        except (av.FFmpegError, OSError) as exc:
            self.abort()
            raise _error(self.name, exc) from None
        except BaseException:
            self.abort()
            raise

    def _sound_of(self, source: Path) -> _AudioSource | None:
        """The source's sound, or None where it cannot be read or encoded (the video is written
        without it rather than not at all)."""
        try:
            return _AudioSource(source, self.container)
        except (av.FFmpegError, ValueError, IndexError):
            if len(self.container.streams) > 1:  # a sound stream is in the file already
                raise
            return None

    @classmethod
    def open(
        cls,
        path: str | Path,
        fps: float,
        size: tuple[int, int],
        audio_from: str | Path | None = None,
        name: str | Path | None = None,
    ) -> H264Writer:
        """Start writing `path` (size: width, height); `audio_from`: a video whose sound goes
        in; `name`: the file named in messages (the target of a temporary `path`)."""
        return cls(path, fps, size, audio_from, name=name)

    def write(self, rgb: np.ndarray, time_s: float | None = None) -> None:
        """Add one RGB frame (height x width x 3) shown from `time_s` (default: frame / fps)."""
        width, height = self.size
        if rgb.shape != (height, width, 3):
            raise ValueError(f"a frame of {rgb.shape}, not {(height, width, 3)}")
        if time_s is None:
            time_s = self.frames / self.fps
        if self._even != self.size:
            rgb = np.pad(
                rgb, ((0, self._even[1] - height), (0, self._even[0] - width), (0, 0)), "edge"
            )
        pts = max(round(time_s / _TIME_BASE), self._last_pts + 1)
        self._last_pts = pts
        self._end_s = max(self._end_s, time_s + 1.0 / self.fps)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb, np.uint8), format="rgb24")
        frame.pts = pts
        frame.time_base = _TIME_BASE
        try:
            if self._audio is not None:
                self.container.mux(list(self._audio.take_until(time_s)))
            self.container.mux(self.video.encode(frame))
        except (av.FFmpegError, OSError) as exc:
            self.abort()
            raise _error(self.name, exc) from None
        self.frames += 1

    def close(self) -> int:
        """Finish the file and check every frame reached it; return the frames written."""
        if self._done:
            return self.frames
        try:
            self.container.mux(self.video.encode(None))
            if self._audio is not None:
                self.container.mux(list(self._audio.take_until(self._end_s, flushing=True)))
            self._done = True
            self._release()
        except (av.FFmpegError, OSError) as exc:
            self.abort()
            raise _error(self.name, exc) from None
        reached = count_video_frames(self.path)
        if self.frames == 0 or reached != self.frames:
            raise JudgeappError(
                f"{self.name}: cannot write the video: {reached} of {self.frames} frames reached "
                "the file (disk full?)"
            )
        return self.frames

    def abort(self) -> None:
        """Stop without finishing (the caller removes the file)."""
        self._done = True
        try:
            self._release()
        except (av.FFmpegError, OSError):
            pass

    def _release(self) -> None:
        try:
            if self._audio is not None:
                self._audio.close()
        finally:
            self.container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def _has_audio(path: Path) -> bool:
    try:
        with av.open(str(path)) as source:
            return bool(source.streams.audio)
    except (av.FFmpegError, OSError):
        return False


def count_video_frames(path: str | Path) -> int:
    """The frames an MP4's index lists for its video (0 where it does not open)."""
    try:
        with av.open(str(path)) as written:
            streams = written.streams.video
            return int(streams[0].frames) if streams else 0
    except (av.FFmpegError, OSError):
        return 0

"""Open a video file and read what it is, with errors a user can act on."""

from __future__ import annotations

import errno
import math
import os
from pathlib import Path

import cv2

from judgeapp.core.errors import VideoError
from judgeapp.core.files import sha256_file
from judgeapp.core.results import VideoInfo
from judgeapp.video.stream_scan import scan_stream

# Codecs FFmpeg reports for pictures. Only a file with a single frame is refused as a still
# image: Motion-JPEG (webcams, older cameras) and animated GIFs are videos of such pictures.
_IMAGE_FOURCCS = {"png ", "mpng", "mjpg", "jpeg", "bmp ", "tiff", "webp", "gif "}
# What a container may claim before anything is sized by it (the sampling plan holds 5 times
# the duration in seconds): a day of video, 1000 fps, and at least one byte per frame.
MAX_DURATION_S = 24 * 3600.0
MAX_FPS = 1000.0
# Address space left under a limit (ulimit -v) below which a decoder that cannot be opened is
# taken to lack memory: FFmpeg's decoder threads reserve tens of MiB each.
LOW_ADDRESS_SPACE = 512 * 2**20


def open_capture(path: str | Path) -> cv2.VideoCapture:
    """Open `path` with FFmpeg, or raise VideoError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise VideoError(f"{path}: {_missing_reason(path)}")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise VideoError(f"{path}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise VideoError(f"{path}: empty file (0 bytes)")
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        cap.release()
        raise VideoError(
            f"{path}: "
            + (
                _why_undecodable(path)
                or "not a video judgeapp can decode (corrupt or unsupported format)"
            )
        )
    return cap


def _why_undecodable(path: Path) -> str | None:
    """Why OpenCV could not open or decode `path`, where PyAV (FFmpeg's own reader) can tell:
    no video stream (an audio-only file), a codec OpenCV's FFmpeg cannot decode (AV1: named),
    or not enough memory (a process under an address-space limit with little of it left, or
    where OpenCV decodes the file once it starts no decoder threads). None: no better word
    than the generic message (a corrupt file, or PyAV is missing)."""
    try:
        import av  # PyAV: imported only here, as in stream_scan
    except (ImportError, MemoryError, OSError):
        return None
    try:
        container = av.open(str(path))
    except MemoryError:
        return _NO_MEMORY
    except (av.FFmpegError, OSError, ValueError):
        return None
    try:
        if not container.streams.video:
            if container.streams.audio:
                return "no video stream (an audio-only file)"
            return "no video stream"
        if _short_of_address_space() or (_address_space_limited() and _opens_with_one_thread(path)):
            return _NO_MEMORY  # the stream is there; memory for its decoder is not
        stream = container.streams.video[0]
        codec = _codec_name(stream)
        try:
            stream.codec_context.thread_count = 1  # no decoder threads: one frame is enough
            decoded = next(iter(container.decode(stream)), None) is not None
        except (MemoryError, BlockingIOError):  # ENOMEM, or EAGAIN: no thread could start
            return _NO_MEMORY if _address_space_limited() else None
        except (av.FFmpegError, OSError, ValueError):
            decoded = False
        if not decoded:
            return f"its {codec} video cannot be decoded (corrupt, or a codec judgeapp lacks)"
        return (
            f"its {codec} video is not decodable by OpenCV's FFmpeg, which judgeapp reads "
            "videos with (re-encode it to H.264)"
        )
    except MemoryError:
        return _NO_MEMORY
    finally:
        container.close()


def _opens_with_one_thread(path: Path) -> bool:
    """Whether OpenCV opens and decodes `path` when its FFmpeg starts no decoder threads:
    then the file is good and the threads' memory (stacks, allocator arenas) was lacking."""
    try:
        cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    except (cv2.error, MemoryError):
        return False
    try:
        return bool(cap.isOpened() and cap.grab())
    except (cv2.error, MemoryError):
        return False
    finally:
        cap.release()


def _codec_name(stream) -> str:
    """The codec's own name (AV1, not the decoder library's libdav1d)."""
    codec = stream.codec_context.codec
    name = getattr(codec, "canonical_name", None) or stream.codec_context.name or "unknown"
    return str(name).upper()


_NO_MEMORY = (
    "not enough memory to open the video (the process's memory is limited: raise the limit, "
    "e.g. ulimit -v, or free memory)"
)


def _short_of_address_space(needed: int = LOW_ADDRESS_SPACE) -> bool:
    """Whether this process's address-space limit leaves less than `needed` bytes free (a
    decoder needs its frame buffers, and each of its threads a stack and allocator arena)."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY:
            return False
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            used = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
    except (ImportError, OSError, ValueError, IndexError, StopIteration):
        return False
    return soft - used < needed


def _address_space_limited() -> bool:
    """Whether this process runs under an address-space limit (ulimit -v, RLIMIT_AS)."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        return False
    return soft != resource.RLIM_INFINITY


def _missing_reason(path: Path) -> str:
    """Why `path` does not exist: no such file, a link to nothing, or a loop of links."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of symbolic links, not a video file"
        if path.is_symlink():
            return f"a symbolic link to {os.readlink(path)}, which does not exist"
        if exc.errno not in (errno.ENOENT, None):
            return f"cannot read ({exc.strerror})"
    return "no such file"


def _fourcc(cap: cv2.VideoCapture) -> str:
    code = int(cap.get(cv2.CAP_PROP_FOURCC))
    return "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4)).lower()


def probe(path: str | Path, with_hash: bool = True) -> VideoInfo:
    """Read geometry, frame rate, frame count and (optionally) the content hash of a video.

    Raises VideoError for a missing, empty, corrupt, still-image or undecodable file.
    """
    path = Path(path)
    cap = open_capture(path)
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        claimed = float(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fourcc = _fourcc(cap)
        first = cap.grab()
        second = first and cap.grab()
    finally:
        cap.release()
    if not first or width <= 0 or height <= 0:
        why = _why_undecodable(path) or "no decodable video frames (corrupt or unsupported codec)"
        raise VideoError(f"{path}: {why}")
    if not second:
        if fourcc in _IMAGE_FOURCCS:
            raise VideoError(f"{path}: is a still image, not a video")
        raise VideoError(f"{path}: holds a single frame; a video to analyse needs more")
    frames, fps, duration_s = _counted(path, fps, claimed)
    return VideoInfo(
        path=str(path),
        sha256=sha256_file(path) if with_hash else "",
        duration_s=duration_s,
        fps=fps,
        frames=frames,
        width=width,
        height=height,
    )


def _counted(path: Path, fps: float, claimed: float) -> tuple[int, float, float]:
    """Frames, frame rate and duration: the packets' count where it covers at least what the
    header claims (joined recordings, a file still being written, variable frame rate, a
    WebM with no duration), the header's where the packets stop early (a truncated file,
    which the decoding pass then reports as such).

    Raises VideoError for a picture size that changes mid-stream (OpenCV would repeat the
    last frame before the change for the rest of the video)."""
    scan = scan_stream(path, fps)
    if scan is not None and scan.size_change is not None:
        change = scan.size_change
        raise VideoError(
            f"{path}: the picture size changes from {_size(change.before)} to "
            f"{_size(change.after)} by {change.time_s:.1f} s; judgeapp reads one picture size "
            "per video (re-encode it to one size first)"
        )
    header_ok = math.isfinite(fps) and fps > 0 and math.isfinite(claimed) and claimed > 0
    if scan is not None and (
        not header_ok or scan.duration_s >= claimed / fps - max(2.0 / fps, 0.1)
    ):
        if scan.duration_s > MAX_DURATION_S:
            raise VideoError(
                f"{path}: holds {scan.duration_s / 3600:.3g} hours of video, more than "
                f"{MAX_DURATION_S / 3600:g} hours"
            )
        return scan.frames, scan.fps, scan.duration_s
    frames = _checked_header(path, fps, claimed)
    return frames, fps, frames / fps


def _size(width_height: tuple[int, int]) -> str:
    return f"{width_height[0]}x{width_height[1]}"


def _checked_header(path: Path, fps: float, claimed: float) -> int:
    """The container's frame count, once it and the frame rate are checked against the file
    (nothing may be sized by a number a damaged or hostile header makes up)."""
    if not (math.isfinite(fps) and fps > 0) or not (math.isfinite(claimed) and claimed > 0):
        raise VideoError(f"{path}: the frame rate or frame count is unreadable (corrupt file?)")
    frames = int(claimed)
    size_bytes = path.stat().st_size
    if fps > MAX_FPS:
        raise VideoError(f"{path}: its header claims {fps:g} frames per second (corrupt file?)")
    if frames > size_bytes:
        raise VideoError(
            f"{path}: its header claims {frames} frames in {size_bytes} bytes (corrupt file?)"
        )
    if frames / fps > MAX_DURATION_S:
        raise VideoError(
            f"{path}: its header claims {frames / fps:.3g} s of video, more than "
            f"{MAX_DURATION_S / 3600:g} hours (corrupt file?)"
        )
    return frames

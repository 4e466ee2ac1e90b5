"""Open a video file and read what it is, with errors a user can act on."""

from __future__ import annotations

from pathlib import Path

import cv2

from judgeapp.core.errors import VideoError
from judgeapp.core.files import sha256_file
from judgeapp.core.results import VideoInfo

# Codecs FFmpeg reports for still images; a renamed photo "opens" as a one-frame video.
_IMAGE_FOURCCS = {"png ", "mjpg", "jpeg", "bmp ", "tiff", "webp", "gif "}


def open_capture(path: str | Path) -> cv2.VideoCapture:
    """Open `path` with FFmpeg, or raise VideoError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise VideoError(f"{path}: no such file")
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
        raise VideoError(f"{path}: not a video judgeapp can decode (corrupt or unsupported format)")
    return cap


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
        frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fourcc = _fourcc(cap)
        ok = cap.grab()
    finally:
        cap.release()
    if fourcc in _IMAGE_FOURCCS or (frames <= 1 and ok):
        raise VideoError(f"{path}: is a still image, not a video")
    if not ok or width <= 0 or height <= 0:
        raise VideoError(f"{path}: no decodable video frames (corrupt or unsupported codec)")
    if not (fps > 0) or frames <= 0:
        raise VideoError(f"{path}: the frame rate or frame count is unreadable (corrupt file?)")
    return VideoInfo(
        path=str(path),
        sha256=sha256_file(path) if with_hash else "",
        duration_s=frames / fps,
        fps=fps,
        frames=frames,
        width=width,
        height=height,
    )

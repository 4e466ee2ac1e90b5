"""judgeapp: score long sports routines from video with ACTION-NET and show why."""

import os as _os

# FFmpeg and OpenCV print their own diagnostics for bad files; judgeapp reports one clear line
# instead. Set before cv2 is first imported by any judgeapp module.
_os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
_os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

__version__ = "0.1.0"

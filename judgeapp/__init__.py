"""judgeapp: score long sports routines from video with ACTION-NET and show why."""

import os as _os

# FFmpeg and OpenCV print their own diagnostics for bad files; judgeapp reports one clear line
# instead. Set before cv2 is first imported by any judgeapp module.
_os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
_os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

# Nothing is sent anywhere unless the user asked: every library's own usage reporting is off in
# every judgeapp process (command line, GUI, analysis child, Ray workers) before any loads.
from judgeapp.core.privacy import disable_telemetry as _disable_telemetry  # noqa: E402

_disable_telemetry()

__version__ = "0.1.0"

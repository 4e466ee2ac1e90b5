"""Plain dataclasses shared by every layer: results, progress, cancellation, errors.

No torch, no Qt: everything here is cheap to import and easy to serialise.
"""

from judgeapp.core.errors import (
    Cancelled,
    CheckpointError,
    JudgeappError,
    ProfileMismatchError,
    VideoError,
    WeightsError,
)
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.core.results import (
    SCHEMA,
    SCHEMA_V2,
    AnalysisResult,
    FrameWeight,
    ModelInfo,
    SegmentWeight,
    TargetScore,
    VideoInfo,
)

__all__ = [
    "SCHEMA",
    "SCHEMA_V2",
    "AnalysisResult",
    "CancelToken",
    "Cancelled",
    "CheckpointError",
    "FrameWeight",
    "JudgeappError",
    "ModelInfo",
    "Progress",
    "ProgressCallback",
    "ProfileMismatchError",
    "SegmentWeight",
    "TargetScore",
    "VideoError",
    "VideoInfo",
    "WeightsError",
]

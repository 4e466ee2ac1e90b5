"""Zoom and pan of the video picture, without Qt: scales and the point kept under the cursor.

A scale is screen pixels per video pixel. "Fit" shows the whole frame and follows the window's
size; the wheel zooms in from there (never out past fit) up to MAX_ZOOM_OF_FIT times the fit
scale or MAX_SCALE, whichever is larger, keeping the video point under the cursor still.
"""

from __future__ import annotations

WHEEL_NOTCH = 120  # angle delta of one wheel notch (Qt's eighths of a degree)
STEP_PER_NOTCH = 1.25
MAX_SCALE = 8.0
MAX_ZOOM_OF_FIT = 8.0


def fit_scale(view_w: float, view_h: float, video_w: float, video_h: float) -> float:
    """The scale at which the whole frame fits the view (1.0 without a video)."""
    if video_w <= 0 or video_h <= 0 or view_w <= 0 or view_h <= 0:
        return 1.0
    return min(view_w / video_w, view_h / video_h)


def max_scale(fit: float) -> float:
    return max(MAX_SCALE, fit * MAX_ZOOM_OF_FIT)


def clamp_scale(scale: float, fit: float) -> float:
    return min(max(scale, fit), max_scale(fit))


def wheel_scale(scale: float, angle_delta: float, fit: float) -> float:
    """The scale after turning the wheel by `angle_delta` (positive: zoom in)."""
    return clamp_scale(scale * STEP_PER_NOTCH ** (angle_delta / WHEEL_NOTCH), fit)


def is_fit(scale: float, fit: float) -> bool:
    return scale <= fit * (1 + 1e-6)


def zoom_center(
    scene_point: tuple[float, float],
    cursor_px: tuple[float, float],
    viewport_center_px: tuple[float, float],
    new_scale: float,
) -> tuple[float, float]:
    """The scene point to centre so that `scene_point` stays under the cursor at `new_scale`."""
    (sx, sy), (cx, cy), (vx, vy) = scene_point, cursor_px, viewport_center_px
    return (sx - (cx - vx) / new_scale, sy - (cy - vy) / new_scale)


def zoom_text(scale: float, fit: bool) -> str:
    """The zoom read-out: "Fit" or a percentage of video pixels ("250%")."""
    return "Fit" if fit else f"{scale * 100:.0f}%"

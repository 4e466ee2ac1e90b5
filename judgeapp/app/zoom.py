"""Zoom and pan of the video picture, without Qt: scales and the point kept under the cursor;
and the zoomed timeline following the playhead (`follow_range`).

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


# --- the timeline's time axis ---------------------------------------------------------------------
# Where the playhead lands after the view pages, as a fraction of the view's width from the edge
# it entered by: a little of what came before stays in sight.
FOLLOW_MARGIN = 0.05


def follow_range(
    start_s: float, end_s: float, time_s: float, duration_s: float, margin: float = FOLLOW_MARGIN
) -> tuple[float, float] | None:
    """The time range a zoomed timeline shows so that the playhead at `time_s` is in sight, as
    a video editor pages: None when it already is (or the view shows the whole video).

    Past the right edge (playing on, a jump forward) the view moves by pages of its own width so
    that the playhead sits `margin` of the width from the left edge; before the left edge (a
    jump back, playing backwards) it sits `margin` from the right edge. The width (the zoom) is
    kept and the range stays inside [0, duration_s].
    """
    width = end_s - start_s
    if width <= 0 or duration_s <= 0 or width >= duration_s:
        return None
    if start_s <= time_s <= end_s:
        return None
    if time_s > end_s:
        new_start = time_s - margin * width
    else:
        new_start = time_s + margin * width - width
    new_start = min(max(new_start, 0.0), duration_s - width)
    return (new_start, new_start + width)

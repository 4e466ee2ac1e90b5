"""Render the pose features of the main window after real analyses:
docs/screenshots/pose-overlay.png and docs/screenshots/angle-lane.png.

    python scripts/pose_screenshot.py [--squats PATH] [--skater PATH] [--out-dir DIR] [--dark]

Offscreen at 1280x800 with a private library, settings and caches; each video is analysed for
real with the pose model (its files installed: `judgeapp models download blazepose_detector
blazepose_landmark_full`, or JUDGEAPP_WEIGHTS_PATH naming their folder), random video networks
and an untrained head, so the window rightly says *not calibrated*. pose-overlay.png shows the
squats clip at the deepest squat with the athlete's skeleton and the left knee's lane;
angle-lane.png the skater clip's leg-separation lane, the picture zoomed on the skater where the
legs are measured widest apart (or at `--skater-at` seconds).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402

ANALYSIS_TIMEOUT_S = 600


def analyse(window) -> bool:
    """Analyse the open video with the pose model; False (message printed) if it failed."""
    window.apply_settings(replace(window.settings, detector="pose", device="cpu"))
    window.analyze()
    shots.wait(lambda: window.session.analysing, 10)
    shots.wait(lambda: not window.session.analysing, ANALYSIS_TIMEOUT_S)
    result = window.outcome.result if window.outcome is not None else None
    if result is None or result.pose is None:
        why = window.error_banner.message() or "no pose in the result (pose model not installed?)"
        print(f"error: {why}", file=sys.stderr)
        return False
    return True


def show_angle_at_peak(window, angle: str, lowest: bool = False, at_s: float | None = None) -> bool:
    """Choose `angle` in the lane and go to its highest measured value (or its lowest, or
    `at_s`)."""
    timeline = window.timeline
    index = timeline.angle_combo.findData(angle)
    if index < 0:
        print(f"error: the result does not measure {angle}", file=sys.stderr)
        return False
    timeline.angle_combo.setCurrentIndex(index)
    lane = timeline.angle_lane
    samples = [(d, t) for t, d in zip(lane.times_s, lane.degrees, strict=True) if d == d]
    if at_s is not None:
        time_s = at_s
    elif lowest:
        time_s = min(samples)[1]
    else:
        time_s = max(samples)[1]
    source = window.session.source
    frame = source.index_at(time_s)
    window.player.seek(frame)
    shots.wait(lambda: window.player.current_index == frame, 10)
    shots.wait(lambda: False, 0.5)  # let the status bar and the lane settle
    return True


def zoom_on_athlete(window, scale: float) -> None:
    """Zoom the picture to `scale` around the athlete's pose box."""
    from PySide6.QtCore import QPointF

    view = window.player.view
    overlay = view.pose_overlay()
    if overlay is None or overlay.athlete is None:
        return
    x1, y1, x2, y2 = overlay.athlete.box
    view.zoom_to(scale)
    view.centerOn(QPointF((x1 + x2) / 2, (y1 + y2) / 2))
    shots.wait(lambda: False, 0.5)  # the exact frame replaces the cached one


def shoot(
    video: Path,
    out: Path,
    angle: str,
    dark: bool,
    lowest: bool = False,
    at_s: float | None = None,
    zoom: float | None = None,
) -> bool:
    opened = shots.open_review_window("judgeapp-pose-shot-", str(video), dark)
    if opened is None:
        return False
    window, _review = opened
    try:
        if not analyse(window) or not show_angle_at_peak(window, angle, lowest, at_s):
            return False
        if zoom is not None:
            zoom_on_athlete(window, zoom)
        return shots.save_grab(window, out)
    finally:
        window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squats", default=str(shots.MEDIA / "squats_portrait_5fps.mp4"))
    parser.add_argument("--skater", default=str(shots.MEDIA / "skater_axel_spiral_1080p30.mp4"))
    parser.add_argument(
        "--skater-at", type=float, default=None, help="seconds (default: the widest legs)"
    )
    parser.add_argument("--out-dir", default=str(shots.ROOT / "docs" / "screenshots"))
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    ok = shoot(Path(args.squats), out / "pose-overlay.png", "knee_left", args.dark, lowest=True)
    skater = Path(args.skater)
    lane = out / "angle-lane.png"
    ok = shoot(skater, lane, "leg_separation", args.dark, at_s=args.skater_at, zoom=0.9) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Does the player keep up at 1x with the skeleton drawn? Frames shown against frames due.

    python benchmarks/pose_playback.py [VIDEO] [--json PATH]

The video's frames are cached first (as the app's frame cache does while you watch), and the
real pose model measures the body at 5 fps as the analysis does (BlazePose from the
installation: scripts/install.sh). Then the player, offscreen, plays the whole video at 1x
twice, side by side in one run: with the pose overlay off and on. For each run: the frames due
(every frame from the first to the last), the frames shown, those never shown (dropped), and
how late each frame reached the screen after its due time (median, 90th percentile, worst).

Dropped frames depend on what else the machine runs; the drawing's own cost does not: `paint`
times, in the GUI thread's CPU time, the overlay set and the view painted (`grab`) on the same
frames with the overlay off and on.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from _report import machine_facts, machine_text, write_json

DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "media" / "juggle_720p24.mp4"


def pose_of(video: Path, info, step_s: float = 0.2):
    """The body at 5 fps, measured by the real pose model (a PoseInfo, everyone track 0)."""
    from judgeapp.app.pose_on_demand import FramePoser
    from judgeapp.core.athlete import PoseInfo, PosePerson

    poser = FramePoser()
    people = []
    for time_s in np.arange(0.0, info.duration_s, step_s):
        index = min(int(round(time_s * info.fps)), info.frames - 1)
        overlay = poser.overlay(video, info, index, None)
        for person in overlay.people if overlay is not None else ():
            people.append(
                PosePerson(overlay.time_s, index, 0, 0.9, 0, person.box, tuple(person.landmarks))
            )
    if not people:
        sys.exit("the pose model is not installed (scripts/install.sh) or found nobody")
    return PoseInfo("blazepose_full", tuple(people))


def play_once(app, player, overlay_on: bool) -> dict:
    """Play from frame 0 to the end at 1x; every frame reaching the screen, and when."""
    from PySide6.QtCore import QEventLoop, QTimer

    player.pose_check.setChecked(overlay_on)
    player.pause()
    player.seek(0)
    loop = QEventLoop()
    while player.current_index != 0:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    shown: list[tuple[int, float]] = []
    drawn_with_pose = [0]

    def on_frame(index: int, _time_s: float) -> None:
        shown.append((index, time.perf_counter()))
        if player.view.pose_overlay() is not None:
            drawn_with_pose[0] += 1

    player.positionChanged.connect(on_frame)
    started = time.perf_counter()
    player.play(1.0)
    while player.playing:
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    app.processEvents()
    player.positionChanged.disconnect(on_frame)
    fps, count = player.source.info.fps, player.frame_count
    first = {}
    for index, at in shown:
        first.setdefault(index, at)
    late_ms = np.array([(at - started - index / fps) * 1000 for index, at in first.items()])
    due = count - 1  # frame 0 was on screen before play
    shown_count = len([i for i in first if i > 0])
    return {
        "overlay": overlay_on,
        "frames_due": due,
        "frames_shown": shown_count,
        "dropped": due - shown_count,
        "shown_with_skeleton": drawn_with_pose[0],
        "late_ms": {
            "median": round(float(np.median(late_ms)), 1),
            "p90": round(float(np.percentile(late_ms, 90)), 1),
            "worst": round(float(late_ms.max()), 1),
        },
        "wall_s": round(time.perf_counter() - started, 2),
    }


def paint_cost(player, frames: int = 60) -> dict:
    """GUI-thread CPU milliseconds to set the overlay and paint the view, overlay off and on,
    on the same frames (every pose sample's frame, at most `frames`)."""
    view, pose = player.view, player.pose_frames
    times = pose.times[:frames]
    out = {}
    for on in (False, True):
        spent = []
        for time_s in times:
            start = time.thread_time()
            view.set_pose(pose.at(time_s) if on else None)
            view.grab()
            spent.append((time.thread_time() - start) * 1000)
        out["on" if on else "off"] = round(float(np.median(spent)), 2)
    view.set_pose(None)
    return {"median_cpu_ms": out, "frames": len(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.app.pose_view import PoseFrames
    from judgeapp.core.athlete import AthleteInfo
    from judgeapp.ui.player import Player
    from judgeapp.video import probe
    from judgeapp.video.frame_cache import FrameSource, fill_cache

    video = Path(args.video)
    app = QApplication.instance() or QApplication([])
    info = probe(video, with_hash=False)
    pose = pose_of(video, info)
    source = FrameSource(video, info)
    fill_cache(source.cache, video, info)
    player = Player()
    player.resize(1280, 760)
    player.show()
    player.set_source(source)
    player.set_pose_frames(PoseFrames(pose, AthleteInfo("track", 0, "auto", "benchmark")))
    runs = [play_once(app, player, on) for on in (False, True)]
    paint = paint_cost(player)
    player.shutdown()
    player.close()
    machine = machine_facts()
    report = {
        "video": video.name,
        "fps": info.fps,
        "size": f"{info.width}x{info.height}",
        "pose_samples": len({p.time_s for p in pose.people}),
        "platform": os.environ["QT_QPA_PLATFORM"],
        **machine,
        "runs": runs,
        "paint": paint,
    }
    for run in runs:
        late = run["late_ms"]
        print(
            f"overlay {'on ' if run['overlay'] else 'off'}: {run['frames_shown']} of "
            f"{run['frames_due']} frames shown ({run['dropped']} dropped, "
            f"{run['shown_with_skeleton']} with the skeleton), late median {late['median']} ms, "
            f"p90 {late['p90']} ms, worst {late['worst']} ms"
        )
    cost = paint["median_cpu_ms"]
    print(f"paint (overlay set + view painted, GUI thread CPU, median of {paint['frames']}): "
          f"off {cost['off']} ms, on {cost['on']} ms")  # fmt: skip
    print(f"{video.name} {report['size']} {info.fps:g} fps, {machine_text(machine)}")
    write_json(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

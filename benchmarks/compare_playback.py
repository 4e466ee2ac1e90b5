"""Two videos played linked in the comparison window: frames shown against frames due at 1x, how
long a linked step takes to reach the screen, and how long the GUI thread is ever kept busy.

    python benchmarks/compare_playback.py [VIDEO_A VIDEO_B] [--seconds 6] [--steps 48]
                                          [--warm] [--json PATH]

The window (offscreen, 1280x800) opens both videos with their sync points at 0, as a user does
(each side's frame cache starts filling in the background). `--warm` first waits until both
caches are full, as after watching a while; without it the figures are those of the first
minute, with both videos decoding into their caches on the same cores.

- Playback: the linked transport plays at 1x for `--seconds` from common time 0. For each side,
  the frames due are those whose time falls in the played stretch (each side at its own frame
  rate), the frames shown those that reached its player; how late each reached the screen after
  its due time.
- Steps: `--steps` linked frame steps (Right), each timed from the call until both players show
  the frames the transport asks for.
- GUI thread: a 5 ms timer on the GUI thread the whole time; its longest interval is the
  longest the GUI thread was kept from it (a frame paint, a decode hand-over, a step).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
DEFAULT_A = MEDIA / "juggle_720p24.mp4"
DEFAULT_B = MEDIA / "skater_axel_spiral_1080p30.mp4"


def _spin(app, until, limit_s: float = 60.0) -> bool:
    """Process events until `until()` holds (False when `limit_s` passed first)."""
    deadline = time.perf_counter() + limit_s
    while not until():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def _stats_ms(values_s: list[float]) -> dict:
    ms = np.asarray(values_s) * 1000.0
    if not len(ms):
        return {}
    return {
        "median": round(float(np.median(ms)), 1),
        "p90": round(float(np.percentile(ms, 90)), 1),
        "p99": round(float(np.percentile(ms, 99)), 1),
        "worst": round(float(ms.max()), 1),
    }


class GuiGaps:
    """A 5 ms timer on the GUI thread; the intervals between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.intervals_s: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.intervals_s.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.intervals_s.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> dict:
        self._timer.stop()
        return _stats_ms(self.intervals_s)


def play(app, window, seconds: float) -> dict:
    """Play linked at 1x for `seconds` of common time from 0; per side, frames due and shown."""
    window.seek(0.0)
    want = window.transport.frames()
    _spin(app, lambda: tuple(window.sides[w].player.current_index for w in "ab") == want)
    shown: dict[str, dict[int, float]] = {"a": {}, "b": {}}
    hooks = {}
    for which in "ab":

        def on_frame(index: int, _t: float, which: str = which) -> None:
            shown[which].setdefault(index, time.perf_counter())

        hooks[which] = on_frame
        window.sides[which].player.positionChanged.connect(on_frame)
    started = time.perf_counter()
    window.play(1.0)
    _spin(app, lambda: window.transport.t >= seconds, limit_s=seconds * 20)
    window.pause()
    played_s = window.transport.t
    app.processEvents()
    report = {"played_s": round(played_s, 2), "wall_s": round(time.perf_counter() - started, 2)}
    comparison = window.transport.comparison
    for which in "ab":
        window.sides[which].player.positionChanged.disconnect(hooks[which])
        side = comparison.side(which)
        first, last = side.index_at(0.0), side.index_at(min(played_s, side.end_s - 1e-6))
        due = range(first + 1, last + 1)  # the first frame was on screen before play
        late = [shown[which][i] - started - side.time_of(i) for i in due if i in shown[which]]
        report[which] = {
            "fps": side.fps,
            "frames_due": len(due),
            "frames_shown": sum(1 for i in due if i in shown[which]),
            "late_ms": _stats_ms(late),
        }
    return report


def steps(app, window, count: int) -> dict:
    """`count` linked steps from common time 0, each timed until both sides show its frames."""
    window.seek(0.0)
    want = window.transport.frames()
    _spin(app, lambda: tuple(window.sides[w].player.current_index for w in "ab") == want)
    took: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        window.step(1)
        want = window.transport.frames()
        _spin(app, lambda w=want: tuple(window.sides[s].player.current_index for s in "ab") == w)
        took.append(time.perf_counter() - start)
    return {"steps": count, "ms": _stats_ms(took)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", default=[str(DEFAULT_A), str(DEFAULT_B)])
    parser.add_argument("--seconds", type=float, default=6.0, help="common time played")
    parser.add_argument("--steps", type=int, default=48, help="linked steps timed")
    parser.add_argument("--warm", action="store_true", help="wait for both frame caches first")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    if len(args.videos) != 2:
        parser.error("give two videos (or none for the default pair)")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.compare_window import CompareWindow
    from judgeapp.video import probe

    app = QApplication.instance() or QApplication([])
    window = CompareWindow()
    window.resize(1280, 800)
    window.show()
    opened = time.perf_counter()
    for which, video in zip("ab", args.videos, strict=True):
        window.set_side(which, video)
    filled_s = None
    if args.warm:
        _spin(app, lambda: not any(window.sides[w].filler.busy for w in "ab"), limit_s=600)
        filled_s = round(time.perf_counter() - opened, 1)
    gaps = GuiGaps()
    gaps.start()
    playback = play(app, window, args.seconds)
    playback_gaps = gaps.stop()
    gaps.start()
    stepping = steps(app, window, args.steps)
    stepping_gaps = gaps.stop()
    window.shutdown()
    window.close()
    infos = [probe(v, with_hash=False) for v in args.videos]
    report = {
        "videos": [
            f"{Path(v).name} {i.width}x{i.height} {i.fps:g} fps"
            for v, i in zip(args.videos, infos, strict=True)
        ],
        "warm": args.warm,
        "caches_filled_after_s": filled_s,
        "platform": os.environ["QT_QPA_PLATFORM"],
        "cores": len(os.sched_getaffinity(0)),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "playback": playback,
        "playback_gui_gap_ms": playback_gaps,
        "stepping": stepping,
        "stepping_gui_gap_ms": stepping_gaps,
    }
    print(" against ".join(report["videos"]), "(warm caches)" if args.warm else "(caches filling)")
    for which in "ab":
        side = playback[which]
        late = side["late_ms"]
        print(
            f"  {which.upper()} at 1x: {side['frames_shown']} of {side['frames_due']} frames shown"
            f" in {playback['played_s']} s, late median {late.get('median')} ms, "
            f"p90 {late.get('p90')} ms"
        )
    print(
        f"  GUI thread while playing: longest gap {playback_gaps['worst']} ms, "
        f"p99 {playback_gaps['p99']} ms"
    )
    step_ms = stepping["ms"]
    print(
        f"  {stepping['steps']} linked steps: median {step_ms['median']} ms, p90 "
        f"{step_ms['p90']} ms, worst {step_ms['worst']} ms; GUI thread's longest gap "
        f"{stepping_gaps['worst']} ms"
    )
    print(f"  {report['cores']} cores, load average {report['load_average'][0]}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where the pose stages' CPU time goes: the analysis's pose work replayed in one thread, with
every network run counted and timed.

    python benchmarks/pose_stages.py [VIDEO] [--threads N] [--json PATH]

The video is decoded once, as the analysis samples it (5 fps pose frames and one-second frames,
shrunk for the pose model). Each one-second frame is searched with `find` (its `expect_person`
from the one-second frames before, as the "pose" stage does), every other 5 fps frame is
followed from the frame before with `follow`, and `find` runs where someone was lost (as the
"pose_follow" stage does; its `expect_person` from the people lost). Printed: the calls of
`find` and `follow`, the detector and landmark runs with their CPU milliseconds (this thread's
`time.thread_time`; the networks run with `--threads` OpenVINO threads, 1 as in the analysis,
whose inference runs in the calling thread), and the share of each in the whole.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from _report import machine_facts, machine_text, write_json

from judgeapp.analysis.decoding import shrink_for_pose
from judgeapp.detect.pose import INFERENCE_THREADS, BlazePose, someone_expected
from judgeapp.video import iter_samples, plan_sampling, probe
from judgeapp.weights import resolve

HERE = Path(__file__).resolve().parent
DEFAULT_VIDEO = HERE.parent.parent / "shared" / "media" / "room_people_139s.mp4"


class Counted:
    """A compiled network with each call's thread CPU time kept under `name`."""

    def __init__(self, network, name: str, times: dict[str, list[float]]) -> None:
        self.network, self.name, self.times = network, name, times

    def __call__(self, *args, **kwargs):
        start = time.thread_time()
        try:
            return self.network(*args, **kwargs)
        finally:
            self.times[self.name].append(time.thread_time() - start)


def counted(model: BlazePose, times: dict[str, list[float]]) -> BlazePose:
    """`model` with its two networks' runs timed into `times` ("detector", "landmarks")."""
    model._detector = Counted(model._detector, "detector", times)
    model._landmarks = Counted(model._landmarks, "landmarks", times)
    return model


class PoseReplay:
    """The analysis's two pose stages, one frame at a time in one thread."""

    def __init__(self, model: BlazePose, times: dict[str, list[float]]) -> None:
        self.model, self.times = model, times
        self.found_before: list[list] = [[], []]  # the two one-second frames before
        self.last_seen: list = []
        self.seen_before: list = []
        self.people: dict[int, list] = {}  # 5 fps frame index -> people

    def _timed(self, name: str, fn, *args, **kwargs):
        start = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self.times[name].append(time.thread_time() - start)

    def expected(self, last: list, before: list, width: int) -> bool:
        return someone_expected(last, before, width)

    def one_second(self, index: int, image) -> list:
        expected = self.expected(self.found_before[1], self.found_before[0], image.shape[1])
        people = self._timed("find 1 fps", self.model.find, image, expected)
        self.found_before = [self.found_before[1], people]
        self.seen_before, self.last_seen = self.last_seen, people
        self.people[index] = people
        return people

    def five_fps(self, index: int, image) -> list:
        if self.last_seen:
            people = self._timed("follow", self.model.follow, image, self.last_seen)
            if people is None:
                expected = self.expected(self.last_seen, self.seen_before, image.shape[1])
                people = self._timed("find after a loss", self.model.find, image, expected)
        else:
            people = []
        self.seen_before, self.last_seen = self.last_seen, people
        self.people[index] = people
        return people


def frames(video: Path):
    """(kind, index, image) in decoding order: kind "1 fps" for a one-second frame (also a
    5 fps one), "5 fps" for the others; images shrunk as the analysis shrinks them."""
    info = probe(video, with_hash=False)
    plan = plan_sampling(info.duration_s, pose=True, fps=info.fps)
    static_index: set[int] = set()
    pose_frames: dict[int, object] = {}
    for sample in iter_samples(video, info, plan):
        if sample.stream == "static":
            static_index.add(sample.frame.index)
            yield "1 fps", sample.frame.index, shrink_for_pose(sample.frame.image)[0]
        elif sample.stream == "pose":
            pose_frames[sample.frame.index] = sample.frame.image
        # A pose frame is followed once the one-second frame of the same index (if any) is in.
        for index in sorted(pose_frames):
            if index in static_index or index < sample.frame.index:
                image = pose_frames.pop(index)
                if index not in static_index:
                    yield "5 fps", index, shrink_for_pose(image)[0]
    for index in sorted(pose_frames):
        if index not in static_index:
            yield "5 fps", index, shrink_for_pose(pose_frames[index])[0]


def summary(times: dict[str, list[float]]) -> dict[str, dict]:
    return {
        name: {
            "calls": len(values),
            "cpu_s": round(sum(values), 3),
            "median_ms": round(1000 * statistics.median(values), 2) if values else 0.0,
        }
        for name, values in times.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--threads", type=int, default=INFERENCE_THREADS)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    detector_path = resolve("blazepose_detector")
    landmark_path = resolve("blazepose_landmark_full")
    times: dict[str, list[float]] = defaultdict(list)
    model = counted(BlazePose(detector_path, landmark_path, threads=args.threads), times)
    replay = PoseReplay(model, times)
    counts: dict[str, int] = defaultdict(int)
    for kind, index, image in frames(Path(args.video)):
        counts[kind] += 1
        if kind == "1 fps":
            replay.one_second(index, image)
        else:
            replay.five_fps(index, image)
    figures = summary(times)
    whole = sum(figures[k]["cpu_s"] for k in ("find 1 fps", "follow", "find after a loss")
                if k in figures)  # fmt: skip
    print(f"frames: {dict(counts)}")
    for name, row in figures.items():
        share = f"{100 * row['cpu_s'] / whole:5.1f} %" if whole else ""
        print(f"{name:18s} {row['calls']:5d} calls  {row['cpu_s']:7.2f} CPU s  "
              f"median {row['median_ms']:6.2f} ms  {share}")  # fmt: skip
    machine = machine_facts()
    print(f"{machine['cpu']}, pose model OpenVINO f32, {machine_text(machine)}")
    write_json({"frames": counts, "stages": figures, **machine}, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The pose of the exact frame on screen, on demand, for the player paused or stepped.

The analysis measures the body at 5 fps; the player shows every frame, and a paused frame
between two samples is drawn with the nearest sample's skeleton (up to 0.1 s away: in a flip,
a quarter turn). `FramePoser` runs the pose model on the frame itself: it follows the people
of the nearest sample (their landmarks place the landmark model's crop, as the analysis does
between detections, so each keeps their track and the athlete stays the athlete), and looks
at the whole frame where that fails. It is slow for the GUI thread (tens of milliseconds, a
first call also compiles the networks): the window runs it as a background job. No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from judgeapp.app.pose_view import PoseFrames, PoseOverlay, person_overlay
from judgeapp.core.athlete import PosePerson, rounded
from judgeapp.core.results import VideoInfo

# The sample whose people seed the search: this close to the frame (seconds).
SEED_REACH_S = 0.5

Finder = object  # a BlazePose: find(image, expect_person) and follow(image, previous)


def default_finder() -> Finder | None:
    """The installed pose model (verified files), or None where it is not installed."""
    from judgeapp.analysis import AnalysisOptions
    from judgeapp.analysis.backbone_pool import build_detector

    try:
        finder = build_detector(AnalysisOptions(detector="pose"), "cpu")
    except Exception:  # not installed, a file failing its check, no OpenVINO
        return None
    return finder if callable(getattr(finder, "follow", None)) else None


def needs_pose(frames: PoseFrames | None, index: int, playing: bool) -> bool:
    """Whether the frame `index` on screen should get a pose of its own: the player is paused,
    the result has poses, and none of its samples is this very frame."""
    return frames is not None and not playing and index >= 0 and not frames.sampled(index)


class FramePoser:
    """Runs the pose model on single frames of one video; thread-safe (one frame at a time).

    `finder_factory` gives the pose model (built on first use: compiling takes a second or
    two); by default the installed one.
    """

    def __init__(self, finder_factory: Callable[[], Finder | None] = default_finder) -> None:
        self._factory = finder_factory
        self._finder: Finder | None = None
        self._built = False
        self._lock = threading.Lock()

    def _get_finder(self) -> Finder | None:
        if not self._built:
            self._finder, self._built = self._factory(), True
        return self._finder

    def overlay(
        self,
        path: str | Path,
        info: VideoInfo,
        index: int,
        frames: PoseFrames | None,
    ) -> PoseOverlay | None:
        """Everyone in frame `index` of the video, as the overlay draws them, at the frame's
        own time; None where the pose model is not installed or finds nobody. The people of
        the sample nearest (within SEED_REACH_S) are followed, keeping their tracks; where that
        loses someone, the frame is searched as a whole and each person found takes the track
        of the seed whose box overlaps theirs most."""
        from judgeapp.analysis.decoding import shrink_for_pose
        from judgeapp.video.frame_cache import DirectReader

        with self._lock:
            finder = self._get_finder()
            if finder is None:
                return None
            reader = DirectReader(path, info, read_ahead_frames=0)
            try:
                time_s, image = reader.read(index)
            finally:
                reader.close()
            shrunk, scale = shrink_for_pose(image)
            seeds = frames.at(time_s, SEED_REACH_S) if frames is not None else None
            seed_people = list(seeds.people) if seeds is not None else []
            found = None
            if seed_people:
                found = finder.follow(shrunk, [_as_person_pose(p, 1 / scale) for p in seed_people])
            if found is None:
                found = finder.find(shrunk, expect_person=bool(seed_people))
        if not found:
            return None
        largest_rule = frames is None or frames.athlete_track is None
        largest = max(found, key=lambda p: p.box.area)
        drawn = []
        for person in found:
            seed = _best_seed(person, scale, seed_people)
            athlete = seed.athlete if seed is not None else largest_rule and person is largest
            drawn.append(person_overlay(_pose_person(person, scale, time_s, index, seed), athlete))
        drawn.sort(key=lambda p: p.athlete)  # the athlete last: drawn on top
        return PoseOverlay(time_s, tuple(drawn))


def _as_person_pose(person, factor: float):
    """A drawn person (frame pixels) as the pose model's PersonPose in the shrunk image."""
    from judgeapp.detect.boxes import Box
    from judgeapp.detect.pose import PersonPose

    landmarks = np.asarray(person.landmarks, dtype=np.float32).reshape(-1, 3).copy()
    landmarks[:, :2] *= factor
    box = Box(*(float(v) * factor for v in person.box), 1.0)
    return PersonPose(box, landmarks, 1.0, 0)


def _best_seed(found, scale: float, seeds):
    """The seed person whose box overlaps `found`'s (scaled to frame pixels) most, if any."""
    from judgeapp.detect.boxes import Box, iou

    box = Box(*(float(v) * scale for v in found.box.xyxy), 1.0)
    best, best_iou = None, 0.0
    for seed in seeds:
        overlap = iou(box, Box(*seed.box, 1.0))
        if overlap > best_iou:
            best, best_iou = seed, overlap
    return best


def _pose_person(found, scale: float, time_s: float, index: int, seed) -> PosePerson:
    """The pose model's person (shrunk image) as a PosePerson in frame pixels."""
    points = np.asarray(found.landmarks, dtype=np.float64)
    return PosePerson(
        time_s=rounded(time_s, 4),
        frame=index,
        track=seed.track if seed is not None else -1,
        score=rounded(found.score, 4),
        rotation_deg=int(found.rotation_deg),
        box=tuple(rounded(float(v) * scale, 1) for v in found.box.xyxy),
        landmarks=tuple(
            (rounded(x * scale, 1), rounded(y * scale, 1), rounded(v, 3)) for x, y, v in points
        ),
    )

"""The pose of the exact frame on screen (app/pose_on_demand.py), with the real pose model on a
real clip: the people of the nearest 5 fps sample are followed into the frame, keeping their
track and the athlete; nothing is asked where the result measured that very frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from weights_helpers import blazepose_dir  # noqa: F401  (fixture)

from judgeapp.app.pose_on_demand import FramePoser, needs_pose
from judgeapp.app.pose_view import PoseFrames
from judgeapp.core.athlete import AthleteInfo, PoseInfo, PosePerson
from judgeapp.detect.pose import BlazePose
from judgeapp.video import probe

CLIP = "juggle_720p24.mp4"  # 1280x720, 24 fps: 4 of every 5 frames fall between 5 fps samples


@pytest.fixture(scope="module")
def finder(blazepose_dir):  # noqa: F811
    return BlazePose(
        blazepose_dir / "pose_detection.tflite", blazepose_dir / "pose_landmark_full.tflite"
    )


def _sample(finder, path: Path, info, index: int, track: int) -> PosePerson:
    """The analysis's view of frame `index`: its person, as a result records them."""
    poser = FramePoser(lambda: finder)
    overlay = poser.overlay(path, info, index, None)
    assert overlay is not None and len(overlay.people) == 1
    person = overlay.people[0]
    return PosePerson(
        overlay.time_s, index, track, 0.9, 0, person.box, tuple(person.landmarks)
    )


def test_a_paused_frame_between_samples_gets_its_own_pose_keeping_the_track(
    finder, media_dir
):
    path = media_dir / CLIP
    info = probe(path, with_hash=False)
    sample = _sample(finder, path, info, 48, track=3)  # 2.0 s: a 5 fps sample
    pose = PoseInfo("blazepose_full", (sample,))
    frames = PoseFrames(pose, AthleteInfo("track", 3, "auto", "the only person"))
    assert frames.sampled(48) and not frames.sampled(50)
    assert not needs_pose(frames, 48, playing=False)  # the analysis measured this frame
    assert needs_pose(frames, 50, playing=False)
    assert not needs_pose(frames, 50, playing=True)  # playing: the samples are drawn
    assert not needs_pose(None, 50, playing=False)

    built = []
    poser = FramePoser(lambda: built.append(1) or finder)
    overlay = poser.overlay(path, info, 50, frames)
    assert overlay is not None and overlay.time_s == pytest.approx(50 / 24, abs=0.02)
    (athlete,) = overlay.people
    assert athlete.athlete and athlete.track == 3 and len(athlete.lines) >= 10
    # The body moved between the frames (he keeps a ball up): not the sample's points again.
    moved = np.abs(np.subtract(athlete.landmarks, sample.landmarks)[:, :2]).max()
    assert moved > 1.0
    x1, y1, x2, y2 = athlete.box
    assert 0 <= x1 < x2 <= info.width and 0 <= y1 < y2 <= info.height
    # The same as the analysis would see there, within a few pixels (the crop is placed from
    # the sample, not found by the detector).
    direct = _sample(finder, path, info, 50, track=3)
    hips = np.asarray(athlete.landmarks)[23:25, :2] - np.asarray(direct.landmarks)[23:25, :2]
    assert np.abs(hips).max() < 0.05 * (y2 - y1)
    poser.overlay(path, info, 52, frames)
    assert built == [1]  # the networks are built once


def test_without_the_pose_model_nothing_is_drawn(media_dir):
    path = media_dir / CLIP
    info = probe(path, with_hash=False)
    assert FramePoser(lambda: None).overlay(path, info, 50, None) is None

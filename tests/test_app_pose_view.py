"""app.pose_view without Qt: which pose the overlay draws at a time, what a click hits, the
score panel's athlete row, the angle lane, peaks, angles at a moment, the manual angle tool.

`pose_result` builds the hand-made result the GUI tests (tests/test_ui_pose*.py) use too.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.app.pose_view import (
    MIN_VISIBILITY,
    ManualAngle,
    PoseFrames,
    angle_choices,
    angle_lane,
    angles_at,
    angles_text,
    athlete_text,
    chosen_by_user,
    follow_at,
    peak_after,
    peak_before,
    person_overlay,
    pose_not_used_warning,
    snap_point,
)
from judgeapp.app.score_view import score_view
from judgeapp.core.athlete import AngleTrace, AthleteInfo, PoseInfo, PosePerson, TrackSummary
from judgeapp.core.posture import LEFT_KNEE, NUM_LANDMARKS, SKELETON_EDGES, amplitude_peaks
from judgeapp.core.results import AnalysisResult, VideoInfo

STEP_S = 0.2
SAMPLES = 21  # 0.0 .. 4.0 s at 5 fps
ATHLETE_BOX = (100.0, 50.0, 300.0, 450.0)
OTHER_BOX = (400.0, 100.0, 500.0, 300.0)
HIDDEN_KNEE_AT = 0.4  # the athlete's left knee is not seen then
# The athlete's leg separation: two peaks (1.0 s: 150°, 3.0 s: 170°) and a gap at 1.8-2.0 s.
LEG_SEPARATION = [60, 80, 100, 120, 140, 150, 130, 110, 100, None, None] + [
    90,
    100,
    120,
    140,
    170,
    140,
    120,
    100,
    90,
    80,
]
PEAKS = [(1.0, 150.0), (3.0, 170.0)]
KNEE = [170.0 - 2 * i for i in range(SAMPLES)]


def body(box, visibility: float = 0.95, hidden: tuple[int, ...] = ()):
    """33 landmarks spread over a box, each at its own place (index i at a distinct point)."""
    x1, y1, x2, y2 = box
    points = []
    for i in range(NUM_LANDMARKS):
        x = x1 + (x2 - x1) * (0.1 + 0.8 * ((i * 7) % NUM_LANDMARKS) / NUM_LANDMARKS)
        y = y1 + (y2 - y1) * (0.05 + 0.9 * i / NUM_LANDMARKS)
        points.append((round(x, 1), round(y, 1), 0.2 if i in hidden else visibility))
    return tuple(points)


def pose_info(times=None) -> PoseInfo:
    """The athlete (track 1) and another person (track 2) at every 5 fps sample."""
    times = [round(i * STEP_S, 6) for i in range(SAMPLES)] if times is None else times
    people = []
    for i, t in enumerate(times):
        hidden = (LEFT_KNEE,) if abs(t - HIDDEN_KNEE_AT) < 1e-6 else ()
        other = PosePerson(t, 5 * i, 2, 0.8, 0, OTHER_BOX, body(OTHER_BOX))
        athlete = PosePerson(t, 5 * i, 1, 0.9, 0, ATHLETE_BOX, body(ATHLETE_BOX, hidden=hidden))
        people += [other, athlete]
    angles = {
        "leg_separation": AngleTrace(
            tuple(None if d is None else float(d) for d in LEG_SEPARATION),
            tuple(0.0 if d is None else 0.9 for d in LEG_SEPARATION),
        ),
        "knee_left": AngleTrace(tuple(KNEE), (0.9,) * SAMPLES),
        "elbow_left": AngleTrace((None,) * SAMPLES, (0.1,) * SAMPLES),  # never measured
    }
    return PoseInfo("blazepose_full", tuple(people), tuple(times), angles)


def athlete_info(track: int | None = 1, chosen_by: str = "auto", reason: str = "") -> AthleteInfo:
    rule = "track" if track is not None else "largest"
    reason = reason or ("seen longest" if track is not None else "the paper's rule: largest")
    tracks = (TrackSummary(1, 0.0, 4.0, 21, 0.9), TrackSummary(2, 0.0, 4.0, 21, 0.4))
    return AthleteInfo(rule, track, chosen_by, reason, tracks)


def pose_result(info: VideoInfo | None = None, **athlete) -> AnalysisResult:
    """A result of `info` (default: a 4 s stand-in) with the hand-made pose and athlete."""
    info = info or fake_video_info("ribbon.mp4", duration_s=4.0)
    result = make_result(info)
    return dataclasses.replace(result, athlete=athlete_info(**athlete), pose=pose_info())


def test_the_overlay_draws_the_pose_nearest_the_time_within_tolerance() -> None:
    frames = PoseFrames.of_result(pose_result())
    assert len(frames) == SAMPLES
    assert frames.at(0.61).time_s == pytest.approx(0.6)
    assert frames.at(0.72).time_s == pytest.approx(0.8)  # nearer to 0.8 than to 0.6
    assert frames.at(4.0 + 0.14).time_s == pytest.approx(4.0)
    assert frames.at(4.0 + 0.16) is None  # past the last sample by more than 0.15 s
    gap = PoseFrames(pose_info(times=[0.0, 1.0]), athlete_info())
    assert gap.at(0.5) is None and gap.at(0.86).time_s == 1.0


def test_the_athlete_is_marked_and_drawn_last_the_others_grey() -> None:
    overlay = PoseFrames.of_result(pose_result()).at(1.0)
    assert [p.track for p in overlay.people] == [2, 1] and overlay.people[-1].athlete
    assert overlay.athlete.box == ATHLETE_BOX and [p.track for p in overlay.others] == [2]
    # The paper's rule follows no track: the largest person of each sample is the athlete.
    largest = PoseFrames.of_result(pose_result(track=None)).at(1.0)
    assert largest.athlete.track == 1 and largest.athlete.box == ATHLETE_BOX
    assert PoseFrames.of_result(dataclasses.replace(pose_result(), pose=None)) is None


def test_landmarks_not_seen_are_not_drawn() -> None:
    frames = PoseFrames.of_result(pose_result())
    full = frames.at(1.0).athlete
    assert len(full.lines) == len(SKELETON_EDGES)
    hidden = frames.at(HIDDEN_KNEE_AT).athlete
    knee = body(ATHLETE_BOX)[LEFT_KNEE][:2]
    touching = [e for e in SKELETON_EDGES if LEFT_KNEE in e]
    assert len(hidden.lines) == len(SKELETON_EDGES) - len(touching)
    assert all(knee not in ((x1, y1), (x2, y2)) for x1, y1, x2, y2 in hidden.lines)
    assert knee not in hidden.joints and knee in full.joints
    # The threshold is the visibility itself: 0.5 is seen, just below is not.
    person = pose_info().people[1]
    marks = list(person.landmarks)
    marks[LEFT_KNEE] = (*marks[LEFT_KNEE][:2], MIN_VISIBILITY)
    seen = person_overlay(dataclasses.replace(person, landmarks=tuple(marks)), True)
    marks[LEFT_KNEE] = (*marks[LEFT_KNEE][:2], MIN_VISIBILITY - 1e-3)
    unseen = person_overlay(dataclasses.replace(person, landmarks=tuple(marks)), True)
    assert len(seen.lines) == len(SKELETON_EDGES)
    assert len(unseen.lines) == len(SKELETON_EDGES) - len(touching)


def test_a_click_on_a_box_asks_to_follow_that_person_at_the_sample_time() -> None:
    frames = PoseFrames.of_result(pose_result())
    request = follow_at(frames, 1.07, 450.0, 200.0)  # the other person, shown from 1.0 s
    assert request.follow == (pytest.approx(1.0), 450.0, 200.0) and request.person.track == 2
    assert follow_at(frames, 1.07, 200.0, 200.0) is None  # the athlete followed already
    assert follow_at(frames, 1.07, 700.0, 20.0) is None  # nobody there
    anywhere = follow_at(frames, 1.07, 700.0, 20.0, anywhere=True)  # the context menu
    assert anywhere.follow == (1.07, 700.0, 20.0) and anywhere.person is None
    assert follow_at(None, 1.0, 450.0, 200.0) is None  # no pose data: nothing to hit
    # Under the paper's rule nobody is followed, so clicking the largest person follows them.
    largest = PoseFrames.of_result(pose_result(track=None))
    assert follow_at(largest, 1.0, 200.0, 200.0).person.track == 1


def test_overlapping_boxes_the_smallest_is_hit() -> None:
    info = pose_info()
    inner = (150.0, 100.0, 200.0, 200.0)  # inside the athlete's box
    people = (*info.people, PosePerson(1.0, 5, 3, 0.7, 0, inner, body(inner)))
    frames = PoseFrames(dataclasses.replace(info, people=people), athlete_info())
    assert frames.person_at(1.0, 170.0, 150.0).track == 3
    assert frames.person_at(1.0, 120.0, 400.0).track == 1


def test_the_angle_tool_snaps_to_a_drawn_landmark_within_the_radius() -> None:
    frames = PoseFrames.of_result(pose_result())
    knee = body(ATHLETE_BOX)[LEFT_KNEE][:2]
    assert snap_point(frames, 1.0, knee[0] + 5, knee[1] - 5, 12.0) == (knee, True)
    away = (knee[0] + 30.0, knee[1] + 30.0)
    nearest = min((math.dist(away, j), j) for p in frames.at(1.0).people for j in p.joints)
    if nearest[0] > 12.0:
        assert snap_point(frames, 1.0, *away, 12.0) == (away, False)
    # The knee is not seen at HIDDEN_KNEE_AT: no snapping to it.
    point, snapped = snap_point(frames, HIDDEN_KNEE_AT, *knee, 2.0)
    assert (point, snapped) == (knee, False)


def test_manual_angle_reading_and_restart() -> None:
    angle = ManualAngle().add((0.0, 0.0)).add((10.0, 0.0), snapped=True)
    assert angle.degrees is None and "1 more point" in angle.text()
    angle = angle.add((10.0, 10.0))
    assert angle.complete and angle.degrees == pytest.approx(90.0)
    assert angle.text() == "Angle: 90.0°" and angle.snapped == (False, True, False)
    assert angle.add((1.0, 1.0)).points == ((1.0, 1.0),)  # a fourth click starts again
    same = ManualAngle().add((1.0, 1.0)).add((1.0, 1.0)).add((5.0, 5.0))
    assert same.degrees is None and "coincide" in same.text()


def test_the_score_panel_says_who_was_followed() -> None:
    auto = pose_result()
    assert athlete_text(auto) == "followed automatically (seen longest), track 1"
    user = pose_result(chosen_by="user", reason="chosen by the user at 12.3 s", track=2)
    assert athlete_text(user) == "chosen by you at 12.3 s, track 2"
    assert chosen_by_user(user) and not chosen_by_user(auto) and not chosen_by_user(None)
    paper = pose_result(track=None, reason="the paper's rule: the largest person in each frame")
    assert athlete_text(paper) == "the largest person in each frame (the paper's rule)"
    fallback = pose_result(track=None, reason="no track to follow")
    assert athlete_text(fallback) == "the largest person in each frame (no track to follow)"
    why = "the largest person in each frame: a finder without the pose model sees people..."
    assert athlete_text(pose_result(track=None, reason=why)) == why
    assert athlete_text(dataclasses.replace(auto, athlete=None)) is None
    rows = dict(score_view(user).rows)
    assert rows["Athlete"] == "chosen by you at 12.3 s, track 2"
    assert "Athlete" not in dict(score_view(dataclasses.replace(auto, athlete=None)).rows)


def test_the_pose_model_notice_is_found_in_the_warnings() -> None:
    warning = "the pose model was not used (file missing); the athlete was found with HOG"
    result = dataclasses.replace(pose_result(), warnings=["other", warning])
    assert pose_not_used_warning(result) == warning
    assert pose_not_used_warning(pose_result()) is None


def test_the_angle_lane_has_gaps_where_not_measured_and_the_peaks() -> None:
    result = pose_result()
    assert angle_choices(result) == [
        ("leg_separation", "Leg separation"),
        ("knee_left", "Left knee"),
    ]
    lane = angle_lane(result, "leg_separation")
    assert lane.label == "Leg separation" and lane.reference_deg == 180.0
    assert len(lane.degrees) == SAMPLES and lane.measured == SAMPLES - 2
    assert [math.isnan(d) for d in lane.degrees] == [d is None for d in LEG_SEPARATION]
    assert [tuple(p) for p in lane.peaks] == [pytest.approx(p) for p in PEAKS]
    assert amplitude_peaks(lane.times_s, lane.degrees) == [pytest.approx(p) for p in PEAKS]
    assert angle_lane(result, "leg_separation", 170).reference_deg == 170.0
    assert angle_lane(result, "trunk_inclination") is None
    assert angle_lane(dataclasses.replace(result, pose=None), "leg_separation") is None


def test_next_and_previous_peak() -> None:
    result = pose_result()
    assert peak_after(result, "leg_separation", 0.0) == pytest.approx(PEAKS[0])
    assert peak_after(result, "leg_separation", 1.0) == pytest.approx(PEAKS[1])
    assert peak_after(result, "leg_separation", 3.0) is None
    assert peak_before(result, "leg_separation", 4.0) == pytest.approx(PEAKS[1])
    assert peak_before(result, "leg_separation", 3.0) == pytest.approx(PEAKS[0])
    assert peak_before(result, "leg_separation", 1.0) is None
    assert peak_after(result, "knee_left", 0.0) is None  # a steady fall has no peak


def test_angles_measured_nearest_a_moment() -> None:
    result = pose_result()
    readings = angles_at(result, 2.99)
    assert readings == [("Leg separation", 170.0), ("Left knee", pytest.approx(140.0))]
    assert angles_text(readings) == "Leg separation 170°, Left knee 140°"
    assert angles_at(result, 1.82) == [("Left knee", pytest.approx(152.0))]  # in the gap
    assert angles_at(result, 4.5) == []  # no sample within 0.3 s
    assert angles_at(dataclasses.replace(result, pose=None), 1.0) == []


def test_marks_say_the_athletes_angles_at_their_moment() -> None:
    from judgeapp.app.marks_view import mark_angles, mark_rows, mark_tooltip
    from judgeapp.core.marks import Mark

    result = pose_result()
    marks = [Mark(7, "ab", 3.0, "deduction", "leg bent", 0.3), Mark(8, "ab", 9.0, "comment", "")]
    rows = mark_rows(marks, lambda t: round(t * 25), result)
    assert rows[0].angles == "Athlete: Leg separation 170°, Left knee 140°"
    assert rows[1].angles == ""  # no pose sample within 0.3 s
    assert [r.angles for r in mark_rows(marks, lambda t: 0)] == ["", ""]  # no result
    tip = mark_tooltip(marks[0], 75, mark_angles(result, 3.0))
    assert tip.splitlines() == [
        "#7 deduction -0.3 at 0:03.0, frame 75",
        "leg bent",
        "Athlete: Leg separation 170°, Left knee 140°",
    ]

"""Choosing the athlete among the people found, and measuring their body.

The extraction embeds every person it finds in the 1 fps frames (a few per frame) and keeps the
pose model's people of the 5 fps frames (`VideoFeatures.people`). Here they are linked over time
into tracks (detect/tracking.py), one track is the athlete (the automatic choice, or the one the
user clicked), and the static stream becomes that track's rows; so changing the athlete costs no
network run. The paper's rule (the largest box in each frame, independently) stays available.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from judgeapp.core.athlete import (
    AngleTrace,
    AthleteInfo,
    PoseInfo,
    PosePerson,
    TrackSummary,
    athlete_of,
    rounded,
)
from judgeapp.core.posture import ANGLE_NAMES, angle_series
from judgeapp.detect import Box
from judgeapp.detect.tracking import (
    Detection,
    athlete_per_frame,
    choose_athlete,
    join_tracks,
    link_tracks,
    track_at,
)
from judgeapp.features.video_features import PeopleFound, VideoFeatures

ATHLETE_RULES = ("track", "largest")
POSE_MODEL = "blazepose_full"


@dataclass(frozen=True)
class Follow:
    """The user's "follow this one": a point (frame pixels) on a person at a moment."""

    time_s: float
    x: float
    y: float


@dataclass(frozen=True)
class _Observation:
    """Where one detection of the merged timeline came from: a candidate row or a pose row."""

    kind: str  # "cand" or "pose"
    row: int


@dataclass
class AthleteSelection:
    """The features with the athlete's static rows, and what the result says about it."""

    features: VideoFeatures
    athlete: AthleteInfo | None
    pose: PoseInfo | None
    warnings: list[str]


def _timeline(people: PeopleFound):
    """Candidates (1 fps) and poses (5 fps) merged into time-ordered frames for tracking, and
    for each detection where it came from."""
    groups: dict[tuple[float, int, str], list[_Observation]] = {}
    for row, (t, f) in enumerate(zip(people.cand_time_s, people.cand_frame, strict=True)):
        groups.setdefault((float(t), int(f), "cand"), []).append(_Observation("cand", row))
    for row, (t, f) in enumerate(zip(people.pose_time_s, people.pose_frame, strict=True)):
        groups.setdefault((float(t), int(f), "pose"), []).append(_Observation("pose", row))
    frames, sources = [], []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        observations = groups[key]
        detections = [_detection(people, obs) for obs in observations]
        frames.append((key[0], detections))
        sources.append(observations)
    return frames, sources


def _detection(people: PeopleFound, obs: _Observation) -> Detection:
    if obs.kind == "cand":
        box, score, landmarks = people.cand_box[obs.row], people.cand_score[obs.row], None
    else:
        box, score = people.pose_box[obs.row], people.pose_score[obs.row]
        landmarks = people.pose_landmarks[obs.row]
    return Detection(Box(*(float(v) for v in box), float(score)), landmarks)


def select_athlete(
    features: VideoFeatures,
    width: int,
    height: int,
    rule: str = "track",
    follow: Follow | None = None,
) -> AthleteSelection:
    """The athlete under `rule` ("track": the followed person, `follow` choosing which;
    "largest": the largest box in each frame), with the pose data and angles.

    Features without people (a cache entry from before, whole frames, the vst profile) pass
    through unchanged.
    """
    if rule not in ATHLETE_RULES:
        raise ValueError(f"unknown athlete rule {rule!r}; choose one of {', '.join(ATHLETE_RULES)}")
    people = features.people
    if people is None or features.static_whole_frames or not len(people.cand_time_s):
        return AthleteSelection(features, None, None, [])
    if rule == "track" and not len(people.pose_time_s):
        # Boxes once a second are too far apart to follow one person through a flip or a
        # crowd (measured: HOG's athlete track kept 6 of squats' 13 frames): the paper's rule.
        rule = "largest"
    frames, sources = _timeline(people)
    tracks = join_tracks(link_tracks(frames, width, height), width, height)
    warnings: list[str] = []
    chosen = None
    chosen_by, reason = "auto", ""
    if follow is not None:
        chosen = track_at(tracks, frames, follow.time_s, follow.x, follow.y)
        if chosen is None:
            warnings.append(
                f"nobody was found at the point clicked at {follow.time_s:.1f} s: the "
                "automatically chosen athlete was kept"
            )
        else:
            chosen_by, reason = "user", f"chosen by the user at {follow.time_s:.1f} s"
    choice = choose_athlete(tracks, frames, width, height)
    if chosen is None:
        chosen, reason = choice.track_id, choice.reason
    scores = {s.track_id: float(s.score) for s in choice.scores}
    per_frame = athlete_per_frame(tracks, chosen, frames) if chosen is not None else []
    pose_track = _pose_tracks(tracks, sources, people)
    summaries = tuple(
        TrackSummary(
            t.id,
            rounded(t.start_s, 4),
            rounded(t.end_s, 4),
            int(t.count),
            rounded(scores.get(t.id, 0.0), 4),
        )
        for t in tracks
    )
    if rule == "largest":
        why = (
            "the paper's rule: the largest person in each frame"
            if people.pose_time_s.size
            else "the largest person in each frame: a finder without the pose model sees "
            "people once a second, too seldom to follow one"
        )
        info = AthleteInfo("largest", None, "auto", why, summaries)
        out = features
    else:
        rows = [
            sources[i][k].row
            for i, k in enumerate(per_frame)
            if k is not None and sources[i][k].kind == "cand"
        ]
        if not rows:
            warnings.append(
                "the athlete's track has no one-second frame: the static stream used the "
                "largest person in each frame"
            )
            info = AthleteInfo("largest", None, "auto", "no track to follow", summaries)
            out = features
        else:
            index = np.asarray(rows, dtype=np.int64)
            out = replace(
                features,
                static=people.cand_static[index],
                static_time_s=people.cand_time_s[index],
                static_frame=people.cand_frame[index],
                static_box=people.cand_box[index].reshape(-1, 4),
            )
            point = None if chosen_by == "auto" else (follow.time_s, follow.x, follow.y)
            info = AthleteInfo("track", chosen, chosen_by, reason, summaries, point)
    return AthleteSelection(out, info, _pose_info(people, pose_track, info.track), warnings)


def _pose_tracks(tracks, sources, people: PeopleFound) -> np.ndarray:
    """The track id of every pose row (-1: in no track)."""
    pose = np.full(len(people.pose_time_s), -1, dtype=np.int64)
    for track in tracks:
        for position, index in zip(track.frame_indices, track.detection_indices, strict=True):
            obs = sources[position][index]
            if obs.kind == "pose":
                pose[obs.row] = track.id
    return pose


def _pose_info(people: PeopleFound, pose_track: np.ndarray, track: int | None) -> PoseInfo | None:
    """Every pose with its track, and the athlete's angles over time (smoothed): the person of
    each sample that `athlete_of` says is the athlete (the followed track's, or with no track the
    largest), as the player and the reports draw them."""
    if not len(people.pose_time_s):
        return None
    persons = tuple(
        PosePerson(
            time_s=rounded(people.pose_time_s[i], 4),
            frame=int(people.pose_frame[i]),
            track=int(pose_track[i]),
            score=rounded(people.pose_score[i], 4),
            rotation_deg=int(people.pose_rotation[i]),
            box=tuple(rounded(v, 1) for v in people.pose_box[i]),
            landmarks=tuple(
                (rounded(x, 1), rounded(y, 1), rounded(v, 3))
                for x, y, v in people.pose_landmarks[i]
            ),
        )
        for i in range(len(people.pose_time_s))
    )
    samples: dict[float, list[int]] = {}
    for row, person in enumerate(persons):
        samples.setdefault(person.time_s, []).append(row)
    order = []
    for time_s in sorted(samples):
        rows = samples[time_s]
        chosen = athlete_of([persons[r] for r in rows], track)
        order += [r for r in rows if persons[r] is chosen]
    if not order:
        return PoseInfo(POSE_MODEL, persons)
    series = angle_series(people.pose_landmarks[order], people.pose_time_s[order])
    angles = {
        name: AngleTrace(
            degrees=tuple(None if np.isnan(d) else rounded(d, 2) for d in series.degrees[name]),
            visibility=tuple(rounded(v, 3) for v in series.visibility[name]),
        )
        for name in ANGLE_NAMES
    }
    return PoseInfo(POSE_MODEL, persons, tuple(rounded(t, 4) for t in series.times_s), angles)

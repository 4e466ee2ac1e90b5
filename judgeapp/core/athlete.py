"""The athlete the analysis followed and the body it measured: the result's `athlete` and `pose`
sections (schema `judgeapp.analysis/3`), and their checked JSON form.

- `AthleteInfo`: which rule chose the athlete ("track": one person followed over time;
  "largest": the paper's largest box in each frame), which track, who chose it (the automatic
  choice or the user's click) and why, with a summary of every track seen.
- `PoseInfo`: every person the pose model found in the 5 fps frames (box, 33 landmarks with
  visibility, the rotation that found them, their track) and the athlete's joint angles over
  time, smoothed, None where a joint was not visible (never invented).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

RULES = ("track", "largest")
CHOOSERS = ("auto", "user")
LANDMARK_COUNT = 33


@dataclass(frozen=True)
class TrackSummary:
    """One person followed over time: id, first and last time seen, how often, and the
    athlete-likeness score the automatic choice gave it."""

    id: int
    start_s: float
    end_s: float
    observations: int
    score: float


@dataclass(frozen=True)
class AthleteInfo:
    """How the athlete was chosen; `track` is None for the largest-box rule. `follow` is the
    user's click (time_s, x, y in frame pixels) where the user chose the athlete, kept so that
    the choice is applied again when the video is reopened; None for the automatic choice."""

    rule: str
    track: int | None
    chosen_by: str
    reason: str
    tracks: tuple[TrackSummary, ...] = ()
    follow: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class PosePerson:
    """One person in one 5 fps frame: landmarks are 33 (x, y, visibility) in frame pixels;
    `track` is -1 where the person belongs to no track."""

    time_s: float
    frame: int
    track: int
    score: float
    rotation_deg: int
    box: tuple[float, float, float, float]
    landmarks: tuple[tuple[float, float, float], ...]


@dataclass(frozen=True)
class AngleTrace:
    """One joint angle of the athlete over time (aligned with `PoseInfo.angle_time_s`):
    degrees None where not measured; visibility the least visible landmark it used."""

    degrees: tuple[float | None, ...]
    visibility: tuple[float, ...]


@dataclass(frozen=True)
class PoseInfo:
    """What the pose model saw: every person at 5 fps, and the athlete's angles."""

    model: str
    people: tuple[PosePerson, ...]
    angle_time_s: tuple[float, ...] = ()
    angles: dict[str, AngleTrace] = field(default_factory=dict)

    def athlete_people(self, track: int | None) -> tuple[PosePerson, ...]:
        """The poses of one track, in time order."""
        return tuple(p for p in self.people if track is not None and p.track == track)


def nearest_index(times: Sequence[float], time_s: float, reach_s: float) -> int | None:
    """The index of the time in sorted `times` nearest `time_s` (the earlier of two as near),
    if it is within `reach_s`; None otherwise. The player, the annotated video and the marks
    all ask "which pose sample is this moment" this way."""
    i = bisect.bisect_left(times, time_s)
    near = [j for j in (i - 1, i) if 0 <= j < len(times)]
    if not near:
        return None
    best = min(near, key=lambda j: abs(times[j] - time_s))
    return best if abs(times[best] - time_s) <= reach_s + 1e-9 else None


def box_area(box: Sequence[float]) -> float:
    """The area of an (x1, y1, x2, y2) box in square pixels (0 when empty)."""
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def athlete_of(people: Sequence[PosePerson], track: int | None) -> PosePerson | None:
    """The athlete among one sample's people: the followed track's person, or with no track
    (the paper's largest-box rule) the largest person."""
    if track is not None:
        return next((p for p in people if p.track == track), None)
    return max(people, key=lambda p: box_area(p.box), default=None)


def rounded(value: float, digits: int) -> float:
    """Values are rounded where they are made (pixels to 0.1, degrees to 0.01, shares to
    0.001), so that a result read back from its JSON equals the one written."""
    return round(float(value), digits)


def athlete_to_dict(info: AthleteInfo) -> dict[str, Any]:
    return {
        "rule": info.rule,
        "track": info.track,
        "chosen_by": info.chosen_by,
        "reason": info.reason,
        "tracks": [
            {
                "id": t.id,
                "start_s": t.start_s,
                "end_s": t.end_s,
                "observations": t.observations,
                "score": t.score,
            }
            for t in info.tracks
        ],
        "follow": None if info.follow is None else list(info.follow),
    }


def pose_to_dict(info: PoseInfo) -> dict[str, Any]:
    return {
        "model": info.model,
        "people": [
            {
                "time_s": p.time_s,
                "frame": p.frame,
                "track": p.track,
                "score": p.score,
                "rotation_deg": p.rotation_deg,
                "box": list(p.box),
                "landmarks": [list(point) for point in p.landmarks],
            }
            for p in info.people
        ],
        "angles": {
            "time_s": list(info.angle_time_s),
            "series": {
                name: {
                    "degrees": list(series.degrees),
                    "visibility": list(series.visibility),
                }
                for name, series in info.angles.items()
            },
        },
    }


def _object(data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be a JSON object")
    return data


def _get(data: dict, key: str, where: str) -> Any:
    if key not in data:
        raise ValueError(f"{where}.{key} is missing")
    return data[key]


def _num(value: Any, name: str, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    number = float(value)
    if not math.isfinite(number) or (low is not None and number < low):
        raise ValueError(f"{name} is out of range ({number:g})")
    return number


def _int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}")
    return value


def _list(value: Any, name: str, length: int | None = None) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list")
    if length is not None and len(value) != length:
        raise ValueError(f"{name} must hold {length} entries, not {len(value)}")
    return value


def _str(value: Any, name: str, choices: tuple[str, ...] | None = None) -> str:
    if not isinstance(value, str) or (choices and value not in choices):
        allowed = f" ({', '.join(choices)})" if choices else ""
        raise ValueError(f"{name} must be a string{allowed}")
    return value


def athlete_from_dict(data: Any) -> AthleteInfo:
    data = _object(data, "athlete")
    track = _get(data, "track", "athlete")
    tracks = []
    for i, item in enumerate(_list(_get(data, "tracks", "athlete"), "athlete.tracks")):
        where = f"athlete.tracks[{i}]"
        item = _object(item, where)
        start_s = _num(_get(item, "start_s", where), f"{where}.start_s", low=0)
        tracks.append(
            TrackSummary(
                id=_int(_get(item, "id", where), f"{where}.id", 0),
                start_s=start_s,
                end_s=_num(_get(item, "end_s", where), f"{where}.end_s", low=start_s),
                observations=_int(_get(item, "observations", where), f"{where}.observations", 1),
                score=_num(_get(item, "score", where), f"{where}.score"),
            )
        )
    follow = data.get("follow")  # absent in results written before it was kept
    if follow is not None:
        follow = tuple(
            _num(v, f"athlete.follow[{k}]", low=0)
            for k, v in enumerate(_list(follow, "athlete.follow", 3))
        )
    return AthleteInfo(
        rule=_str(_get(data, "rule", "athlete"), "athlete.rule", RULES),
        track=None if track is None else _int(track, "athlete.track", 0),
        chosen_by=_str(_get(data, "chosen_by", "athlete"), "athlete.chosen_by", CHOOSERS),
        reason=_str(_get(data, "reason", "athlete"), "athlete.reason"),
        tracks=tuple(tracks),
        follow=follow,
    )


def _person(item: Any, where: str) -> PosePerson:
    item = _object(item, where)
    box = _list(_get(item, "box", where), f"{where}.box", 4)
    points = _list(_get(item, "landmarks", where), f"{where}.landmarks", LANDMARK_COUNT)
    landmarks = []
    for j, point in enumerate(points):
        x, y, v = _list(point, f"{where}.landmarks[{j}]", 3)
        name = f"{where}.landmarks[{j}]"
        visibility = _num(v, f"{name} visibility", low=0)
        if visibility > 1:
            raise ValueError(f"{name} visibility is above 1")
        landmarks.append((_num(x, f"{name} x"), _num(y, f"{name} y"), visibility))
    return PosePerson(
        time_s=_num(_get(item, "time_s", where), f"{where}.time_s", low=0),
        frame=_int(_get(item, "frame", where), f"{where}.frame", -1),
        track=_int(_get(item, "track", where), f"{where}.track", -1),
        score=_num(_get(item, "score", where), f"{where}.score", low=0),
        rotation_deg=_int(_get(item, "rotation_deg", where), f"{where}.rotation_deg", 0),
        box=tuple(_num(v, f"{where}.box[{k}]") for k, v in enumerate(box)),
        landmarks=tuple(landmarks),
    )


def pose_from_dict(data: Any) -> PoseInfo:
    data = _object(data, "pose")
    people = tuple(
        _person(item, f"pose.people[{i}]")
        for i, item in enumerate(_list(_get(data, "people", "pose"), "pose.people"))
    )
    angles_doc = _object(data.get("angles", {"time_s": [], "series": {}}), "pose.angles")
    times = tuple(
        _num(t, f"pose.angles.time_s[{i}]", low=0)
        for i, t in enumerate(_list(_get(angles_doc, "time_s", "pose.angles"), "pose.angles"))
    )
    series = {}
    for name, entry in _object(_get(angles_doc, "series", "pose.angles"), "series").items():
        where = f"pose.angles.series.{str(name)[:40]}"
        entry = _object(entry, where)
        degrees = _list(_get(entry, "degrees", where), f"{where}.degrees", len(times))
        visibility = _list(_get(entry, "visibility", where), f"{where}.visibility", len(times))
        series[_str(name, where)] = AngleTrace(
            degrees=tuple(None if d is None else _num(d, f"{where}.degrees") for d in degrees),
            visibility=tuple(_num(v, f"{where}.visibility", low=0) for v in visibility),
        )
    return PoseInfo(
        model=_str(_get(data, "model", "pose"), "pose.model"),
        people=people,
        angle_time_s=times,
        angles=series,
    )

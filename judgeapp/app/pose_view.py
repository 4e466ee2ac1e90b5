"""What the review window shows of the athlete's body, as plain data (no Qt).

From a result's `pose` and `athlete` sections (core/athlete.py):
- the overlay on the video: at the pose sample nearest the shown time (within
  OVERLAY_TOLERANCE_S), every person's box and the lines of their skeleton between landmarks
  seen well enough (visibility >= MIN_VISIBILITY), the athlete marked; computed once per result
  (`PoseFrames`), so that playing only looks it up;
- which person a click on the video hits ("follow this person") and the landmark the manual
  angle tool snaps to;
- the score panel's "Athlete" row: who was followed and why;
- the timeline's angle lane: one joint angle of the athlete over time with gaps where it was not
  measured, its amplitude peaks and a reference line; next / previous peak;
- the angles measured nearest a moment (a mark's tooltip) and the manual angle tool's reading.

The angle definitions and the peak rule are core/posture.py's, shared with the analysis and the
reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from judgeapp.app.requests import AnalysisRequest
from judgeapp.core.athlete import AthleteInfo, PoseInfo, PosePerson, athlete_of, nearest_index
from judgeapp.core.posture import (
    ANGLES,
    DEFAULT_MIN_VISIBILITY,
    SKELETON_EDGES,
    amplitude_peaks,
    angle_at_point,
    next_peak,
    previous_peak,
)
from judgeapp.core.results import AnalysisResult

OVERLAY_TOLERANCE_S = 0.15  # a pose sample is drawn this close to the shown time
MIN_VISIBILITY = DEFAULT_MIN_VISIBILITY
SNAP_RADIUS_PX = 12.0  # the manual angle tool snaps to a landmark this close (screen pixels)
ANGLE_AT_MARK_TOLERANCE_S = 0.3  # a mark shows the angles measured this close to its time
DEFAULT_REFERENCE_DEG = 180.0
POSE_NOT_USED = "the pose model was not used"
PAPER_RULE_REASON = "the paper's rule"
# The landmarks the skeleton draws (no face).
SKELETON_POINTS = tuple(sorted({i for edge in SKELETON_EDGES for i in edge}))
ANGLE_LABELS = {spec.name: spec.label for spec in ANGLES}

Box = tuple[float, float, float, float]
Point = tuple[float, float]
Line = tuple[float, float, float, float]


# --- the overlay ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonOverlay:
    """One person as the overlay draws them: box, skeleton lines (x1, y1, x2, y2) between
    landmarks seen well enough, those landmarks' points; all in frame pixels."""

    track: int
    athlete: bool
    time_s: float
    box: Box
    lines: tuple[Line, ...]
    joints: tuple[Point, ...]
    landmarks: tuple[tuple[float, float, float], ...] = ()

    def contains(self, x: float, y: float) -> bool:
        x1, y1, x2, y2 = self.box
        return x1 <= x <= x2 and y1 <= y <= y2

    @property
    def area(self) -> float:
        x1, y1, x2, y2 = self.box
        return max(0.0, x2 - x1) * max(0.0, y2 - y1)


@dataclass(frozen=True)
class PoseOverlay:
    """Everyone at one pose sample: the others first, the athlete last (drawn on top)."""

    time_s: float
    people: tuple[PersonOverlay, ...]

    @property
    def athlete(self) -> PersonOverlay | None:
        return next((p for p in self.people if p.athlete), None)

    @property
    def others(self) -> tuple[PersonOverlay, ...]:
        return tuple(p for p in self.people if not p.athlete)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def person_overlay(
    person: PosePerson, athlete: bool, min_visibility: float = MIN_VISIBILITY
) -> PersonOverlay:
    """The lines and points of one person: an edge is drawn only where both its landmarks are
    seen (visibility >= `min_visibility`); a landmark not seen is never drawn."""
    marks = person.landmarks
    seen = [
        i < len(marks) and marks[i][2] >= min_visibility and _finite(marks[i][0], marks[i][1])
        for i in range(max(len(marks), max(SKELETON_POINTS) + 1))
    ]
    lines = tuple(
        (marks[a][0], marks[a][1], marks[b][0], marks[b][1])
        for a, b in SKELETON_EDGES
        if seen[a] and seen[b]
    )
    joints = tuple((marks[i][0], marks[i][1]) for i in SKELETON_POINTS if seen[i])
    return PersonOverlay(
        track=person.track,
        athlete=athlete,
        time_s=person.time_s,
        box=tuple(float(v) for v in person.box),
        lines=lines,
        joints=joints,
        landmarks=marks,
    )


class PoseFrames:
    """Every person of a result's pose section grouped by sample time, the athlete marked.

    The athlete is the followed track's person (rule "track"); under the paper's rule (no
    track) it is the largest person of each sample. Built when a result is shown, each sample's
    lines computed the first time it is asked for (a 95 s routine has ~500 samples; none is
    drawn twice over), and `at(time_s)` is a binary search: the player asks on every frame.
    """

    def __init__(
        self,
        pose: PoseInfo,
        athlete: AthleteInfo | None,
        min_visibility: float = MIN_VISIBILITY,
    ) -> None:
        groups: dict[float, list[PosePerson]] = {}
        for person in pose.people:
            groups.setdefault(round(person.time_s, 6), []).append(person)
        track = athlete.track if athlete is not None and athlete.rule == "track" else None
        self.athlete_track = track
        self.min_visibility = min_visibility
        self.times: tuple[float, ...] = tuple(sorted(groups))
        self._people = [groups[t] for t in self.times]
        self._overlays: list[PoseOverlay | None] = [None] * len(self.times)
        self._frames = frozenset(person.frame for person in pose.people)

    def sampled(self, index: int) -> bool:
        """Whether the analysis measured the body in frame `index` itself."""
        return index in self._frames

    def _overlay(self, index: int) -> PoseOverlay:
        overlay = self._overlays[index]
        if overlay is None:
            people = self._people[index]
            chosen = athlete_of(people, self.athlete_track)
            drawn = [person_overlay(p, p is chosen, self.min_visibility) for p in people]
            drawn.sort(key=lambda p: p.athlete)  # the athlete last: drawn on top
            overlay = self._overlays[index] = PoseOverlay(self.times[index], tuple(drawn))
        return overlay

    @classmethod
    def of_result(cls, result: AnalysisResult | None) -> PoseFrames | None:
        """The pose frames of a result, or None where it records no pose."""
        if result is None or result.pose is None or not result.pose.people:
            return None
        return cls(result.pose, result.athlete)

    def __len__(self) -> int:
        return len(self.times)

    def nearest_index(self, time_s: float, tolerance_s: float = OVERLAY_TOLERANCE_S) -> int:
        """The index of the sample nearest `time_s` within `tolerance_s` (-1: none)."""
        index = nearest_index(self.times, time_s, tolerance_s)
        return -1 if index is None else index

    def at(self, time_s: float, tolerance_s: float = OVERLAY_TOLERANCE_S) -> PoseOverlay | None:
        """Everyone at the sample nearest `time_s`, if one is within `tolerance_s`."""
        index = self.nearest_index(time_s, tolerance_s)
        return None if index < 0 else self._overlay(index)

    def person_at(
        self, time_s: float, x: float, y: float, tolerance_s: float = OVERLAY_TOLERANCE_S
    ) -> PersonOverlay | None:
        """The person whose box holds the point (frame pixels) at the sample shown at
        `time_s`: the smallest such box (the person in front), as the analysis decides."""
        overlay = self.at(time_s, tolerance_s)
        if overlay is None:
            return None
        hits = [p for p in overlay.people if p.contains(x, y)]
        return min(hits, key=lambda p: (p.area, not p.athlete), default=None)

    def snap(
        self,
        time_s: float,
        x: float,
        y: float,
        radius: float,
        tolerance_s: float = OVERLAY_TOLERANCE_S,
    ) -> Point | None:
        """The drawn landmark nearest (x, y) within `radius` (frame pixels) at the sample
        shown at `time_s`, the athlete's first on a tie; None when none is that close."""
        overlay = self.at(time_s, tolerance_s)
        if overlay is None:
            return None
        best: tuple[float, bool, Point] | None = None
        for person in overlay.people:
            for jx, jy in person.joints:
                distance = math.hypot(jx - x, jy - y)
                key = (distance, not person.athlete, (jx, jy))
                if distance <= radius and (best is None or key[:2] < best[:2]):
                    best = key
        return None if best is None else best[2]


@dataclass(frozen=True)
class FollowRequest:
    """What a click on the video asks for: follow the person at (x, y) (frame pixels) at
    `time_s`; `person` is the one the overlay shows there (None: no pose data shown there,
    the analysis looks for a person at that point)."""

    time_s: float
    x: float
    y: float
    person: PersonOverlay | None = None

    @property
    def follow(self) -> tuple[float, float, float]:
        return (self.time_s, self.x, self.y)


def follow_at(
    frames: PoseFrames | None, time_s: float, x: float, y: float, anywhere: bool = False
) -> FollowRequest | None:
    """The follow request of a click at (x, y) on the frame shown at `time_s`.

    A click on a person's box asks to follow them from that pose sample's time (the moment
    whose boxes were drawn); a click on the athlete already followed asks nothing (None).
    `anywhere` (the context menu): a click that hits no box still asks, at the shown time,
    and the analysis looks for a person there.
    """
    person = frames.person_at(time_s, x, y) if frames is not None else None
    if person is not None:
        if person.athlete and frames.athlete_track is not None:
            return None
        return FollowRequest(person.time_s, float(x), float(y), person)
    return FollowRequest(time_s, float(x), float(y)) if anywhere else None


# --- the score panel -----------------------------------------------------------------------------
ATHLETE_ROW_TIP = (
    "Which person the static stream looked at: one person followed through the video, chosen "
    "automatically or by you (click a person in the video, or right-click ▸ Follow This "
    "Person), or the largest person in each frame (the paper's rule, in Analysis ▸ Settings…)"
)


def athlete_text(result: AnalysisResult) -> str | None:
    """The score panel's "Athlete" row: "followed automatically (reason), track 3",
    "chosen by you at 12.3 s, track 5" or the paper's rule; None where the result records no
    athlete choice."""
    athlete = result.athlete
    if athlete is None:
        return None
    if athlete.rule == "largest":
        if athlete.reason.startswith(PAPER_RULE_REASON):
            return "the largest person in each frame (the paper's rule)"
        if athlete.reason.startswith("the largest person"):
            return athlete.reason  # says why nobody could be followed
        return f"the largest person in each frame ({athlete.reason})"
    track = f", track {athlete.track}" if athlete.track is not None else ""
    if athlete.chosen_by == "user":
        text = athlete.reason.replace("chosen by the user", "chosen by you") or "chosen by you"
        return f"{text}{track}"
    reason = f" ({athlete.reason})" if athlete.reason else ""
    return f"followed automatically{reason}{track}"


def chosen_by_user(result: AnalysisResult | None) -> bool:
    """Whether the athlete shown was chosen by the user (so "Follow Automatically" undoes it)."""
    return result is not None and result.athlete is not None and result.athlete.chosen_by == "user"


def following_stored_choice(
    request: AnalysisRequest, stored: AnalysisResult | None
) -> AnalysisRequest:
    """The request that reopening a video asks for: where the video's stored result follows the
    person the user chose (and records the point clicked), the same point, so that the choice
    is kept; otherwise `request` as it is. A request that names its own point or the paper's
    rule keeps them."""
    athlete = stored.athlete if stored is not None else None
    if athlete is None or athlete.chosen_by != "user" or athlete.follow is None:
        return request
    if request.follow is not None or request.athlete != "track":
        return request
    return replace(request, follow=athlete.follow)


def pose_not_used_warning(result: AnalysisResult) -> str | None:
    """The result's warning that the pose model was not used (its files failed their check,
    and another finder ran), if any."""
    return next((w for w in result.warnings if w.startswith(POSE_NOT_USED)), None)


# --- the angle lane ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AngleLane:
    """One angle of the athlete over time as the timeline draws it: degrees NaN where not
    measured (the curve has gaps there), the amplitude peaks and the reference line."""

    name: str
    label: str
    times_s: tuple[float, ...]
    degrees: tuple[float, ...]
    peaks: tuple[tuple[float, float], ...]
    reference_deg: float
    unit: str = "°"

    @property
    def measured(self) -> int:
        return sum(1 for d in self.degrees if not math.isnan(d))


def angle_choices(result: AnalysisResult | None) -> list[tuple[str, str]]:
    """(name, label) of every angle the result measured at least once, in core.posture's
    order."""
    if result is None or result.pose is None:
        return []
    angles = result.pose.angles
    return [
        (spec.name, spec.label)
        for spec in ANGLES
        if spec.name in angles and any(d is not None for d in angles[spec.name].degrees)
    ]


def _series(result: AnalysisResult, name: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    pose = result.pose
    if pose is None or name not in pose.angles:
        return (), ()
    degrees = tuple(math.nan if d is None else float(d) for d in pose.angles[name].degrees)
    return tuple(pose.angle_time_s), degrees


def angle_lane(
    result: AnalysisResult | None, name: str, reference_deg: float = DEFAULT_REFERENCE_DEG
) -> AngleLane | None:
    """The lane of angle `name`, or None where the result does not measure it."""
    if result is None:
        return None
    times, degrees = _series(result, name)
    if not times:
        return None
    return AngleLane(
        name=name,
        label=ANGLE_LABELS.get(name, name),
        times_s=times,
        degrees=degrees,
        peaks=tuple(amplitude_peaks(times, degrees)),
        reference_deg=float(reference_deg),
    )


def peak_after(result: AnalysisResult | None, name: str, time_s: float):
    """The first amplitude peak of angle `name` after `time_s` as (time_s, degrees), or None."""
    if result is None:
        return None
    times, degrees = _series(result, name)
    return next_peak(times, degrees, time_s) if times else None


def peak_before(result: AnalysisResult | None, name: str, time_s: float):
    """The last amplitude peak of angle `name` before `time_s` as (time_s, degrees), or None."""
    if result is None:
        return None
    times, degrees = _series(result, name)
    return previous_peak(times, degrees, time_s) if times else None


# --- angles at a moment, the manual angle tool ---------------------------------------------------
def angles_at(
    result: AnalysisResult | None, time_s: float, tolerance_s: float = ANGLE_AT_MARK_TOLERANCE_S
) -> list[tuple[str, float]]:
    """(label, degrees) of every angle measured at the athlete's sample nearest `time_s`
    (within `tolerance_s`), in core.posture's order; empty where none is that close."""
    if result is None or result.pose is None or not result.pose.angle_time_s:
        return []
    nearest = nearest_index(result.pose.angle_time_s, time_s, tolerance_s)
    if nearest is None:
        return []
    out = []
    for spec in ANGLES:
        trace = result.pose.angles.get(spec.name)
        if trace is not None and trace.degrees[nearest] is not None:
            out.append((spec.label, float(trace.degrees[nearest])))
    return out


def angles_text(readings: Sequence[tuple[str, float]]) -> str:
    """ "Leg separation 172°, Left knee 165°" ("" for none)."""
    return ", ".join(f"{label} {degrees:.0f}°" for label, degrees in readings)


@dataclass(frozen=True)
class ManualAngle:
    """The manual angle tool: up to three points (frame pixels) clicked on the video, the angle
    at the second. `snapped` says for each point whether it snapped to a landmark."""

    points: tuple[Point, ...] = ()
    snapped: tuple[bool, ...] = ()

    @property
    def complete(self) -> bool:
        return len(self.points) == 3

    def add(self, point: Point, snapped: bool = False) -> ManualAngle:
        """With one more point; a fourth click starts a new angle."""
        if self.complete:
            return ManualAngle((point,), (snapped,))
        return ManualAngle((*self.points, point), (*self.snapped, snapped))

    @property
    def degrees(self) -> float | None:
        if not self.complete:
            return None
        value = angle_at_point(*self.points)
        return None if math.isnan(value) else value

    def text(self) -> str:
        """What the tool says now."""
        if not self.points:
            return "Angle: click three points (the joint second); they snap to landmarks"
        if not self.complete:
            left = 3 - len(self.points)
            return f"Angle: {left} more point{'s' if left > 1 else ''}"
        degrees = self.degrees
        return "Angle: the points coincide" if degrees is None else f"Angle: {degrees:.1f}°"


def snap_point(
    frames: PoseFrames | None, time_s: float, x: float, y: float, radius: float
) -> tuple[Point, bool]:
    """The point the angle tool takes for a click: the nearest drawn landmark within `radius`
    (frame pixels), else the click itself; and whether it snapped."""
    snapped = frames.snap(time_s, x, y, radius) if frames is not None else None
    return (snapped, True) if snapped is not None else ((float(x), float(y)), False)

"""Following one athlete: person detections linked over time into tracks, and the track that
performs.

The input is the sampled frames in time order, each `(time_s, detections)`; a detection is a
`Detection` (a box and, from a pose model, 33 BlazePose landmarks [33, 3]) or a bare `Box` from
a box-only detector. Samples come at 1 to 5 fps and gymnasts move fast (a flip), so linking
predicts where a person went and allows more distance the longer they were unseen.

Pure numpy and scipy (the optimal assignment), so the analysis, the GUI ("follow this one") and
the tests share it; the paper's largest-box rule is here in the same output form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from judgeapp.detect.boxes import Box, iou, largest_box


@dataclass(frozen=True, eq=False)
class Detection:
    """One person in one sampled frame: the box, and the pose model's landmarks [33, 3]
    (x, y in pixels, visibility 0..1) or None from a box-only detector. Compared by identity
    (an array has no single truth value)."""

    box: Box
    landmarks: np.ndarray | None = None


Frame = tuple[float, Sequence[Detection | Box]]

DEFAULT_MAX_GAP_S = 1.5
# Gate on the distance from where a track was expected: GATE_SIZES body sizes (the detector's
# jitter), plus GATE_SIZES_PER_S for each second it has not been seen (a gymnast covers about 3
# body lengths a second at most), and never more than GATE_FRAME_SHARE of the frame's diagonal.
# At 5 fps that is 1.1 body sizes from one sample to the next. (It was 1 + 3/s: 2.2 body sizes
# after 0.4 s unseen, which linked a man standing on a roof to a woman walking in below him,
# docs/pose.md.)
GATE_SIZES = 0.5
GATE_SIZES_PER_S = 3.0
# A move of more than JUMP_SIZES body sizes between two observations of a track is a jump; it
# is undone where the place the track left is seen occupied again within the track gap (the
# person it followed is still there: the move went to someone else).
JUMP_SIZES = 1.0
GATE_FRAME_SHARE = 0.5
# A person's size (the longer side of the box) changes less than this factor between samples.
GATE_SIZE_RATIO = 4.0
# The furthest a track's last velocity is extrapolated (seconds).
MAX_EXTRAPOLATION_S = 1.0
# An impossible pair's cost in the assignment.
_INFEASIBLE = 1e9
_TIME_TOLERANCE_S = 1e-9


@dataclass(frozen=True)
class Track:
    """One person followed over time: for each observation, the position of its frame in
    `frames`, the index of its detection within that frame, the time and the box."""

    id: int
    frame_indices: tuple[int, ...]
    detection_indices: tuple[int, ...]
    times_s: tuple[float, ...]
    boxes: tuple[Box, ...]

    @property
    def start_s(self) -> float:
        return self.times_s[0]

    @property
    def end_s(self) -> float:
        return self.times_s[-1]

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def count(self) -> int:
        return len(self.times_s)


@dataclass
class _OpenTrack:
    """A track while it is being linked."""

    id: int
    frame_indices: list[int] = field(default_factory=list)
    detection_indices: list[int] = field(default_factory=list)
    times_s: list[float] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def add(self, frame_index: int, detection_index: int, time_s: float, box: Box) -> None:
        self.frame_indices.append(frame_index)
        self.detection_indices.append(detection_index)
        self.times_s.append(time_s)
        self.boxes.append(box)

    def closed(self) -> Track:
        return Track(
            self.id,
            tuple(self.frame_indices),
            tuple(self.detection_indices),
            tuple(self.times_s),
            tuple(self.boxes),
        )


def detection_box(detection: Detection | Box) -> Box:
    """The box of a detection or a bare box."""
    return detection if isinstance(detection, Box) else detection.box


def detection_landmarks(detection: Detection | Box) -> np.ndarray | None:
    """The landmarks [33, 3] of a detection, None for a bare box or a box-only detector."""
    return None if isinstance(detection, Box) else detection.landmarks


def _centre(box: Box) -> tuple[float, float]:
    return (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2


def _size(box: Box) -> float:
    """A person's size: the box's longer side (a body's length, standing or lying)."""
    return max(box.width, box.height)


def _predicted_box(track: _OpenTrack, time_s: float) -> Box:
    """Where the track's box should be at `time_s`: the last box moved on at the velocity of its
    last two observations (for at most MAX_EXTRAPOLATION_S), which keeps two people who cross
    paths apart."""
    last = track.boxes[-1]
    if len(track.boxes) < 2:
        return last
    step_s = track.times_s[-1] - track.times_s[-2]
    if step_s <= 0:
        return last
    (x_last, y_last), (x_before, y_before) = _centre(last), _centre(track.boxes[-2])
    ahead_s = min(time_s - track.times_s[-1], MAX_EXTRAPOLATION_S)
    dx, dy = (x_last - x_before) / step_s * ahead_s, (y_last - y_before) / step_s * ahead_s
    return Box(last.x1 + dx, last.y1 + dy, last.x2 + dx, last.y2 + dy, last.score)


def _gated(
    before: Box, after: Box, gate: float, frame_diagonal: float
) -> tuple[float, float] | None:
    """(centre distance in mean body sizes, size ratio after / before) of two boxes of one
    person, or None where they cannot be: an empty box, a size change of GATE_SIZE_RATIO or
    more, further than GATE_FRAME_SHARE of the frame's diagonal or than `gate` body sizes."""
    size_before, size_after = _size(before), _size(after)
    if size_before <= 0 or size_after <= 0:
        return None
    size_ratio = size_after / size_before
    if not 1 / GATE_SIZE_RATIO <= size_ratio <= GATE_SIZE_RATIO:
        return None
    (x_after, y_after), (x_before, y_before) = _centre(after), _centre(before)
    distance_px = math.hypot(x_after - x_before, y_after - y_before)
    if distance_px > GATE_FRAME_SHARE * frame_diagonal:
        return None
    distance = distance_px / ((size_before + size_after) / 2)
    return None if distance > gate else (distance, size_ratio)


def _link_cost(expected: Box, box: Box, unseen_s: float, frame_diagonal: float) -> float:
    """The cost of linking a detection's `box` to a track expected at `expected`, unseen for
    `unseen_s`; _INFEASIBLE outside the gate.

    cost = distance / gate + (1 - IoU) + 0.5 |log(size ratio)|, where distance is between the
    centres in mean body sizes and gate = GATE_SIZES + GATE_SIZES_PER_S * unseen_s."""
    gate = GATE_SIZES + GATE_SIZES_PER_S * unseen_s
    gated = _gated(expected, box, gate, frame_diagonal)
    if gated is None:
        return _INFEASIBLE
    distance, size_ratio = gated
    return distance / gate + (1.0 - iou(expected, box)) + 0.5 * abs(math.log(size_ratio))


def _frame_times(frames: Sequence[Frame]) -> list[float]:
    times = [float(time_s) for time_s, _ in frames]
    if not all(math.isfinite(t) for t in times) or any(np.diff(times) < 0):
        raise ValueError("frames must be in time order, with finite times")
    return times


Link = tuple[tuple[int, int], tuple[int, int]]  # (frame, detection) before -> after


def _assign(
    live: list[_OpenTrack],
    boxes: list[Box],
    time_s: float,
    frame_diagonal: float,
    frame_index: int,
    forbidden: set[Link],
) -> dict[int, _OpenTrack]:
    """The live track each detection (by index) continues: the assignment of least total cost
    among those linking the most pairs inside the gate, `forbidden` links left out."""
    if not live or not boxes:
        return {}
    cost = np.array(
        [
            [
                _INFEASIBLE
                if ((t.frame_indices[-1], t.detection_indices[-1]), (frame_index, k)) in forbidden
                else _link_cost(
                    _predicted_box(t, time_s), b, time_s - t.times_s[-1], frame_diagonal
                )
                for k, b in enumerate(boxes)
            ]
            for t in live
        ]
    )
    from scipy.optimize import linear_sum_assignment  # imported on first use: the GUI starts faster

    rows, cols = linear_sum_assignment(cost)
    return {int(c): live[r] for r, c in zip(rows, cols, strict=True) if cost[r, c] < _INFEASIBLE}


def link_tracks(
    frames: Sequence[Frame],
    frame_width: float,
    frame_height: float,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> list[Track]:
    """Link the detections of `frames` into tracks, one per person, in order of id.

    Frame by frame, the tracks seen within the last `max_gap_s` are matched to the frame's
    detections by an optimal assignment on `_link_cost` (centre distance from the predicted box
    in body sizes, IoU, size change), gated so that people far apart are never linked; a
    detection left over starts a new track. Then each jump (a move of more than JUMP_SIZES
    body sizes) after which the place left is seen occupied again within `max_gap_s` is
    forbidden and the linking done again, until no track jumps between two people. Ids count
    from 0 in order of first appearance (within a frame, in the order of its detections), so
    the same input gives the same ids.
    """
    if frame_width <= 0 or frame_height <= 0:
        raise ValueError(f"frame size must be positive, not {frame_width}x{frame_height}")
    frame_diagonal = math.hypot(frame_width, frame_height)
    times = _frame_times(frames)
    forbidden: set[Link] = set()
    while True:
        tracks = _link_once(frames, times, frame_diagonal, max_gap_s, forbidden)
        jumps = _jumps_between_people(tracks, frames, times, frame_diagonal, max_gap_s)
        if not jumps:
            return [t.closed() for t in tracks]
        forbidden |= jumps


def _link_once(
    frames: Sequence[Frame],
    times: list[float],
    frame_diagonal: float,
    max_gap_s: float,
    forbidden: set[Link],
) -> list[_OpenTrack]:
    tracks: list[_OpenTrack] = []
    for frame_index, time_s in enumerate(times):
        boxes = [detection_box(d) for d in frames[frame_index][1]]
        live = [t for t in tracks if time_s - t.times_s[-1] <= max_gap_s + _TIME_TOLERANCE_S]
        matched = _assign(live, boxes, time_s, frame_diagonal, frame_index, forbidden)
        for detection_index, box in enumerate(boxes):
            track = matched.get(detection_index)
            if track is None:
                track = _OpenTrack(id=len(tracks))
                tracks.append(track)
            track.add(frame_index, detection_index, time_s, box)
    return tracks


def _jumps_between_people(
    tracks: list[_OpenTrack],
    frames: Sequence[Frame],
    times: list[float],
    frame_diagonal: float,
    max_gap_s: float,
) -> set[Link]:
    """The links of `tracks` that move more than JUMP_SIZES body sizes while the place they
    left is seen occupied again, by a detection of another track, within `max_gap_s` after."""
    owner = {
        (f, d): t.id
        for t in tracks
        for f, d in zip(t.frame_indices, t.detection_indices, strict=True)
    }
    jumps: set[Link] = set()
    for track in tracks:
        for k in range(1, len(track.boxes)):
            before, after = track.boxes[k - 1], track.boxes[k]
            (xb, yb), (xa, ya) = _centre(before), _centre(after)
            sizes = (_size(before) + _size(after)) / 2
            if sizes <= 0 or math.hypot(xa - xb, ya - yb) <= JUMP_SIZES * sizes:
                continue
            start = track.frame_indices[k]
            for frame_index in range(start, len(frames)):
                if times[frame_index] - track.times_s[k] > max_gap_s + _TIME_TOLERANCE_S:
                    break
                unseen = times[frame_index] - track.times_s[k - 1]
                stayed = [
                    d
                    for d, detection in enumerate(frames[frame_index][1])
                    if owner.get((frame_index, d)) != track.id
                    and iou(before, detection_box(detection)) > 0
                    and _link_cost(before, detection_box(detection), unseen, frame_diagonal)
                    < _INFEASIBLE
                ]
                if stayed:
                    jumps.add(
                        (
                            (track.frame_indices[k - 1], track.detection_indices[k - 1]),
                            (start, track.detection_indices[k]),
                        )
                    )
                    break
    return jumps


# Joining tracks across longer gaps (`join_tracks`). A track is joined to one that starts
# after it ends, at most JOIN_MAX_GAP_S later: an athlete lost in a flip, in glare or behind
# someone (the backflip clip loses the man for 2.4 s, from the roof to the air) is unseen for a
# second or three, while a different person coming in after someone left takes longer (in
# room_people_139s.mp4 the shortest empty stretch between two people is 4.8 s).
JOIN_MAX_GAP_S = 4.0
# Where the track is expected after the gap, in body sizes: the track's own gate, with a
# slower growth (JOIN_SIZES_PER_S) than between samples, since a person lost for seconds is
# mostly found again near where they were lost.
JOIN_SIZES_PER_S = 1.0
# A track that ends on the frame's edge (within EDGE_SHARE of its width or height) after moving
# towards it by at least EDGE_MOVE_SIZES body sizes over its last EDGE_WINDOW_S walked out of the
# picture: only a track that starts on that same edge can be the same person coming back.
EDGE_SHARE = 0.01
EDGE_MOVE_SIZES = 0.25
EDGE_WINDOW_S = 1.0


def _edges_left_by(track: Track, frame_width: float, frame_height: float) -> set[str]:
    """The frame edges ("left", "right", "top", "bottom") the track walked out through: its last
    box touches the edge and its centre moved towards it over its last EDGE_WINDOW_S."""
    last = track.boxes[-1]
    start = next(k for k, t in enumerate(track.times_s) if track.end_s - t <= EDGE_WINDOW_S + 1e-9)
    (x0, y0), (x1, y1) = _centre(track.boxes[start]), _centre(last)
    move = EDGE_MOVE_SIZES * _size(last)
    touching = _edges_touched(last, frame_width, frame_height)
    towards = {"left": x0 - x1, "right": x1 - x0, "top": y0 - y1, "bottom": y1 - y0}
    return {edge for edge in touching if towards[edge] >= move}


def _edges_touched(box: Box, frame_width: float, frame_height: float) -> set[str]:
    margin_x, margin_y = EDGE_SHARE * frame_width, EDGE_SHARE * frame_height
    sides = {
        "left": box.x1 <= margin_x,
        "right": box.x2 >= frame_width - margin_x,
        "top": box.y1 <= margin_y,
        "bottom": box.y2 >= frame_height - margin_y,
    }
    return {edge for edge, on in sides.items() if on}


def _join_cost(
    before: Track, after: Track, frame_width: float, frame_height: float, max_gap_s: float
) -> float:
    """The cost of taking `after` for the continuation of `before`; _INFEASIBLE where it cannot
    be: overlapping or too far apart in time, out of the gate, or `before` left the picture
    through an edge that `after` does not come in through."""
    gap_s = after.start_s - before.end_s
    # Within the linking gap, link_tracks saw both and did not link them (out of its gate,
    # or a jump between two people): not joined either.
    if gap_s <= DEFAULT_MAX_GAP_S + _TIME_TOLERANCE_S or gap_s > max_gap_s + _TIME_TOLERANCE_S:
        return _INFEASIBLE
    left = _edges_left_by(before, frame_width, frame_height)
    if left and not left & _edges_touched(after.boxes[0], frame_width, frame_height):
        return _INFEASIBLE
    gate = GATE_SIZES + JOIN_SIZES_PER_S * gap_s
    diagonal = math.hypot(frame_width, frame_height)
    gated = _gated(before.boxes[-1], after.boxes[0], gate, diagonal)
    if gated is None:
        return _INFEASIBLE
    distance, size_ratio = gated
    return distance / gate + 0.5 * abs(math.log(size_ratio)) + gap_s / max_gap_s


def join_tracks(
    tracks: Sequence[Track],
    frame_width: float,
    frame_height: float,
    max_gap_s: float = JOIN_MAX_GAP_S,
) -> list[Track]:
    """Join the tracks of one person that `link_tracks` split where the person was unseen for
    longer than its gap (DEFAULT_MAX_GAP_S): the pairs (a track, one starting after it ends)
    that `_join_cost` allows, cheapest first, each track continued by at most one and
    continuing at most one.
    Two tracks seen at the same moment are never joined (two people), so a joined track is one
    person's observations in time order. Ids are given again from 0 in order of first
    appearance, as `link_tracks` gives them."""
    if frame_width <= 0 or frame_height <= 0:
        raise ValueError(f"frame size must be positive, not {frame_width}x{frame_height}")
    ordered = sorted(tracks, key=lambda t: (t.start_s, t.id))
    pairs = sorted(
        (cost, i, j)
        for i, before in enumerate(ordered)
        for j, after in enumerate(ordered)
        if i != j
        and (cost := _join_cost(before, after, frame_width, frame_height, max_gap_s)) < _INFEASIBLE
    )
    successor: dict[int, int] = {}
    predecessor: dict[int, int] = {}
    for _, i, j in pairs:
        if i not in successor and j not in predecessor:
            successor[i], predecessor[j] = j, i
    joined = []
    for i in range(len(ordered)):
        if i in predecessor:
            continue
        chain = [ordered[i]]
        while i in successor:
            i = successor[i]
            chain.append(ordered[i])
        joined.append(chain)
    joined.sort(key=lambda chain: (chain[0].start_s, chain[0].id))
    return [
        Track(
            new_id,
            sum((t.frame_indices for t in chain), ()),
            sum((t.detection_indices for t in chain), ()),
            sum((t.times_s for t in chain), ()),
            sum((t.boxes for t in chain), ()),
        )
        for new_id, chain in enumerate(joined)
    ]


@dataclass(frozen=True)
class TrackScore:
    """How much a track looks like the performing athlete (see `choose_athlete`)."""

    track_id: int
    coverage: float
    height_share: float
    articulation: float
    score: float


@dataclass(frozen=True)
class AthleteChoice:
    """The chosen track (None when nobody was detected), why, in one line, and every track's
    score in order of track id."""

    track_id: int | None
    reason: str
    scores: tuple[TrackScore, ...]


# Added to the articulation so that among people who all keep still, presence and size decide.
ARTICULATION_FLOOR = 0.1
# Landmarks must have at least this visibility to count, and a landmark must be seen in at least
# MIN_POSE_SAMPLES observations for its movement to count.
POSE_MIN_VISIBILITY = 0.5
MIN_POSE_SAMPLES = 3


def _std(values: np.ndarray) -> float:
    return float(np.std(values)) if values.size > 1 else 0.0


def _pose_variation(boxes: Sequence[Box], landmarks: Sequence[np.ndarray | None]) -> float | None:
    """RMS over landmarks of the spread in time of each landmark's position relative to the box
    centre, in box sizes: how much the body's shape changes, wherever it is in the frame. None
    where fewer than MIN_POSE_SAMPLES observations have landmarks or no landmark was seen in as
    many."""
    relative = []
    for box, points in zip(boxes, landmarks, strict=True):
        if points is None or _size(box) <= 0:
            continue
        points = np.asarray(points, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            seen = np.isfinite(points).all(axis=1) & (points[:, 2] >= POSE_MIN_VISIBILITY)
        xy = (points[:, :2] - np.array(_centre(box))) / _size(box)
        relative.append(np.where(seen[:, None], xy, np.nan))
    if len(relative) < MIN_POSE_SAMPLES:
        return None
    stacked = np.stack(relative)  # [n, 33, 2]
    often = np.isfinite(stacked[..., 0]).sum(axis=0) >= MIN_POSE_SAMPLES
    if not often.any():
        return None
    variance = np.nanvar(stacked[:, often], axis=0).sum(axis=-1)  # per landmark: x plus y
    return float(np.sqrt(variance.mean()))


def _box_variation(times_s: np.ndarray, boxes: Sequence[Box]) -> float:
    """Without landmarks: the spread of log box height (its height relative to its median) plus
    the box centre's vertical motion around a straight line in time, in median box heights."""
    height = np.array([b.height for b in boxes])
    centre_y = np.array([(b.y1 + b.y2) / 2 for b in boxes])
    if len(boxes) > 2 and np.ptp(times_s) > 0:
        trend = np.polyval(np.polyfit(times_s, centre_y, 1), times_s)
    else:
        trend = np.full_like(centre_y, centre_y.mean())
    return _std(np.log(height)) + _std(centre_y - trend) / float(np.median(height))


def _articulation(
    track: Track, frames: Sequence[Frame], frame_width: float, frame_height: float
) -> float:
    """How much the track's body changes shape (see `choose_athlete`); boxes are taken inside
    the frame, and empty ones are left out."""
    kept = [
        i for i, box in enumerate(track.boxes) if box.clipped(frame_width, frame_height).area > 0
    ]
    if not kept:
        return 0.0
    boxes = [track.boxes[i].clipped(frame_width, frame_height) for i in kept]
    aspect = _std(np.log([b.width / b.height for b in boxes]))
    landmarks = [
        detection_landmarks(frames[track.frame_indices[i]][1][track.detection_indices[i]])
        for i in kept
    ]
    pose = _pose_variation([track.boxes[i] for i in kept], landmarks)
    if pose is not None:
        return pose + aspect
    return aspect + _box_variation(np.array([track.times_s[i] for i in kept]), boxes)


def _track_score(
    track: Track, frames: Sequence[Frame], frame_width: float, frame_height: float
) -> TrackScore:
    coverage = len(set(track.frame_indices)) / max(len(frames), 1)
    heights = [b.clipped(frame_width, frame_height).height for b in track.boxes]
    height_share = min(float(np.median(heights)) / frame_height, 1.0)
    articulation = _articulation(track, frames, frame_width, frame_height)
    score = coverage * height_share * (ARTICULATION_FLOOR + articulation)
    return TrackScore(track.id, coverage, height_share, articulation, score)


def choose_athlete(
    tracks: Sequence[Track], frames: Sequence[Frame], frame_width: float, frame_height: float
) -> AthleteChoice:
    """The track of the person who performs: present long, large, and whose body moves.

    score = coverage * height_share * (ARTICULATION_FLOOR + articulation), where
    - coverage: the share of the sampled frames the track is seen in (0..1);
    - height_share: its median box height over the frame height (0..1; spectators are small);
    - articulation: how much the body's shape changes, whatever its place in the frame. With
      landmarks (3 or more observations): the RMS over landmarks of the standard deviation in
      time of each landmark's position relative to the box centre, in box sizes (the box's
      longer side), plus the standard deviation of log(box width / height). Without: the
      standard deviation of log(width / height), plus that of log(box height) (the height
      relative to its median), plus the standard deviation of the box centre's height around a
      straight line in time, in median box heights (a jump, not a walk down the hall).
    A flip, jump or split changes the box's aspect and the landmarks' places in it; a judge
    sitting or standing still changes neither; a passer-by walking straight across moves the
    box, which none of the terms counts, and swings the limbs a little. The highest score wins;
    ties go to the lower id.
    """
    if not tracks:
        return AthleteChoice(None, "no person was detected", ())
    scores = tuple(_track_score(t, frames, frame_width, frame_height) for t in tracks)
    ranked = sorted(scores, key=lambda s: (-s.score, s.track_id))
    best = ranked[0]
    facts = (
        f"seen in {best.coverage:.0%} of the sampled frames, {best.height_share:.0%} of the "
        f"frame's height, body movement {best.articulation:.2f}"
    )
    if len(ranked) == 1:
        reason = f"the only person followed: {facts}"
    else:
        other = ranked[1]
        reason = (
            f"person {best.track_id} of {len(ranked)}: {facts} (next: person {other.track_id}, "
            f"{other.coverage:.0%}, {other.height_share:.0%}, movement {other.articulation:.2f})"
        )
    return AthleteChoice(best.track_id, reason, tuple(sorted(scores, key=lambda s: s.track_id)))


def track_at(
    tracks: Sequence[Track],
    frames: Sequence[Frame],
    time_s: float,
    x: float,
    y: float,
    max_offset_s: float = 0.6,
) -> int | None:
    """The id of the track whose box contains the point (x, y) at its observation nearest to
    `time_s` (within `max_offset_s`): the GUI's "follow this one". The smallest such box wins
    (the person in front is usually the one clicked), then the lower id; None if no box holds
    the point. `frames` are those the tracks were linked from (the tracks carry their boxes)."""
    found: list[tuple[float, int]] = []
    for track in tracks:
        times = np.asarray(track.times_s)
        nearest = int(np.argmin(np.abs(times - time_s)))
        if abs(times[nearest] - time_s) > max_offset_s + _TIME_TOLERANCE_S:
            continue
        box = track.boxes[nearest]
        if box.x1 <= x <= box.x2 and box.y1 <= y <= box.y2:
            found.append((box.area, track.id))
    return min(found)[1] if found else None


def largest_box_choice(frames: Sequence[Frame]) -> list[int | None]:
    """The paper's rule in the tracks' output form: in each frame on its own, the index of the
    largest detection (`boxes.largest_box`: ties to the higher score, then the first), None
    where there is none."""
    chosen: list[int | None] = []
    for _, detections in frames:
        boxes = [detection_box(d) for d in detections]
        best = largest_box(boxes)
        chosen.append(None if best is None else next(i for i, b in enumerate(boxes) if b is best))
    return chosen


def athlete_per_frame(
    tracks: Sequence[Track], chosen_id: int | None, frames: Sequence[Frame]
) -> list[int | None]:
    """For each frame, the index of the chosen track's detection in it, None where that track
    was not seen (or nobody was chosen)."""
    per_frame: list[int | None] = [None] * len(frames)
    if chosen_id is None:
        return per_frame
    track = next((t for t in tracks if t.id == chosen_id), None)
    if track is None:
        raise ValueError(f"no track has id {chosen_id}")
    for frame_index, detection_index in zip(
        track.frame_indices, track.detection_indices, strict=True
    ):
        per_frame[frame_index] = detection_index
    return per_frame

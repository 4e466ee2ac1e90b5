"""BlazePose (MediaPipe's pose detector and full landmark model) run through OpenVINO.

Two TFLite networks, read directly by OpenVINO (no MediaPipe, no PyTorch):
- the *detector* (224 x 224, letterboxed, pixels in [-1, 1]) gives person candidates as SSD
  boxes on 2254 fixed anchors, each with four keypoints: the hip centre, a point that sets the
  body's scale (a circle around the whole body), the shoulder centre and an upper-body point;
- the *landmark model* (256 x 256, pixels in [0, 1]) looks at a square crop rotated so that the
  body stands upright in it (hip centre -> scale point pointing up) and gives 39 points (33 body
  landmarks and 6 auxiliary ones), each with a visibility and a presence logit, and one
  pose-presence score for the crop.

The person's box is the box of their visible landmarks with a margin; so the box follows the
body, also for an athlete upside down in a handstand. A wide frame is also searched in square
tiles (the detector's 224 px letterbox of a 16:9 frame makes a person small). Where the upright
pass is unsure of someone, or finds nobody where the caller expects someone, the frame is tried
turned by 90, 180 and 270 degrees (BlazePose's detector was trained on mostly upright people)
and their sure finds are kept, with the rotation that found them. Thresholds and their
measurement on the shared clips: docs/pose.md.

The decoding constants (anchors, scales, thresholds, the crop's scale 1.25) are those of
MediaPipe's published pose graphs, written here from their documented meaning.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from judgeapp.core.errors import WeightsError
from judgeapp.detect.boxes import Box, iou
from judgeapp.detect.detector import check_frame

DETECTOR_SIZE_PX = 224
LANDMARK_SIZE_PX = 256
BODY_LANDMARKS = 33
_ALL_LANDMARKS = 39
_ANCHOR_STRIDES = (8, 16, 32, 32, 32)
_ROI_SCALE = 1.25  # the landmark crop is 1.25 x the detector's body circle
_NMS_IOU = 0.3
_MAX_PEOPLE = 4  # landmark passes per frame, best detections first
_BOX_MARGIN = 0.12  # of the landmarks' box size, on each side
_BOX_HEAD_MARGIN = 0.10  # extra above the highest landmark (the nose is not the top of the head)
_VISIBLE = 0.5  # a landmark this visible counts for the box

# Measured on the shared clips (docs/pose.md): a person's score is the detector's score times the
# landmark model's pose presence; people kept at 0.5, a frame is re-tried rotated below 0.7 (no
# false find in an empty room reached 0.7; 6 of 65 reached 0.5, all in a turned frame).
MIN_PERSON_SCORE = 0.5
SURE_PERSON_SCORE = 0.7
ROTATIONS_DEG = (0, 90, 180, 270)
# OpenVINO threads per network: these small networks gain little from a second thread, and the
# analysis runs them beside the backbones (docs/pose.md: 114 against 165 CPU ms per frame).
INFERENCE_THREADS = 1


@dataclass(frozen=True)
class PersonPose:
    """One person found in one frame.

    box: the landmarks' box with a margin, in frame pixels, its score = `score`.
    landmarks: [33, 3] float32: x, y in frame pixels and visibility in [0, 1].
    score: detector score x pose presence, in [0, 1].
    rotation_deg: how far the frame was turned (clockwise) for the pass that found the person.
    """

    box: Box
    landmarks: np.ndarray
    score: float
    rotation_deg: int = 0


@dataclass(frozen=True)
class _Candidate:
    """A detector hit: normalised to [0, 1] of the detector's input (`decode_detections`), or
    in frame pixels (after `BlazePose._detect_view`)."""

    score: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2
    keypoints: np.ndarray  # [4, 2] x, y: hip centre, scale point, shoulder centre, upper body


def ssd_anchors() -> np.ndarray:
    """The detector's 2254 anchor centres [N, 2] (x, y in [0, 1]), in its output order.

    Layers with the same stride share one feature map; each layer puts two anchors on every
    cell (one aspect ratio plus the interpolated scale), all of unit size.
    """
    anchors: list[tuple[float, float]] = []
    layer = 0
    while layer < len(_ANCHOR_STRIDES):
        stride = _ANCHOR_STRIDES[layer]
        same = 0
        while layer + same < len(_ANCHOR_STRIDES) and _ANCHOR_STRIDES[layer + same] == stride:
            same += 1
        cells = math.ceil(DETECTOR_SIZE_PX / stride)
        for y in range(cells):
            for x in range(cells):
                anchors.extend([((x + 0.5) / cells, (y + 0.5) / cells)] * (2 * same))
        layer += same
    return np.asarray(anchors, dtype=np.float32)


def letterbox(frame: np.ndarray, size_px: int) -> tuple[np.ndarray, float, float, float]:
    """`frame` scaled to fit a `size_px` square, centred on black: (image, scale, pad_x, pad_y)
    with pad_x, pad_y the padding as fractions of the square's side."""
    height, width = frame.shape[:2]
    scale = size_px / max(height, width)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(frame, (new_w, new_h), interpolation=interpolation)
    out = np.zeros((size_px, size_px, 3), dtype=np.uint8)
    left, top = (size_px - new_w) // 2, (size_px - new_h) // 2
    out[top : top + new_h, left : left + new_w] = resized
    return out, scale, left / size_px, top / size_px


def decode_detections(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float
) -> list[_Candidate]:
    """The detector's raw outputs ([N, 12], [N, 1]) as candidates in letterbox coordinates
    normalised to [0, 1], above `min_score`, after non-maximum suppression."""
    logits = np.clip(raw_scores.reshape(-1).astype(np.float64), -100.0, 100.0)
    scores = 1.0 / (1.0 + np.exp(-logits))
    keep = np.flatnonzero(scores >= min_score)
    if keep.size == 0:
        return []
    raw = raw_boxes.reshape(-1, 12)[keep].astype(np.float64) / DETECTOR_SIZE_PX
    centres = anchors[keep].astype(np.float64)
    cx, cy = raw[:, 0] + centres[:, 0], raw[:, 1] + centres[:, 1]
    half_w, half_h = raw[:, 2] / 2, raw[:, 3] / 2
    keypoints = raw[:, 4:12].reshape(-1, 4, 2) + centres[:, None, :]
    candidates = [
        _Candidate(
            float(scores[i]),
            (
                float(cx[j] - half_w[j]),
                float(cy[j] - half_h[j]),
                float(cx[j] + half_w[j]),
                float(cy[j] + half_h[j]),
            ),
            keypoints[j].astype(np.float32),
        )  # fmt: skip
        for j, i in enumerate(keep)
    ]
    return _suppress(candidates)


def _suppress(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-maximum suppression, best first; overlapping hits leave only the best."""
    ordered = sorted(candidates, key=lambda c: -c.score)
    kept: list[_Candidate] = []
    for cand in ordered:
        box = Box(*cand.box, cand.score)
        if all(iou(box, Box(*k.box, k.score)) <= _NMS_IOU for k in kept):
            kept.append(cand)
    return kept


@dataclass(frozen=True)
class Roi:
    """The landmark model's crop: a square of side `size_px` centred on (cx, cy), turned by
    `angle_rad` (counter-clockwise in the image, y down) so that the body stands upright in it."""

    cx: float
    cy: float
    size_px: float
    angle_rad: float

    def crop_to_frame(self) -> np.ndarray:
        """The 2 x 3 affine map from crop pixels (0..LANDMARK_SIZE_PX) to frame pixels."""
        unit = self.size_px / LANDMARK_SIZE_PX
        cos, sin = math.cos(self.angle_rad) * unit, math.sin(self.angle_rad) * unit
        half = LANDMARK_SIZE_PX / 2
        return np.array(
            [
                [cos, -sin, self.cx - cos * half + sin * half],
                [sin, cos, self.cy - sin * half - cos * half],
            ],
            dtype=np.float64,
        )


def roi_from_keypoints(hip_xy: np.ndarray, scale_xy: np.ndarray) -> Roi:
    """The landmark crop from the detector's hip centre and scale point (frame pixels): centred
    on the hips, side 2 x 1.25 x their distance, turned so the scale point is straight up."""
    dx, dy = float(scale_xy[0] - hip_xy[0]), float(scale_xy[1] - hip_xy[1])
    angle = math.pi / 2 - math.atan2(-dy, dx)
    angle = (angle + math.pi) % (2 * math.pi) - math.pi
    size = 2.0 * math.hypot(dx, dy) * _ROI_SCALE
    return Roi(float(hip_xy[0]), float(hip_xy[1]), max(size, 1.0), angle)


FOLLOW_MARGIN = 1.15  # the crop grows by this for a fifth of a second's movement


def roi_from_landmarks(landmarks: np.ndarray) -> Roi | None:
    """The landmark crop for a body seen a moment ago: centred on the middle of its hips (of
    its seen landmarks where the hips are not seen), turned so that the middle of its shoulders
    is straight up, its side 2 x 1.25 x the body's reach from there (as the detector's circle),
    widened by FOLLOW_MARGIN. None with too few landmarks seen to place it."""
    seen = landmarks[:, 2] >= _VISIBLE
    if int(seen.sum()) < 4:
        return None
    xy = landmarks[:, :2].astype(np.float64)
    hips, shoulders = [23, 24], [11, 12]
    centre = xy[hips].mean(axis=0) if seen[hips].all() else xy[seen].mean(axis=0)
    up = xy[shoulders].mean(axis=0) - centre if seen[shoulders].all() else np.array([0.0, -1.0])
    reach = float(np.max(np.linalg.norm(xy[seen] - centre, axis=1)))
    if reach <= 0 or not np.isfinite(reach) or not np.any(up):
        return None
    angle = math.pi / 2 - math.atan2(-float(up[1]), float(up[0]))
    angle = (angle + math.pi) % (2 * math.pi) - math.pi
    size = 2.0 * reach * _ROI_SCALE * FOLLOW_MARGIN
    return Roi(float(centre[0]), float(centre[1]), size, angle)


def landmarks_box(landmarks: np.ndarray, width: int, height: int, score: float) -> Box | None:
    """The box of the visible body landmarks with a margin, inside the frame; None when too few
    landmarks are visible to place a body."""
    visible = landmarks[:, 2] >= _VISIBLE
    if int(visible.sum()) < 4:
        return None
    xy = landmarks[visible, :2]
    x1, y1 = xy.min(axis=0)
    x2, y2 = xy.max(axis=0)
    size = max(x2 - x1, y2 - y1)
    margin = _BOX_MARGIN * size
    box = Box(
        float(x1 - margin),
        float(y1 - margin - _BOX_HEAD_MARGIN * size),
        float(x2 + margin),
        float(y2 + margin),
        float(score),
    ).clipped(width, height)
    return box if box.area > 0 else None


# A body's visible landmarks span this share of the landmark crop's side at least: the crop is
# 1.25 x the detector's body circle, and people measured 0.53-0.85 on the shared clips, false
# finds (a shadow, a table, collapsed landmarks in glare) 0.13-0.36 (docs/pose.md).
MIN_CROP_FILL = 0.25


def fills_crop(landmarks: np.ndarray, roi: Roi) -> float:
    """The longer side of the box of the visible landmarks over the landmark crop's side."""
    visible = landmarks[:, 2] >= _VISIBLE
    if int(visible.sum()) < 4:
        return 0.0
    xy = landmarks[visible, :2]
    return float((xy.max(axis=0) - xy.min(axis=0)).max() / roi.size_px)


# The tiles are skipped where the whole frame showed only sure people at least this share of
# the frame's height tall.
TILE_SKIP_HEIGHT = 0.6
# A frame wider than this ratio is also searched in square tiles.
TILE_ASPECT = 1.3


def detector_views(width: int, height: int, tiles: bool = True) -> list[tuple[int, int, int, int]]:
    """The parts of a `width` x `height` frame the detector looks at, as (x0, y0, w, h): the
    whole frame, then, for a frame more than TILE_ASPECT times wider than tall, squares of its
    height spread evenly along its width, overlapping by at least half a square (so a person
    up to half the frame's height wide is whole in one of them). A portrait frame has no tiles:
    a standing person would not fit in one.

    The detector sees a 224 px letterbox: in a 16:9 frame a person is 1.8x larger in a tile."""
    views = [(0, 0, width, height)]
    if not tiles or width < TILE_ASPECT * height:
        return views
    count = math.ceil((width - height) / (height / 2)) + 1
    for k in range(count):
        views.append((round(k * (width - height) / (count - 1)), 0, height, height))
    return views


# A box within this share of the frame's width from its left or right side is at that side.
SIDE_EDGE_SHARE = 0.01


def someone_expected(last: list[PersonPose], before: list[PersonPose], width: int) -> bool:
    """Whether someone of `last` (the people of the frame before, in this frame's pixels) may
    still be in the frame, so that finding nobody upright is worth the turned passes: not one
    at the frame's left or right side, nor one whose centre, moving on as it moved since
    `before` (the people one step earlier, the nearest taken for the same person), is now
    past a side. Such a person walked out of the picture, and turning the frame does not
    bring them back (on room_people every loss was a walk out at the side, each costing 12
    detector runs and their landmark runs for nothing; docs/pose.md)."""
    margin = SIDE_EDGE_SHARE * width
    earlier = [_centre(p.box) for p in before]
    for person in last:
        if person.box.x1 <= margin or person.box.x2 >= width - margin:
            continue
        x, y = _centre(person.box)
        if earlier:
            x0, _ = min(earlier, key=lambda c: math.hypot(c[0] - x, c[1] - y))
            x += x - x0
        if 0.0 <= x <= width:
            return True
    return False


def _centre(box: Box) -> tuple[float, float]:
    return (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -60.0, 60.0)))


def _rotate(frame: np.ndarray, rotation_deg: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return frame if rotation_deg == 0 else cv2.rotate(frame, codes[rotation_deg])


def unrotate_points(xy: np.ndarray, rotation_deg: int, width: int, height: int) -> np.ndarray:
    """Points found in the frame turned clockwise by `rotation_deg`, back in the original frame
    of `width` x `height` pixels."""
    x, y = xy[..., 0], xy[..., 1]
    if rotation_deg == 90:  # turned frame is height wide: (x', y') = (height - y, x)
        out = np.stack([y, height - x], axis=-1)
    elif rotation_deg == 180:
        out = np.stack([width - x, height - y], axis=-1)
    elif rotation_deg == 270:  # (x', y') = (y, width - x)
        out = np.stack([width - y, x], axis=-1)
    else:
        out = np.stack([x, y], axis=-1)
    return out.astype(np.float32)


class BlazePose:
    """The two networks, compiled once; `find(frame)` gives the people of one RGB frame.

    Thread-safe: one inference at a time per network (the analysis calls it from its detection
    thread, the app may ask for the paused frame).
    """

    name = "pose"
    weak = False

    def __init__(
        self,
        detector_path: str | Path,
        landmark_path: str | Path,
        threads: int | None = INFERENCE_THREADS,
        min_score: float = MIN_PERSON_SCORE,
        try_rotations: bool = True,
        tiles: bool = True,
    ) -> None:
        try:
            import openvino as ov
        except ImportError:
            raise WeightsError("the pose model needs OpenVINO (pip install openvino)") from None
        core = ov.Core()
        config: dict = {"INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = int(threads)
        self._detector = _compile(
            core, Path(detector_path), config, (1, 224, 224, 3), _DETECTOR_OUTPUTS
        )
        self._landmarks = _compile(
            core, Path(landmark_path), config, (1, 256, 256, 3), _LANDMARK_OUTPUTS
        )
        self._anchors = ssd_anchors()
        self._lock = threading.Lock()
        self.min_score = min_score
        self.try_rotations = try_rotations
        self.tiles = tiles
        self._settings = (detector_path, landmark_path, threads, min_score, try_rotations, tiles)
        self._twin: BlazePose | None = None

    def twin(self) -> BlazePose:
        """A second copy of the networks with the same settings, made once and kept: one
        instance runs one inference at a time, so two threads that both need the pose model
        (the analysis finds people in the one-second frames in one and follows them through the
        5 fps frames in the other) each take one."""
        with self._lock:
            if self._twin is None:
                self._twin = BlazePose(*self._settings)
            return self._twin

    def detect(self, frames: list[np.ndarray]) -> list[list[Box]]:
        """The PersonDetector interface: each frame's people as boxes, best first."""
        return [[person.box for person in self.find(frame)] for frame in frames]

    def find(self, frame: np.ndarray, expect_person: bool = False) -> list[PersonPose]:
        """The people in one RGB frame, best score first.

        The detector looks at the whole frame and, in a wide frame, at square tiles of it (a
        person small in a 16:9 frame is twice as large in a tile). Where that upright pass finds
        someone unsure (below SURE_PERSON_SCORE), or nobody while `expect_person` (the caller
        saw someone a moment ago), the frame is tried turned by 90, 180 and 270 degrees: a
        person those passes find sure replaces the upright pass's find of the same body where
        it scores higher, or is added (a body upside down or lying). An unsure find of a turned
        pass is never kept: in an empty room they are shadows (docs/pose.md).
        """
        check_frame(frame)
        with self._lock:
            people = self._pass(frame, 0)
            unsure = any(p.score < SURE_PERSON_SCORE for p in people) or (
                not people and expect_person
            )
            if self.try_rotations and unsure:
                for rotation in ROTATIONS_DEG[1:]:
                    for found in self._pass(frame, rotation):
                        if found.score >= SURE_PERSON_SCORE:
                            people = _merged(people, found)
        return _distinct(sorted(people, key=lambda p: -p.score))

    def follow(self, frame: np.ndarray, previous: list[PersonPose]) -> list[PersonPose] | None:
        """The people of `previous` (a moment ago, in this frame's pixels) found again without
        the detector: each one's landmark crop is placed from their last landmarks (centred on
        the hips, turned so the shoulders are up, large enough for the whole body and a fifth of
        a second's movement), as MediaPipe tracks between detections.

        None when someone was lost (their crop no longer holds a body): the caller then looks
        at the frame with `find`. A person entering is not seen here: the caller runs `find`
        regularly (the analysis: every one-second frame).
        """
        check_frame(frame)
        height, width = frame.shape[:2]
        people = []
        with self._lock:
            for before in previous:
                roi = roi_from_landmarks(before.landmarks)
                if roi is None:
                    return None
                landmarks, presence = self._landmark_pass(frame, roi)
                if presence < self.min_score or fills_crop(landmarks, roi) < MIN_CROP_FILL:
                    return None
                box = landmarks_box(landmarks, width, height, presence)
                if box is None:
                    return None
                people.append(PersonPose(box, landmarks, float(presence), before.rotation_deg))
        return _distinct(sorted(people, key=lambda p: -p.score))

    def _pass(self, frame: np.ndarray, rotation: int) -> list[PersonPose]:
        """Detector on the whole frame turned by `rotation`, then landmarks for the best
        distinct candidates; then, in a wide frame, the same on its tiles unless the whole
        frame showed only people sure and tall (over TILE_SKIP_HEIGHT of the frame: nobody
        small is left to find larger). Results in the frame's pixels."""
        height, width = frame.shape[:2]
        whole, *tiles = detector_views(width, height, self.tiles)
        seen: list[_Candidate] = []
        people = self._landmarks_for(
            frame, rotation, self._detect_views(frame, rotation, [whole]), seen
        )
        tall = people and all(
            p.score >= SURE_PERSON_SCORE and p.box.height >= TILE_SKIP_HEIGHT * height
            for p in people
        )
        if tiles and not tall:
            found = self._detect_views(frame, rotation, tiles)
            people += self._landmarks_for(frame, rotation, found, seen)
        people.sort(key=lambda p: -p.score)
        return _distinct(people)

    def _detect_views(self, frame: np.ndarray, rotation: int, views) -> list[_Candidate]:
        found: list[_Candidate] = []
        for x0, y0, side_w, side_h in views:
            view = frame[y0 : y0 + side_h, x0 : x0 + side_w]
            found.extend(
                self._detect_view(_rotate(view, rotation), rotation, x0, y0, side_w, side_h)
            )
        return _suppress(found)

    def _landmarks_for(
        self, frame: np.ndarray, rotation: int, found: list[_Candidate], seen: list[_Candidate]
    ) -> list[PersonPose]:
        """Landmark passes for the best candidates not already in `seen` (added to it), up to
        _MAX_PEOPLE in all."""
        height, width = frame.shape[:2]
        people: list[PersonPose] = []
        for cand in found:
            if len(seen) >= _MAX_PEOPLE:
                break
            box = Box(*cand.box, cand.score)
            if any(iou(box, Box(*other.box, other.score)) > _NMS_IOU for other in seen):
                continue
            seen.append(cand)
            roi = roi_from_keypoints(cand.keypoints[0], cand.keypoints[1])
            landmarks, presence = self._landmark_pass(frame, roi)
            score = cand.score * presence
            if score < self.min_score or fills_crop(landmarks, roi) < MIN_CROP_FILL:
                continue
            person_box = landmarks_box(landmarks, width, height, score)
            if person_box is not None:
                people.append(PersonPose(person_box, landmarks, float(score), rotation))
        return people

    def _detect_view(
        self, image: np.ndarray, rotation: int, x0: int, y0: int, view_w: int, view_h: int
    ) -> list[_Candidate]:
        """The detector on one view (`image`: the view turned by `rotation`); candidates with
        their box and keypoints in the frame's pixels."""
        boxed, scale, pad_x, pad_y = letterbox(image, DETECTOR_SIZE_PX)
        pixels = boxed.astype(np.float32)[None] / 127.5 - 1.0
        raw_boxes, raw_scores = _by_size(self._detector(pixels), _DETECTOR_OUTPUTS)
        side = DETECTOR_SIZE_PX / scale  # letterbox square side in image pixels
        out = []
        for cand in decode_detections(raw_boxes, raw_scores, self._anchors, self.min_score):
            corners = np.array(cand.box, dtype=np.float64).reshape(2, 2)
            corners = np.array([corners[0], [corners[1, 0], corners[0, 1]], corners[1],
                                [corners[0, 0], corners[1, 1]]])  # fmt: skip
            points = np.concatenate([cand.keypoints.astype(np.float64), corners])
            points[:, 0] = (points[:, 0] - pad_x) * side
            points[:, 1] = (points[:, 1] - pad_y) * side
            points = unrotate_points(points, rotation, view_w, view_h).astype(np.float64)
            points += (x0, y0)
            box = (*points[4:].min(axis=0), *points[4:].max(axis=0))
            out.append(_Candidate(cand.score, tuple(float(v) for v in box), points[:4]))
        return out

    def _landmark_pass(self, image: np.ndarray, roi: Roi) -> tuple[np.ndarray, float]:
        """33 landmarks [x, y, visibility] in `image` pixels and the pose presence in one crop."""
        to_frame = roi.crop_to_frame()
        crop = cv2.warpAffine(
            image,
            to_frame,
            (LANDMARK_SIZE_PX, LANDMARK_SIZE_PX),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0),
        )
        outputs = self._landmarks(crop.astype(np.float32)[None] / 255.0)
        raw, flag = _by_size(outputs, _LANDMARK_OUTPUTS)
        presence = float(_pose_presence(flag))
        points = raw.reshape(_ALL_LANDMARKS, 5)[:BODY_LANDMARKS].astype(np.float64)
        homogeneous = np.concatenate([points[:, :2], np.ones((BODY_LANDMARKS, 1))], axis=1)
        landmarks = np.empty((BODY_LANDMARKS, 3), dtype=np.float32)
        landmarks[:, :2] = homogeneous @ to_frame.T
        # A landmark counts as seen when the model finds it both present in the crop and visible.
        landmarks[:, 2] = _sigmoid(points[:, 3]) * _sigmoid(points[:, 4])
        return landmarks, presence


def _pose_presence(flag: np.ndarray) -> float:
    """The landmark model's pose flag as a probability (it is a logit in some model builds)."""
    value = float(np.ravel(flag)[0])
    return value if 0.0 <= value <= 1.0 else float(_sigmoid(np.asarray(value)))


def _merged(people: list[PersonPose], found: PersonPose) -> list[PersonPose]:
    """`people` with `found` added, or in place of the one body it repeats if it scores higher
    (kept out if lower)."""
    same = [p for p in people if iou(p.box, found.box) >= _SAME_BODY_IOU]
    if not same:
        return [*people, found]
    if all(found.score > p.score + 0.05 for p in same):
        return [p for p in people if all(p is not q for q in same)] + [found]
    return people


_SAME_BODY_IOU = 0.3


def _inside_share(a: Box, b: Box) -> float:
    """The share of the smaller of two boxes that lies inside the other."""
    w = min(a.x2, b.x2) - max(a.x1, b.x1)
    h = min(a.y2, b.y2) - max(a.y1, b.y1)
    smaller = min(a.area, b.area)
    return max(w, 0.0) * max(h, 0.0) / smaller if smaller > 0 else 0.0


# A find whose box lies this much inside a better one's (or holds it) is the same body found
# twice (measured on the backflip clip: 0.75 and 1.0 for the same body found from two views).
SAME_BODY_INSIDE = 0.7


def _distinct(people: list[PersonPose]) -> list[PersonPose]:
    """Drop a person whose box mostly repeats a better one's (two detector hits, one body):
    IoU of 0.6, or the smaller box SAME_BODY_INSIDE inside the other."""
    kept: list[PersonPose] = []
    for person in people:
        if all(
            iou(person.box, other.box) < 0.6
            and _inside_share(person.box, other.box) < SAME_BODY_INSIDE
            for other in kept
        ):
            kept.append(person)
    return kept


# The outputs used, by their last dimension: the detector's boxes with keypoints and scores;
# the landmark model's 39 x 5 landmark values and its pose flag. (The landmark model also gives
# a segmentation mask, heatmaps and world landmarks, which nothing here reads.)
_DETECTOR_OUTPUTS = (12, 1)
_LANDMARK_OUTPUTS = (_ALL_LANDMARKS * 5, 1)


def _by_size(outputs: dict, last_dims: tuple[int, ...]) -> list[np.ndarray]:
    """The outputs whose last dimension is each of `last_dims`, in that order (the TFLite
    output names differ between model builds; their shapes do not)."""
    arrays = [np.asarray(value) for value in outputs.values()]
    return [arrays[i][0] for i in _indices_by_size([a.shape for a in arrays], last_dims)]


def _indices_by_size(shapes: list[tuple[int, ...]], last_dims: tuple[int, ...]) -> list[int]:
    """The index of the first unused 2- or 3-dimensional shape ending in each of `last_dims`."""
    found: list[int] = []
    for dim in last_dims:
        match = next(
            (
                i
                for i, shape in enumerate(shapes)
                if i not in found and len(shape) in (2, 3) and shape[-1] == dim
            ),
            None,
        )
        if match is None:
            raise WeightsError(f"the pose model has no output of size {dim}")
        found.append(match)
    return found


def _compile(
    core, path: Path, config: dict, input_shape: tuple[int, ...], last_dims: tuple[int, ...]
):
    """Read and compile one TFLite model, checking it has the shapes BlazePose has, with only
    the outputs `last_dims` names: the layers that feed nothing else are left out (the landmark
    model's mask and heatmap layers take about 40 % of its time; the outputs kept are the same
    to the bit)."""
    import openvino as ov

    try:
        model = core.read_model(str(path))
    except (RuntimeError, OSError) as exc:
        first = (str(exc).strip().splitlines() or ["unreadable"])[0][:160]
        raise WeightsError(f"{path}: not a readable pose model ({first})") from None
    shape = tuple(model.inputs[0].partial_shape.to_shape()) if model.inputs else ()
    if len(model.inputs) != 1 or shape != input_shape:
        raise WeightsError(f"{path}: not the BlazePose model expected (input {shape})")
    shapes = [
        tuple(out.partial_shape.to_shape()) if out.partial_shape.is_static else ()
        for out in model.outputs
    ]
    try:
        kept = _indices_by_size(shapes, last_dims)
    except WeightsError:
        raise WeightsError(f"{path}: not the BlazePose model expected (outputs {shapes})") from None
    pruned = ov.Model([model.outputs[i] for i in kept], model.get_parameters(), model.friendly_name)
    return core.compile_model(pruned, "CPU", config)

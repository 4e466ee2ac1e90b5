"""OpenCV's HOG people detector on real frames: recall, the largest-box rule, boxes in the frame."""

import cv2
import numpy as np
import pytest
from detect_helpers import every_second, frames_at

from judgeapp.detect import Box, HogDetector, iou, largest_box

SQUATS = "squats_portrait_5fps.mp4"
# The athlete in the squats clip at t = 0 s (720 x 1280), annotated by hand: head to shoes,
# left hand to right hand.
ATHLETE_AT_0S = Box(180, 165, 520, 1020, score=1.0)


@pytest.fixture(scope="module")
def detector() -> HogDetector:
    cv2.setNumThreads(1)  # several test runs share this machine
    return HogDetector()


def shirt_pixels(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (xs, ys) of the athlete's pink shirt and band: strong red, weak green."""
    red, green, blue = (frame[..., c].astype(int) for c in range(3))
    ys, xs = np.nonzero((red > 170) & (green < 90) & (blue > 60))
    return xs, ys


def covers_athlete(frame: np.ndarray, box: Box | None) -> bool:
    """The box holds most of the athlete's shirt and is person-sized, not the whole frame."""
    if box is None:
        return False
    height, width = frame.shape[:2]
    xs, ys = shirt_pixels(frame)
    inside = (xs >= box.x1) & (xs <= box.x2) & (ys >= box.y1) & (ys <= box.y2)
    return inside.mean() >= 0.8 and box.height >= 0.25 * height and box.width <= 0.8 * width


def test_hog_finds_the_athlete_in_most_1fps_squat_frames(detector):
    frames = every_second(SQUATS)
    assert len(frames) == 13
    results = detector.detect(frames)
    found = [covers_athlete(f, largest_box(b)) for f, b in zip(frames, results, strict=True)]
    rate = sum(found) / len(frames)
    # The issue asks for most frames (> 50%); this detector finds her in all 13 today.
    assert rate >= 0.75, f"athlete found in {sum(found)}/{len(frames)} frames"


def test_largest_box_is_on_the_athlete_at_0s(detector):
    (frame,) = frames_at(SQUATS, [0.0])
    box = largest_box(detector.detect_one(frame))
    assert box is not None and iou(box, ATHLETE_AT_0S) > 0.5, box


def compose_two_people(big: np.ndarray, small_source: np.ndarray, scale: float) -> np.ndarray:
    """The full-size frame on the left and a `scale`-d copy of another frame beside it on the
    right, standing on the floor, the space above it filled by repeating its top row."""
    height = big.shape[0]
    small = cv2.resize(small_source, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.copyMakeBorder(small, height - small.shape[0], 0, 0, 0, cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(np.hstack([big, small]))


@pytest.mark.parametrize("mirrored", [False, True])
def test_largest_box_rule_picks_the_athlete_over_a_smaller_person(detector, mirrored):
    big, other = frames_at(SQUATS, [0.0, 4.0])
    image = compose_two_people(big, other, scale=0.6)
    expected = ATHLETE_AT_0S
    small_x1 = big.shape[1]  # the smaller person's frame starts where the big one ends
    if mirrored:
        image = np.ascontiguousarray(image[:, ::-1])
        width = image.shape[1]
        expected = Box(width - expected.x2, expected.y1, width - expected.x1, expected.y2, 1.0)
    boxes = detector.detect_one(image)

    def on_small_person(b: Box) -> bool:
        centre_x = (b.x1 + b.x2) / 2
        beside = centre_x < image.shape[1] - small_x1 if mirrored else centre_x > small_x1
        return beside and 0.25 * image.shape[0] < b.height < 0.6 * image.shape[0]

    assert any(on_small_person(b) for b in boxes), f"the smaller person was not found: {boxes}"
    chosen = largest_box(boxes)
    assert chosen is not None and iou(chosen, expected) > 0.5, chosen


def test_boxes_lie_inside_the_frame(detector):
    # The juggler fills the frame from top to bottom, so windows hang over its edges.
    frames = frames_at("juggle_720p24.mp4", [0.0, 3.0, 6.0, 9.0]) + every_second(SQUATS)[:3]
    results = detector.detect(frames)
    assert sum(bool(boxes) for boxes in results) == len(frames)
    for frame, boxes in zip(frames, results, strict=True):
        height, width = frame.shape[:2]
        for b in boxes:
            assert 0 <= b.x1 < b.x2 <= width and 0 <= b.y1 < b.y2 <= height, b
        assert [b.score for b in boxes] == sorted((b.score for b in boxes), reverse=True)


def test_empty_room_has_no_person(detector):
    frames = frames_at("room_people_139s.mp4", [0.0, 2.0, 4.0, 6.0])  # nobody enters before 7 s
    assert detector.detect(frames) == [[], [], [], []]


def test_tiny_frames_and_bad_frames():
    detector = HogDetector()
    assert detector.detect([np.zeros((40, 30, 3), np.uint8)]) == [[]]
    with pytest.raises(ValueError, match="H x W x 3"):
        detector.detect([np.zeros((40, 30), np.uint8)])
    with pytest.raises(ValueError, match="uint8"):
        detector.detect([np.zeros((40, 30, 3), np.float32)])

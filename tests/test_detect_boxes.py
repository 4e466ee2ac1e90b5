"""Boxes, overlap, non-maximum suppression and the largest-box rule."""

import pytest

from judgeapp.detect import Box, iou, largest_box, non_max_suppression


def test_box_area_and_clipping():
    box = Box(-10.0, 5.0, 50.0, 120.0, score=0.9)
    assert box.area == pytest.approx(60.0 * 115.0)
    inside = box.clipped(width=40, height=100)
    assert inside == Box(0.0, 5.0, 40.0, 100.0, score=0.9)
    outside = Box(200.0, 200.0, 300.0, 300.0, 0.5).clipped(100, 100)
    assert outside.area == 0.0
    assert 0 <= outside.x1 <= outside.x2 <= 100 and 0 <= outside.y1 <= outside.y2 <= 100


def test_iou():
    a = Box(0, 0, 10, 10, 1.0)
    assert iou(a, a) == pytest.approx(1.0)
    assert iou(a, Box(5, 0, 15, 10, 1.0)) == pytest.approx(50 / 150)
    assert iou(a, Box(20, 20, 30, 30, 1.0)) == 0.0


def test_nms_keeps_the_best_of_each_overlapping_group():
    person_a = [Box(0, 0, 100, 200, 0.9), Box(5, 5, 105, 205, 0.95), Box(-5, 0, 95, 200, 0.3)]
    person_b = [Box(300, 0, 380, 160, 0.5), Box(302, 2, 382, 162, 0.6)]
    far_off = [Box(600, 0, 610, 20, 0.1)]
    kept = non_max_suppression(person_b + far_off + person_a, iou_threshold=0.4)
    assert kept == [Box(5, 5, 105, 205, 0.95), Box(302, 2, 382, 162, 0.6), far_off[0]]


def test_nms_keeps_boxes_that_overlap_less_than_the_threshold():
    left, right = Box(0, 0, 10, 10, 0.9), Box(6, 0, 16, 10, 0.8)  # IoU 4/16 = 0.25
    assert non_max_suppression([left, right], iou_threshold=0.3) == [left, right]
    assert non_max_suppression([left, right], iou_threshold=0.2) == [left]
    assert non_max_suppression([], iou_threshold=0.5) == []


def test_largest_box_picks_the_biggest_not_the_best_scoring():
    audience = Box(0, 0, 40, 80, score=2.5)
    athlete = Box(100, 50, 300, 500, score=0.4)
    assert largest_box([audience, athlete]) == athlete
    assert largest_box([]) is None

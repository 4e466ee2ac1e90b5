"""Issue 20 in the application layer (no Qt): the part of a long video the model scored (item 3),
the zoomed timeline paging to keep the playhead in sight (item 4), and "Trained on" saying the
same for a fresh result and the same result reopened (item 9)."""

from __future__ import annotations

import dataclasses

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.app.attention_view import timeline_model
from judgeapp.app.score_view import CardFacts, score_view, scored_window, trained_on_text
from judgeapp.app.zoom import FOLLOW_MARGIN, follow_range
from judgeapp.core.results import UNTRAINED_HEAD, CalibrationReason, SegmentWeight


def _windowed(result, first: int, last: int):
    """`result` as a head with a centred window scores it: weight only on segments
    first..last (softmax inside, exactly zero outside)."""
    inside = result.dynamic[first : last + 1]
    total = sum(s.weight for s in inside)
    dynamic = [
        SegmentWeight(s.start_s, s.end_s, s.weight / total if first <= k <= last else 0.0)
        for k, s in enumerate(result.dynamic)
    ]
    return dataclasses.replace(result, dynamic=dynamic)


def test_a_long_video_scored_in_a_centred_window_has_its_two_ends_unscored():
    result = _windowed(make_result(fake_video_info(duration_s=139.4)), 8, 33)  # as room_people
    model = timeline_model(result)
    window = scored_window(model.steps, model.duration_s, model.point_y)
    assert (window.start_s, window.end_s) == pytest.approx((25.6, 108.8))
    assert [pytest.approx(span) for span in window.unscored] == [(0.0, 25.6), (108.8, 139.4)]
    assert window.label == "not scored"
    assert "25.6-108.8 s" in window.tooltip and "26 of " in window.tooltip
    assert "no weight" in window.tooltip


def test_a_video_scored_whole_has_nothing_unscored():
    result = make_result(fake_video_info(duration_s=40.0))
    model = timeline_model(result)
    assert scored_window(model.steps, model.duration_s, model.point_y) is None
    assert scored_window([], 10.0) is None


def test_only_the_end_unscored_when_the_window_starts_at_zero():
    steps = [(k * 3.2, (k + 1) * 3.2, 0.1 if k < 5 else 0.0) for k in range(8)]
    window = scored_window(steps, 25.6, [0.5, 0.5, 0.0])
    assert [pytest.approx(span) for span in window.unscored] == [(16.0, 25.6)]
    assert "1 of the 3 athlete frames fall outside it" in window.tooltip


@pytest.mark.parametrize(
    ("view", "time_s", "expected"),
    [
        ((48.0, 72.0), 60.0, None),  # in sight: the view stays
        ((48.0, 72.0), 72.0, None),  # on the edge is in sight
        ((48.0, 72.0), 80.0, (80.0 - 24 * FOLLOW_MARGIN, 104.0 - 24 * FOLLOW_MARGIN)),  # N
        ((48.0, 72.0), 72.04, (72.04 - 1.2, 96.04 - 1.2)),  # played past the edge: a page
        ((48.0, 72.0), 30.0, (30.0 + 1.2 - 24, 30.0 + 1.2)),  # back: it sits near the right
        ((48.0, 72.0), 138.0, (115.4, 139.4)),  # kept inside the video
        ((48.0, 72.0), 0.5, (0.0, 24.0)),
        ((0.0, 139.4), 80.0, None),  # the whole video: nothing to follow
    ],
)
def test_a_zoomed_timeline_pages_to_keep_the_playhead_in_sight(view, time_s, expected):
    got = follow_range(*view, time_s, 139.4)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)
        assert got[0] <= time_s <= got[1] and got[1] - got[0] == pytest.approx(24.0)


def test_trained_on_is_the_same_for_a_fresh_result_and_the_same_result_reopened():
    result = make_result(fake_video_info())
    reason = CalibrationReason(UNTRAINED_HEAD, "the head is untrained (--model random)")
    result = dataclasses.replace(
        result, model=dataclasses.replace(result.model, uncalibrated=(reason,))
    )
    fresh = dict(score_view(result, CardFacts(trained=False)).rows)  # from the checkpoint
    reopened = dict(score_view(result, CardFacts()).rows)  # from the library: no card facts
    assert fresh["Trained on"] == reopened["Trained on"] == "untrained"
    assert trained_on_text(result, "RG ball, 250 routines", True) == "RG ball, 250 routines"
    trained = dataclasses.replace(result, model=dataclasses.replace(result.model, uncalibrated=()))
    assert trained_on_text(trained, "", None) == "—"  # a trained head whose card is not known

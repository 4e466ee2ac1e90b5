"""Judges' deductions against the model's attention (core/disagreement.py), on hand-made results
whose weights are known, so every percentile and every ordering is checked exactly."""

from __future__ import annotations

import dataclasses

import pytest
from report_helpers import fake_video_info
from ui_helpers import hand_result

from judgeapp.core.disagreement import judge_disagreement, percentiles, target_attentions
from judgeapp.core.marks import Mark
from judgeapp.core.results import TargetScore

# Ten 3.2 s segments; sorted ascending the indices are 0 4 6 1 8 3 9 7 5 2 (percentile k/9).
DYNAMIC = [0.02, 0.05, 0.30, 0.08, 0.03, 0.20, 0.04, 0.12, 0.06, 0.10]
STATIC = [(float(t), w) for t, w in zip(range(32), [0.01, 0.05] * 16, strict=True)]


def routine():
    info = fake_video_info("disagree.mp4", duration_s=32.0)
    static = [(t, w / sum(w for _, w in STATIC)) for t, w in STATIC]
    return hand_result(info, DYNAMIC, static)


def deduction(mark_id: int, time_s: float, kind: str = "deduction") -> Mark:
    return Mark(
        mark_id, "sha", time_s, kind, f"mark {mark_id}", 0.3 if kind == "deduction" else None
    )


def test_percentile_is_the_share_of_other_instances_weighted_less() -> None:
    assert percentiles([0.1, 0.4, 0.2, 0.3]) == pytest.approx([0.0, 100.0, 100 / 3, 200 / 3])
    assert percentiles([0.25, 0.25, 0.5]) == pytest.approx([25.0, 25.0, 100.0])  # ties: half
    assert percentiles([1.0]) == [50.0]


def test_marks_on_low_and_high_attention_are_ordered_least_attended_first() -> None:
    result = routine()
    marks = [
        deduction(1, 7.0),  # segment 2, the most attended (0.30)
        deduction(2, 1.0),  # segment 0, the least attended (0.02)
        deduction(3, 14.0),  # segment 4 (0.03), second least
        deduction(4, 23.0),  # segment 7 (0.12), third most
        deduction(5, 17.0, kind="comment"),  # not a deduction: not judged
    ]
    found = judge_disagreement(result, marks, top_k=3)
    assert found.targets == ("total",)
    assert [row.mark.id for row in found.marks] == [2, 3, 4, 1]
    assert [row.segment for row in found.marks] == [0, 4, 7, 2]
    assert [row.percentile for row in found.marks] == pytest.approx([0.0, 100 / 9, 700 / 9, 100.0])
    assert [row.weight for row in found.marks] == pytest.approx([0.02, 0.03, 0.12, 0.30])
    # Static frames alternate low (even seconds) and high (odd): 1 s is high, 14 s low.
    assert found.marks[0].static_percentile == pytest.approx(100.0 * 23.5 / 31)
    assert found.marks[1].static_weight == pytest.approx(0.01 / 0.96)
    # Of the three most attended segments (2, 5, 7), only 5 has no deduction near: the
    # comment at 17 s does not count.
    assert [(m.segment, m.rank) for m in found.unmarked] == [(5, 2)]
    assert (found.unmarked[0].start_s, found.unmarked[0].end_s) == pytest.approx((16.0, 19.2))
    assert found.unplaced == ()


def test_unmarked_moments_stop_at_uniform_attention_and_honour_the_tolerance() -> None:
    result = routine()
    # top_k=6 would reach segment 9 (0.10 = uniform 1/10) and 3 (0.08): not above uniform.
    found = judge_disagreement(result, [deduction(1, 7.0)], top_k=6)
    assert [(m.segment, m.rank) for m in found.unmarked] == [(5, 2), (7, 3)]
    # A deduction 0.9 s after segment 5 ends (19.2 s) is near it; 1.1 s after is not.
    near = judge_disagreement(result, [deduction(1, 20.1)], top_k=3)
    assert [m.segment for m in near.unmarked] == [2, 7]
    far = judge_disagreement(result, [deduction(1, 20.3)], top_k=3)
    assert [m.segment for m in far.unmarked] == [2, 5, 7]
    wide = judge_disagreement(result, [deduction(1, 20.3)], top_k=3, tolerance_s=1.5)
    assert [m.segment for m in wide.unmarked] == [2, 7]


def test_a_mark_past_the_segments_takes_the_last_within_the_tolerance() -> None:
    result = routine()  # segments end at 32.0 s
    found = judge_disagreement(result, [deduction(1, 32.0), deduction(2, 34.0)])
    assert [row.segment for row in found.marks] == [9]
    assert [m.id for m in found.unplaced] == [2]


def test_no_athlete_frame_near_a_mark_gives_no_static_percentile() -> None:
    result = routine()
    result.static = [f for f in result.static if not 5.0 <= f.time_s <= 9.0]
    row = judge_disagreement(result, [deduction(1, 7.0)]).marks[0]
    assert row.static_weight is None and row.static_percentile is None
    assert row.percentile == 100.0  # the dynamic stream still places it


def test_a_model_set_is_judged_per_target_on_its_own_attention() -> None:
    result = routine()
    reverse = tuple(reversed(DYNAMIC))  # execution attends where total does not
    result.scores = {
        "total": TargetScore(12.5, 11.0, 14.0, (11.0, 12.5, 14.0), 25.0),  # the result's own
        "difficulty": TargetScore(6.0, 5.0, 7.0, (5.0, 6.0, 7.0), 10.0),  # none recorded
        "execution": TargetScore(7.0, 6.0, 8.0, (6.0, 7.0, 8.0), 10.0, dynamic=reverse),
    }
    assert [a.target for a in target_attentions(result)] == ["total", "execution"]
    found = judge_disagreement(result, [deduction(1, 7.0)], top_k=1)
    assert found.targets == ("total", "execution")
    by_target = {row.target: row for row in found.marks}
    assert by_target["total"].percentile == 100.0
    # Segment 2 of the reversed weights is DYNAMIC[7] = 0.12: percentile 7/9.
    assert by_target["execution"].weight == pytest.approx(0.12)
    assert by_target["execution"].percentile == pytest.approx(700 / 9)
    assert by_target["execution"].static_percentile is None  # no static attention recorded
    assert [row.target for row in found.marks] == ["execution", "total"]  # least attended first
    # total's most attended segment (2) is marked; execution's (7, i.e. DYNAMIC[2]) is not.
    assert [(m.target, m.segment) for m in found.unmarked] == [("execution", 7)]


def test_a_result_without_attention_has_nothing_to_judge() -> None:
    result = dataclasses.replace(routine(), dynamic=[], static=[])
    found = judge_disagreement(result, [deduction(1, 7.0)])
    assert found.targets == () and found.empty


# ------------------------------------------------------------------ what the dock and lane show


def test_view_rows_lane_and_sorting() -> None:
    from judgeapp.app.disagreement_view import (
        UNMARKED_RGB,
        disagreement_view,
        percentile_rgb,
        percentile_text,
        sort_rows,
    )

    result = routine()
    view = disagreement_view(result, [deduction(1, 7.0), deduction(2, 1.0), deduction(4, 23.0)])
    assert [r.moment for r in view.rows] == [
        "#2 deduction -0.3",
        "#4 deduction -0.3",
        "#1 deduction -0.3",
        "A2 unmarked",  # ranks 4 and 5 are not above uniform attention
    ]
    assert [r.percentile_text for r in view.rows[:3]] == ["0th", "78th", "100th"]
    assert view.rows[3].time == "0:16.0-0:19.2" and view.rows[3].rgb == UNMARKED_RGB
    by_time = sort_rows(view.rows, "time", descending=False)
    assert [r.time_s for r in by_time] == sorted(r.time_s for r in view.rows)
    by_pct = sort_rows(view.rows, "percentile", descending=True)
    assert by_pct[0].moment == "#1 deduction -0.3"
    assert [m.time_s for m in view.lane.marks] == [1.0, 7.0, 23.0]
    assert view.lane.marks[0].rgb == percentile_rgb(0.0) == (33, 102, 172)
    assert view.lane.marks[1].rgb == percentile_rgb(100.0) == (200, 30, 30)
    assert [(s.start_s, s.label) for s in view.lane.spans][0] == (16.0, "A2")
    assert percentile_text(1.0) == "1st" and percentile_text(12.0) == "12th"
    assert "3 deduction marks" in view.summary and "within 1 s" in view.summary
    assert disagreement_view(None, []).rows == ()


def test_view_of_one_target_of_a_model_set() -> None:
    from judgeapp.app.disagreement_view import disagreement_view

    result = routine()
    result.scores = {
        "total": TargetScore(12.5, 11.0, 14.0, (11.0, 14.0), 25.0),
        "execution": TargetScore(7.0, 6.0, 8.0, (6.0, 8.0), 10.0, dynamic=tuple(DYNAMIC[::-1])),
    }
    marks = [deduction(1, 7.0)]
    both = disagreement_view(result, marks)
    assert both.targets == ("total", "execution") and both.target is None
    assert {r.target for r in both.rows} == {"total", "execution"}
    assert both.lane.target == "total"
    one = disagreement_view(result, marks, "execution")
    assert one.target == "execution" and {r.target for r in one.rows} == {"execution"}
    assert one.lane.target == "execution"
    assert [m.rgb for m in one.lane.marks] != [m.rgb for m in both.lane.marks]
    assert disagreement_view(result, marks, "difficulty").target is None  # not judged: all

"""The score view of a model set (schema /2): D, E and total with intervals, coverage, the
panel's scores beside them, and the consistency of predicted D + E with the predicted total."""

from __future__ import annotations

import dataclasses

import pytest
from report_helpers import fake_video_info, make_result
from score_helpers import set_result

from judgeapp.app.score_view import score_view, targets_view
from judgeapp.core.marks import PanelScore
from judgeapp.report.scores import Consistency, consistency


def test_one_head_shows_as_before():
    result = make_result(fake_video_info(), score=17.25)
    view = score_view(result, panel=PanelScore(18.0, 8.0, 10.5))
    assert view.targets is None
    assert view.score_text == "17.25" and view.range_text == "of 25 (total)"


def test_a_set_lists_d_e_and_total_with_intervals_coverage_and_the_panel():
    view = score_view(set_result(), panel=PanelScore(18.0, 8.0, 10.5))
    rows = view.targets.rows
    assert [r.label for r in rows] == ["Difficulty (D)", "Execution (E)", "Total"]
    difficulty, execution, total = rows
    assert (total.value, total.interval) == ("17.25 / 25", "16.80 – 17.70")
    assert total.coverage == (
        "interval held the true score for 72 % of validation videos, mean width 0.9"
    )
    assert total.coverage_short == "coverage 72 % on validation, mean width 0.9"
    assert execution.coverage == "" and execution.coverage_short == ""  # not measured
    assert (difficulty.panel, difficulty.difference) == ("8.00", "+0.40")
    assert (execution.panel, execution.difference) == ("10.50", "-1.60")
    assert (total.panel, total.difference) == ("18.00", "-0.75")
    assert view.score_text == "17.25"


def test_the_panel_outside_an_interval_is_marked_and_inside_is_not():
    rows = targets_view(set_result(), PanelScore(17.5, 8.5, 9.5)).rows
    outside = {r.name: r.outside for r in rows}
    # D 8.1..8.7 holds 8.5; E 8.65..9.15 does not hold 9.5; total 16.8..17.7 holds 17.5.
    assert outside == {"difficulty": False, "execution": True, "total": False}


def test_without_a_panel_score_the_panel_cells_are_empty():
    rows = targets_view(set_result(), None).rows
    assert all(r.panel == "" and r.difference == "" and not r.outside for r in rows)


def test_a_panel_without_parts_compares_the_total_only():
    rows = {r.name: r for r in targets_view(set_result(), PanelScore(17.0)).rows}
    assert rows["total"].difference == "+0.25"
    assert rows["difficulty"].panel == "" and rows["execution"].difference == ""


@pytest.mark.parametrize(
    "difficulty, execution, flagged",
    [
        (8.4, 8.9, False),  # D + E = 17.30, gap +0.05, inside 16.80..17.70
        (8.4, 9.3, False),  # D + E = 17.70 exactly at the interval's end: still inside
        (8.4, 9.4, True),  # D + E = 17.80, gap +0.55 > half width 0.45
        (8.0, 8.7, True),  # D + E = 16.70, gap -0.55 below the interval
    ],
)
def test_consistency_is_flagged_when_d_plus_e_leaves_the_totals_interval(
    difficulty, execution, flagged
):
    view = targets_view(set_result(difficulty, execution, total=17.25, total_halfwidth=0.45))
    assert view.inconsistent is flagged
    parts = difficulty + execution
    where = "outside" if flagged else "within"
    assert view.consistency == (
        f"D + E = {parts:.2f} beside total 17.25: gap {parts - 17.25:+.2f}, "
        f"{where} the total's interval"
    )
    assert f"Predicted D + E = {parts:.2f}" in view.consistency_full
    assert "predicted total 17.25" in view.consistency_full
    assert view.consistency_full.startswith("Inconsistent.") is flagged


def test_for_a_centred_interval_the_flag_is_a_gap_above_half_the_width():
    for gap in (-0.46, -0.44, 0.0, 0.44, 0.46):
        check = Consistency(parts_sum=17.25 + gap, total=17.25, low=16.8, high=17.7)
        assert check.flagged is (abs(gap) > 0.45)


def test_the_consistency_line_names_the_panels_penalty():
    view = targets_view(set_result(), PanelScore(18.0, 8.0, 10.5))
    assert view.consistency_full.endswith("The panel's penalty was 0.50.")
    assert "penalty" not in targets_view(set_result(), PanelScore(17.0)).consistency_full


def test_no_consistency_line_unless_d_e_and_total_are_all_predicted():
    result = set_result()
    two = dataclasses.replace(
        result, scores={k: v for k, v in result.scores.items() if k != "execution"}
    )
    assert consistency(two.scores) is None
    view = targets_view(two)
    assert view.consistency == "" and not view.inconsistent
    assert [r.name for r in view.rows] == ["difficulty", "total"]


def test_a_set_without_a_total_shows_its_first_target_as_the_big_number():
    result = set_result()
    scores = {"difficulty": result.scores["difficulty"]}
    only = dataclasses.replace(result, scores=scores, score=scores["difficulty"].value)
    view = score_view(only)
    assert view.score_text == "8.40" and view.range_text.endswith("(difficulty)")


def test_the_model_card_names_a_sets_targets_and_members():
    rows = dict(score_view(set_result()).rows)
    assert rows["Target"] == "difficulty (of 12), execution (of 10), total (of 25); 3 members each"
    assert dict(score_view(make_result(fake_video_info())).rows)["Target"] == "total score"

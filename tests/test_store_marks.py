"""Mark and panel-score values: time formats judges type and read."""

from __future__ import annotations

import pytest

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import (
    PanelScore,
    check_panel_range,
    format_time,
    panel_score,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:23.4", 83.4), ("83.4", 83.4), ("0:05", 5.0), (" 2:00 ", 120.0), ("1:00:01.5", 3601.5)],
)
def test_parse_time(text: str, seconds: float) -> None:
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "1:75", "-3", "1:2:3:4", "1:", "nan", "inf"])
def test_parse_time_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(JudgeappError, match="not a time"):
        parse_time(text)


def test_format_time_round_trips_to_a_tenth() -> None:
    for seconds in (0.0, 5.04, 59.96, 83.25, 754.5):
        assert parse_time(format_time(seconds)) == pytest.approx(round(seconds, 1), abs=1e-9)
    assert format_time(59.96) == "1:00.0"


def test_panel_value_by_target() -> None:
    panel = PanelScore(18.0, difficulty=8.5)
    assert panel.value("total") == 18.0 and panel.value("difficulty") == 8.5
    assert panel.value("execution") is None


def test_panel_score_adds_up_and_refuses_parts_that_do_not() -> None:
    assert panel_score(None, 8.5, 9.0, 0.3) == PanelScore(17.2, 8.5, 9.0)
    assert panel_score(17.2, 8.5, 9.0).penalty == pytest.approx(0.3)
    assert panel_score(18.0) == PanelScore(18.0) and PanelScore(18.0).penalty is None
    for args, words in (
        ((None, 8.5, None), "enter the panel's total"),
        ((18.0, 8.5, 9.0), "more than difficulty"),
        ((17.0, 8.5, 9.0, 0.3), "not difficulty"),
        ((None, 1.0, 1.0, 5.0), "penalty 5 is more than"),
        ((10.0, None, None, -1.0), "penalty -1 must be"),
    ):
        with pytest.raises(JudgeappError, match=words):
            panel_score(*args)


def test_panel_range_checks_only_the_scales_it_knows() -> None:
    check_panel_range(PanelScore(130.0), {})  # a skating total: no scale known, accepted
    check_panel_range(PanelScore(25.0, 12.0), {"total": 25.0})
    with pytest.raises(JudgeappError, match="panel total 30 is outside the score range 0-25"):
        check_panel_range(PanelScore(30.0), {"total": 25.0})
    with pytest.raises(JudgeappError, match="difficulty 12 is outside the score range 0-10"):
        check_panel_range(PanelScore(20.0, 12.0), {"difficulty": 10.0})

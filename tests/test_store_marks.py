"""Mark and panel-score values: time formats judges type and read."""

from __future__ import annotations

import pytest

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import PanelScore, format_time, parse_time


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

"""Hostile analysis JSON (issue 11, classes 9 and 10): any file gives a result or one line
`error: FILE: ...` naming the field; the `report` command never shows another exception."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hostile_helpers import json_paths, json_values, replaced
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import fake_video_info, make_result

from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import MAX_TIME_S
from judgeapp.core.results import AnalysisResult


def _good() -> dict:
    return make_result(fake_video_info(duration_s=20.0)).to_dict()


def _write(tmp_path, data, name="analysis.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


GOOD = _good()
PATHS = list(json_paths(GOOD, items=2))


def _load_or_error(tmp_path, text: str) -> AnalysisResult | None:
    path = _write(tmp_path, text)
    try:
        result = AnalysisResult.load(path)
    except JudgeappError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: "), message
        assert "\n" not in message
        return None
    # Whatever is accepted is a sound result.
    assert 0 <= result.score <= result.model.score_max
    assert isinstance(result.model.calibrated, bool)
    assert all(isinstance(w, str) for w in result.warnings)
    for item in [*result.dynamic, *result.static]:
        assert math.isfinite(item.weight) and 0 <= item.weight <= 1
    assert all(len(f.box) == 4 for f in result.static)
    return result


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(index=st.integers(0, len(PATHS) - 1), value=json_values)
def test_any_field_replaced_gives_a_result_or_one_line(tmp_path, index, value):
    doc = replaced(GOOD, PATHS[index], value)
    _load_or_error(tmp_path, json.dumps(doc))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_any_json_document_gives_a_result_or_one_line(tmp_path, value):
    assert _load_or_error(tmp_path, json.dumps(value)) is None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_gives_one_line(tmp_path, text):
    _load_or_error(tmp_path, text)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["score"], 30.0, "score is 30, above 25"),
        (["score"], -1.0, "score is -1, below 0"),
        (["score"], float("nan"), "score must be a finite number"),
        (["model", "score_max"], 0, "model.score_max is 0, must be above 0"),
        (["model", "calibrated"], "false", "model.calibrated must be true or false"),
        (["warnings"], "untrained", "warnings must be a list"),
        (["dynamic", 0, "weight"], float("nan"), "dynamic[0].weight must be a finite number"),
        (["static", 1, "box"], [1, 2, 3], "static[1].box must hold 4 numbers"),
        (["video", "duration_s"], 10**400, "video.duration_s is out of range"),
        (["video"], [], "video must be a JSON object"),
    ],
)
def test_bad_fields_are_refused_by_name(tmp_path, path, value, field):
    doc = replaced(GOOD, path, value)
    text = json.dumps(doc)  # NaN is written as NaN, as Python's json reads it
    with pytest.raises(JudgeappError) as info:
        AnalysisResult.load(_write(tmp_path, text))
    assert field in str(info.value)


def test_a_good_result_still_round_trips(tmp_path):
    result = AnalysisResult.load(_write(tmp_path, GOOD))
    assert result.to_dict() == GOOD


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2, 3]",
        "[" * 100_000 + "]" * 100_000,
        '{"schema": "judgeapp.analysis/1", "score": 1e999}',
    ],
    ids=["a list", "nested deeply", "huge number"],
)
def test_report_command_gives_the_one_line_contract(tmp_path, capsys, text):
    path = _write(tmp_path, text)
    code = main(["report", str(path), "--out", str(tmp_path / "r.csv"), "--no-library"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith(f"error: {path}: not a judgeapp analysis"), err
    assert "unexpected" not in err and "\n" not in err
    assert not (tmp_path / "r.csv").exists()


def test_report_on_a_huge_duration_finishes(tmp_path):
    """Class 7: the timeline's tick loop once ran for ever on a duration of 1e15 s. Since
    issue 24 (class 12) a result's times are at most MAX_TIME_S (1e9 s, tests/
    test_hostile_times.py): the longest duration a result may hold still reports."""
    doc = replaced(GOOD, ["video", "duration_s"], MAX_TIME_S)
    path = _write(tmp_path, doc)
    out = tmp_path / "r.html"
    run = subprocess.run(
        [sys.executable, "-m", "judgeapp", "report", str(path), "--out", str(out), "--no-library"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0

"""Schema judgeapp.analysis/2: a model set's targets with intervals; /1 stays /1."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.core.results import SCHEMA, SCHEMA_V2, AnalysisResult, TargetScore


def _set_result() -> AnalysisResult:
    one = make_result(fake_video_info())
    n_dyn, n_sta = len(one.dynamic), len(one.static)
    total = TargetScore(
        value=one.score,
        low=one.score - 0.4,
        high=one.score + 0.5,
        members=(one.score - 0.4, one.score - 0.1, one.score + 0.5),
        score_max=one.model.score_max,
        coverage=0.72,
        mean_width=0.9,
        dynamic=tuple(s.weight for s in one.dynamic),
        static=tuple(f.weight for f in one.static),
    )
    difficulty = TargetScore(4.0, 3.5, 4.6, (3.5, 3.9, 4.6), 10.0)
    assert n_dyn and n_sta
    return dataclasses.replace(one, scores={"total": total, "difficulty": difficulty})


def test_a_set_result_is_written_as_v2_and_reads_back_equal():
    result = _set_result()
    doc = result.to_dict()
    assert doc["schema"] == SCHEMA_V2
    assert set(doc["scores"]) == {"total", "difficulty"}
    assert doc["scores"]["difficulty"] == {
        "value": 4.0, "low": 3.5, "high": 4.6, "members": [3.5, 3.9, 4.6], "score_max": 10.0
    }  # fmt: skip
    assert AnalysisResult.from_dict(doc) == result


def test_one_head_stays_v1_and_v1_still_reads():
    doc = make_result(fake_video_info()).to_dict()
    assert doc["schema"] == SCHEMA and "scores" not in doc
    assert AnalysisResult.from_dict(doc).scores == {}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["scores"]["difficulty"].update(low=4.2), "value"),
        (lambda d: d["scores"]["difficulty"].update(high=11.0), "high"),
        (lambda d: d["scores"]["difficulty"].update(members=[]), "members is empty"),
        (lambda d: d["scores"]["total"].update(dynamic=[0.5]), "weights for"),
        (lambda d: d["scores"]["total"].update(coverage=1.5), "coverage"),
        (lambda d: d.update(score=d["score"] + 1.0), "main target"),
        (lambda d: d["scores"].update(style=d["scores"]["total"]), "not a target"),
        (lambda d: d.pop("scores"), "scores is missing"),
    ],
)
def test_a_malformed_v2_document_is_refused_naming_the_field(change, message):
    doc = copy.deepcopy(_set_result().to_dict())
    change(doc)
    with pytest.raises(ValueError, match=message):
        AnalysisResult.from_dict(doc)

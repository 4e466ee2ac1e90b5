"""The GUI's rules, without a display: step curves, rankings, highlights, shuttle, banners."""

from __future__ import annotations

import dataclasses
import math

import pytest
from ui_helpers import hand_result

from judgeapp.app.app_settings import AppSettings, push_recent
from judgeapp.app.attention_view import (
    athlete_thumbs,
    build_highlights,
    next_highlight,
    previous_highlight,
    segment_thumbs,
    step_polyline,
    timeline_model,
)
from judgeapp.app.player_view import box_at, format_clock, format_position, playback_index, shuttle
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import NO_MODEL_BANNER, score_view
from judgeapp.app.stage_words import stage_text
from judgeapp.core.results import EngineInfo, Provenance, SegmentWeight, VideoInfo

INFO = VideoInfo("/v/r.mp4", "", 30.0, 25.0, 750, 640, 360)
DYNAMIC = [0.1, 0.3, 0.1, 0.05, 0.2, 0.05, 0.1, 0.1]
STATIC = [(0.0, 0.05), (2.0, 0.3), (5.0, 0.1), (9.0, 0.25), (13.0, 0.2), (17.0, 0.1)]


def result():
    return hand_result(INFO, dynamic=DYNAMIC, static=STATIC)


def test_step_polyline_one_step_per_segment_and_breaks_gaps():
    segs = [SegmentWeight(0, 1, 0.5), SegmentWeight(1, 2, 0.3), SegmentWeight(3, 4, 0.2)]
    xs, ys = step_polyline(segs)
    assert xs[:4] == (0, 1, 1, 2) and ys[:4] == (0.5, 0.5, 0.3, 0.3)
    assert math.isnan(xs[4]) and xs[5:] == (3, 4)


def test_timeline_model_counts_uniform_lines_and_shading():
    model = timeline_model(result(), k=2)
    assert [w for *_, w in model.steps] == DYNAMIC
    assert model.steps[1][:2] == (3.2, 6.4)
    assert len(model.point_x) == 6 and model.point_y[1] == 0.3
    assert model.uniform_dynamic == 1 / 8 and model.uniform_static == 1 / 6
    assert model.shaded == ((3.2, 6.4), (12.8, 16.0))  # the two heaviest, in time order
    assert model.y_max >= 0.3
    # k is capped at a quarter of the segments: 8 segments, k=4 -> still 2 shaded
    assert len(timeline_model(result(), k=4).shaded) == 2


def test_thumbs_are_the_extremes_without_overlap():
    top, bottom = athlete_thumbs(result().static, k=2)
    assert [t.weight for t in top] == [0.3, 0.25]
    assert [t.weight for t in bottom] == [0.05, 0.1]
    assert top[0].frame == 50 and top[0].label == "T1" and top[0].box is not None
    top, bottom = athlete_thumbs(result().static, k=4)
    assert len(top) == 4 and len(bottom) == 2  # six frames: the lowest get what is left
    assert not {t.key_s for t in top} & {t.key_s for t in bottom}
    seg_top, seg_bottom = segment_thumbs(result().dynamic, k=1)
    assert seg_top[0].seek_s == 3.2 and math.isclose(seg_top[0].key_s, 4.8)
    assert seg_bottom[0].weight == 0.05 and seg_bottom[0].seek_s == 16.0  # ties: later first
    assert seg_bottom[0].kind == "segment"


def test_highlights_in_time_order_and_n_p_walk_them():
    # segments: top 2 of 8 start at 3.2 s and 12.8 s; frames: top 1 of 6 (a quarter) at 2.0 s
    highlights = build_highlights(result(), k=2, index_at=lambda t: math.floor(t * 25))
    assert [h.frame for h in highlights] == [50, 80, 320]
    frame, visited = -1, []
    while (h := next_highlight(highlights, frame)) is not None:
        visited.append(h.frame)
        frame = h.frame
    assert visited == [50, 80, 320]
    assert previous_highlight(highlights, 320).frame == 80
    assert previous_highlight(highlights, 50) is None


def test_highlights_on_the_same_frame_show_once():
    res = hand_result(INFO, dynamic=[0.9, 0.1], static=[(0.0, 0.9), (1.0, 0.1)])
    highlights = build_highlights(res, k=1, index_at=lambda t: round(t * 25))
    assert [h.frame for h in highlights] == [0]


def test_shuttle_and_playback_clock():
    assert shuttle(0.0, "L") == 1.0
    assert shuttle(1.0, "L") == 1.5
    assert shuttle(2.0, "L") == 2.0
    assert shuttle(1.0, "J") == -1.0
    assert shuttle(-1.0, "J") == -1.5
    assert shuttle(-2.0, "K") == 0.0
    assert playback_index(10, 1.0, 24.0, 0.25, 247) == 16
    assert playback_index(10, 1.0, 24.0, -1.0, 247) == 0
    assert playback_index(240, 1.0, 24.0, 2.0, 247) == 246


def test_box_at_nearest_static_frame_within_tolerance():
    static = result().static
    assert box_at(static, 2.3) == static[1].box
    assert box_at(static, 3.6) is None  # 1.4 s from the nearest frame
    assert box_at([], 1.0) is None


def test_score_view_banner_only_when_not_calibrated():
    view = score_view(result())
    assert view.score_text == "12.50" and "of 25" in view.range_text
    assert view.banner is not None and view.banner.title == "Not calibrated"
    assert "untrained" in view.banner.text
    rows = dict(view.rows)
    assert rows["Routine"] == "ball" and rows["Profile"] == "torchvision"
    assert rows["Computed with"] == "—" and rows["Athlete finder"] == "—"  # not recorded
    calibrated = hand_result(INFO, [1.0], [(0.0, 1.0)], calibrated=True)
    assert score_view(calibrated).banner is None
    assert "Analysis ▸ Models" in NO_MODEL_BANNER.text


def test_score_view_says_which_engine_precision_and_finder_computed_it():
    made = dataclasses.replace(
        result(),
        engine=EngineInfo("openvino", "bf16"),
        provenance=Provenance("paper", 2, False, "hog", ""),
    )
    rows = dict(score_view(made).rows)
    assert rows["Computed with"] == "OpenVINO, bf16"
    assert rows["Athlete finder"] == "built-in (OpenCV HOG)"
    on_gpu = dataclasses.replace(made, engine=EngineInfo("torch", "fp16"))
    assert dict(score_view(on_gpu).rows)["Computed with"] == "PyTorch, fp16"


def test_settings_engines_are_the_analysis_engines():
    from judgeapp.app.requests import ENGINE_KINDS, PRECISION_KINDS
    from judgeapp.features.engines import ENGINES, PRECISIONS

    assert set(ENGINE_KINDS) == set(ENGINES)
    assert set(PRECISION_KINDS) == {"", *PRECISIONS}
    chosen = AnalysisRequest.from_record({"engine": "openvino", "precision": "bf16"})
    assert (chosen.engine, chosen.precision) == ("openvino", "bf16")
    # A settings file from another version: unknown values fall back to the defaults.
    assert AnalysisRequest.from_record({"engine": "tensorrt"}).engine == "auto"
    assert AnalysisRequest.from_record({"precision": "int4"}).precision == ""
    with pytest.raises(ValueError, match="unknown engine 'tensorrt'"):
        AnalysisRequest(engine="tensorrt")  # in code, a wrong value is a bug, never hidden


def test_settings_and_recent_files():
    assert AppSettings(k=99).k == 12 and AppSettings(k=0).k == 1
    assert AnalysisRequest.from_record({"device": "tpu"}).device == "auto"
    assert AnalysisRequest.from_record({"detector": "none"}).detector == "none"
    assert AnalysisRequest.from_record({"detector": "ssd"}).detector == "auto"
    recent = push_recent(("a", "b", "c"), "b")
    assert recent == ("b", "a", "c")
    assert len(push_recent(tuple(str(i) for i in range(10)), "new")) == 10


def test_formatting():
    assert format_clock(83.256) == "1:23.26"
    assert format_clock(3725.0) == "1:02:05.00"
    assert format_position(3.46, 10.29, 82, 247) == "0:03.46 / 0:10.29   frame 82 / 246"
    assert stage_text("detect", 3, 10) == "Analysing: finding the athlete (3 / 10)"

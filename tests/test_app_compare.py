"""The comparison of two routines without Qt (issue 21): the common time axis, linked stepping
and the differences between two real analyses."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from judgeapp.app.compare import (
    Comparison,
    SideVideo,
    comparison_of,
    differences,
    score_rows,
)
from judgeapp.core.errors import JudgeappError
from judgeapp.core.results import AnalysisResult

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"

JUGGLE = SideVideo("juggle.mp4", 24.0, 247, 247 / 24)  # 10.29 s
SQUATS = SideVideo("squats.mp4", 5.0, 65, 13.0)


def test_time_mapping_with_different_frame_rates() -> None:
    c = Comparison(JUGGLE, SQUATS, sync_a_s=2.0, sync_b_s=1.0)
    a, b = c.positions(0.0)
    assert (a.index, b.index) == (48, 5)  # the sync frames
    a, b = c.positions(0.5)
    assert (a.time_s, b.time_s) == (2.5, 1.5)
    assert (a.index, b.index) == (60, 7)
    # Mid-frame: each side shows the frame whose timestamp is the last <= its time.
    a, b = c.positions(0.59)
    assert (a.index, b.index) == (math.floor(2.59 * 24), math.floor(1.59 * 5))
    # Before the sync points: down to the earlier video start.
    assert c.start_s == -2.0
    a, b = c.positions(-1.5)
    assert (a.index, a.inside) == (12, True)
    assert (b.index, b.inside) == (0, False)  # B starts at -1.0: its first frame is held


def test_one_video_shorter_holds_its_last_frame() -> None:
    short = SideVideo("short.mp4", 30.0, 90, 3.0)
    c = Comparison(JUGGLE, short, sync_a_s=1.0, sync_b_s=0.0)
    assert c.end_s == pytest.approx(JUGGLE.end_s - 1.0)  # the longer one sets the end
    a, b = c.positions(5.0)
    assert (a.index, a.inside) == (144, True)
    assert (b.index, b.inside) == (89, False)
    a, b = c.positions(2.99)
    assert b.inside and b.index == 89


def test_sync_points_near_the_ends() -> None:
    c = Comparison(JUGGLE, SQUATS, sync_a_s=10.2, sync_b_s=0.1)
    assert c.start_s == pytest.approx(-10.2)
    assert c.end_s == pytest.approx(13.0 - 0.1)
    a, b = c.positions(c.start_s)
    assert (a.index, b.index, b.inside) == (0, 0, False)
    a, b = c.positions(0.0)
    assert (a.index, b.index) == (244, 0)
    a, b = c.positions(c.end_s - 1e-3)
    assert (a.index, a.inside, b.index) == (246, False, 64)
    # The last possible sync point: the end of the video.
    end = Comparison(JUGGLE, SQUATS, sync_a_s=JUGGLE.end_s, sync_b_s=0.0)
    assert end.positions(0.0)[0].index == 246
    with pytest.raises(JudgeappError, match="outside its video"):
        Comparison(JUGGLE, SQUATS, sync_a_s=11.0)
    with pytest.raises(JudgeappError, match="outside its video"):
        Comparison(JUGGLE, SQUATS, sync_b_s=-0.5)


@pytest.mark.parametrize("swap", [False, True])
def test_linked_stepping_lands_each_side_on_its_own_frame(swap: bool) -> None:
    a_video, b_video = (SQUATS, JUGGLE) if swap else (JUGGLE, SQUATS)
    c = Comparison(a_video, b_video, sync_a_s=2.0, sync_b_s=1.0)
    fast, slow = ("b", "a") if swap else ("a", "b")
    t = 0.0
    times = [t]
    shown = [(c.position("a", t).index, c.position("b", t).index)]
    while len(times) < 60:
        t = c.step(t, 1)
        times.append(t)
        pair = (c.position("a", t).index, c.position("b", t).index)
        moved = [now - before for now, before in zip(pair, shown[-1], strict=True)]
        # Every step shows a new pair, and neither side skips a frame.
        assert sorted(moved) in ([0, 1], [1, 1])
        # The step lands where a side's new frame begins, in that side's own time.
        for which, step in zip("ab", moved, strict=True):
            if step:
                pos = c.position(which, t)
                assert c.side(which).time_of(pos.index) == pytest.approx(pos.time_s)
        # Each side shows the frame due at its own time (index = floor(own time x fps)).
        for which in "ab":
            own = c.sync_of(which) + t
            assert c.position(which, t).index == math.floor(own * c.side(which).fps + 1e-6)
        shown.append(pair)
    # Every frame of the faster side was shown once, in order; the slower one kept pace in time.
    fast_frames = [pair[0 if fast == "a" else 1] for pair in shown]
    assert sorted(set(fast_frames)) == list(range(fast_frames[0], fast_frames[-1] + 1))
    elapsed = times[-1] - times[0]
    slow_moved = shown[-1][0 if slow == "a" else 1] - shown[0][0 if slow == "a" else 1]
    assert slow_moved == math.floor((c.sync_of(slow) + elapsed) * 5 + 1e-6) - math.floor(
        c.sync_of(slow) * 5
    )
    # Back again, step by step, through the same times.
    for expected in reversed(times[:-1]):
        t = c.step(t, -1)
        assert t == pytest.approx(expected)
    assert c.step(t, -1000) == c.start_s
    last = c.step(0.0, 100000)  # stops on the pair of last frames
    assert [c.position(w, last).index for w in "ab"] == [a_video.frames - 1, b_video.frames - 1]


def test_stepping_follows_recorded_frame_times() -> None:
    # A variable-rate side: its recorded timestamps decide, not its nominal rate.
    vfr = SideVideo("vfr.mp4", 10.0, 5, 0.6, frame_times_s=(0.0, 0.1, 0.15, 0.35, 0.5))
    steady = SideVideo("steady.mp4", 4.0, 3, 0.75)
    c = Comparison(vfr, steady)
    seen = [0.0]
    while (t := c.step(seen[-1])) != seen[-1]:
        seen.append(t)
    assert seen == pytest.approx([0.0, 0.1, 0.15, 0.25, 0.35, 0.5])
    assert [c.positions(t)[0].index for t in seen] == [0, 1, 2, 2, 3, 4]
    assert [c.positions(t)[1].index for t in seen] == [0, 0, 0, 1, 1, 2]


def test_set_sync_and_relink() -> None:
    c = Comparison(JUGGLE, SQUATS).with_sync("a", 3.0).with_sync("b", 2.0)
    assert [p.index for p in c.positions(0.0)] == [72, 10]
    # Unlinked, A was moved to 4 s and B to 2.4 s; relinking makes those one moment.
    r = c.relinked(4.0, 2.4)
    assert r.sync_a_s == 3.0 and r.sync_b_s == pytest.approx(1.4)
    a, b = r.positions(1.0)
    assert (a.time_s, b.time_s) == pytest.approx((4.0, 2.4))
    assert c.with_sync("a", 99.0).sync_a_s == JUGGLE.end_s  # clamped to the video


def test_export_times_cover_the_longer_rest_at_the_higher_rate() -> None:
    c = Comparison(JUGGLE, SQUATS, sync_a_s=2.0, sync_b_s=1.0)
    times = c.export_times()
    assert len(times) == math.floor((13.0 - 1.0) * 24)
    assert times[1] == pytest.approx(1 / 24)


@pytest.fixture(scope="module")
def two_results(tmp_path_factory) -> tuple[AnalysisResult, AnalysisResult]:
    """Two real analyses (random networks, no detector: fast), read back from their JSON."""
    from judgeapp.analysis import AnalysisOptions, analyze

    options = AnalysisOptions(pretrained=False, model="random", detector="none")
    folder = tmp_path_factory.mktemp("results")
    loaded = []
    for name in ("juggle_720p24.mp4", "squats_portrait_5fps.mp4"):
        path = folder / f"{name}.json"
        path.write_text(analyze(MEDIA / name, options).to_json())
        loaded.append(AnalysisResult.load(path))
    return loaded[0], loaded[1]


def test_differences_of_two_real_results(two_results) -> None:
    ra, rb = two_results
    c = comparison_of(ra, rb, sync_a_s=1.0, sync_b_s=2.5)
    assert c.a.fps == 24.0 and c.b.fps == pytest.approx(5.0)
    found = differences(c, ra, rb, bin_s=1.0, limit=10, min_gap=0.0)
    assert found, "two different routines differ somewhere"
    # In common time, inside the stretch both videos cover, largest gap first.
    both_from = max(-1.0, -2.5)
    both_to = min(ra.video.duration_s - 1.0, rb.video.duration_s - 2.5)
    for d in found:
        assert both_from - 1e-9 <= d.start_s < d.end_s <= both_to + 1e-9
        assert 0.0 <= d.share_a <= 1.0 + 1e-9 and 0.0 <= d.share_b <= 1.0 + 1e-9
    gaps = [abs(d.gap) for d in found]
    assert gaps == sorted(gaps, reverse=True)
    # A routine compared with itself at the same sync point does not differ.
    assert differences(comparison_of(ra, ra, 1.0, 1.0), ra, ra, min_gap=1e-6) == []
    # Scores side by side, B minus A.
    (row,) = score_rows(ra, rb)
    assert row.target == ra.model.target
    assert row.a[0] == ra.score and row.b[0] == rb.score
    assert row.delta == pytest.approx(rb.score - ra.score)


def test_transport_linked_unlinked_and_set_sync() -> None:
    from judgeapp.app.compare import CompareTransport

    transport = CompareTransport(Comparison(JUGGLE, SQUATS, sync_a_s=2.0, sync_b_s=1.0))
    assert transport.frames() == (48, 5)
    transport.step(1)
    assert transport.frames() == (49, 5)
    transport.seek(0.5)
    assert transport.frames() == (60, 7)
    # Unlinked, each side steps its own frames.
    transport.set_linked(False)
    transport.step_side("a", 3)
    transport.step_side("b", -2)
    assert transport.frames() == (63, 5)
    # Sync points set where each side is; relinked, those frames are one moment (t = 0).
    transport.set_sync_here("a")
    transport.set_sync_here("b")
    transport.set_linked(True)
    assert transport.comparison.sync_a_s == pytest.approx(63 / 24)
    assert transport.comparison.sync_b_s == pytest.approx(1.0)
    assert transport.t == pytest.approx(0.0)
    assert transport.frames() == (63, 5)
    # Linked, setting A's sync to where it is sends the common time to 0.
    transport.seek(1.0)
    transport.set_sync_here("a")
    assert transport.frames() == (87, 5)
    # Playback moves both; it stops at the end.
    transport.play()
    transport.tick(0.5)
    assert transport.frames() == (87 + 12, 7)
    transport.tick(100.0)
    assert transport.velocity == 0.0 and transport.t == transport.comparison.end_s


def test_axis_ticks_of_the_common_timeline() -> None:
    from judgeapp.app.compare import axis_ticks

    ticks = axis_ticks(-2.5, 10.5)
    assert ticks[0] == (-2.0, "−0:02") and ticks[1] == (0.0, "0:00") and ticks[-1][0] == 10.0
    assert len(axis_ticks(0.0, 4000.0)) <= 10


def test_overlay_placement_and_the_saved_comparison_round_trip() -> None:
    import json

    from judgeapp.app.compare import (
        CompareTransport,
        OverlaySettings,
        comparison_from_dict,
        comparison_to_dict,
        overlay_placement,
    )

    # A portrait B over a landscape A: as tall as A, centred, then moved and scaled.
    assert overlay_placement((1280, 720), (720, 1280), OverlaySettings()) == pytest.approx(
        (640 - 202.5, 0.0, 405.0, 720.0)
    )
    moved = OverlaySettings(True, 0.3, offset_x=0.25, scale=0.5)
    assert overlay_placement((1280, 720), (1280, 720), moved) == pytest.approx(
        (320 + 320, 180, 640, 360)
    )
    transport = CompareTransport(Comparison(JUGGLE, SQUATS, 2.0, 1.0))
    transport.set_overlay(enabled=True, opacity=0.3)
    saved = json.loads(json.dumps(comparison_to_dict(transport.comparison)))
    assert comparison_from_dict(saved) == transport.comparison
    with pytest.raises(JudgeappError, match="cannot be read"):
        comparison_from_dict({**saved, "sync_a_s": "x"})
    with pytest.raises(JudgeappError, match="outside its video"):
        comparison_from_dict({**saved, "sync_b_s": 60})
    with pytest.raises(JudgeappError):
        transport.set_overlay(opacity=2.0)

"""The annotated video: every frame, the box, the bar, the marks; progress, cancel, failures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from report_helpers import full_tmpfs, make_result
from video_helpers import read_index, rgb_frames, write_video

from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.marks import Mark
from judgeapp.core.progress import CancelToken
from judgeapp.report import write_annotated_video, write_report
from judgeapp.report.annotated_video import attention_strip, box_at
from judgeapp.video import probe


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """4 s at 10 fps, 320x240, frames spelling their index."""
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", fps=10.0, frames=40)


@pytest.fixture(scope="module")
def result(clip: Path):
    info = probe(clip)
    return make_result(info, seed=2, box=(100.0, 60.0, 220.0, 200.0))


# Where the overlays are at 320x240 (annotated_video._Layout at this size): the attention bar
# fills rows 220-234 and columns 5-314, a white playhead where the video is; a mark's triangle
# sits on the bar at its time (rows 212-219); above the bar, the marks' labels on the left and
# the "attention now" label on the right.
BAR_ROWS, BAR_COLS, BAR_W, BAR_H = slice(220, 235), slice(5, 315), 310, 15
BOX_RGB = np.array([224, 123, 26])  # report.timeline_figure.STATIC_RGB
DEDUCTION_RGB = np.array([200, 40, 40])  # core.marks.KIND_RGB["deduction"]
DYNAMIC_RGB = np.array([59, 111, 182])  # report.timeline_figure.DYNAMIC_RGB
MARK_S = 0.5
MARK_TRIANGLE = (slice(213, 219), slice(41, 46))  # x = 5 + int(310 * 0.5 s / 4 s) = 43
MARK_LABEL = (slice(190, 210), slice(5, 150))
ATTENTION_LABEL = (slice(195, 214), slice(200, 315))


def _count(pixels: np.ndarray, rgb: np.ndarray, tolerance: int = 80) -> int:
    """How many pixels are within `tolerance` (summed over R, G, B) of `rgb`."""
    return int((np.abs(pixels.astype(int) - rgb).sum(axis=-1) < tolerance).sum())


def _box_problems(frame: np.ndarray, box: tuple[float, float, float, float] | None) -> list[str]:
    """The box's left, right and top edges in the box colour, within 2 px of where they must
    be along their whole length (rows and columns clear of the labels), or no box colour
    anywhere above the bar when no box is due."""
    if box is None:
        return [] if _count(frame[40:215], BOX_RGB, 90) == 0 else ["a box where none is due"]
    x1, y1, x2, _ = (round(v) for v in box)
    edges = {
        f"left edge at x={x1}": frame[70:190, x1 - 2 : x1 + 3],
        f"right edge at x={x2}": frame[70:190, x2 - 2 : x2 + 3],
        f"top edge at y={y1}": frame[y1 - 2 : y1 + 3, x1 + 10 : x2 - 10].transpose(1, 0, 2),
    }
    problems = []
    for name, band in edges.items():  # one row of `band` per point along the edge
        on_edge = (np.abs(band.astype(int) - BOX_RGB).sum(axis=-1) < 90).any(axis=1)
        if on_edge.mean() < 0.95:
            problems.append(f"no box {name}")
    return problems


def _bar_problems(frame: np.ndarray, played: int, strip: np.ndarray, dim: np.ndarray) -> list[str]:
    """The attention strip in full colour up to the playhead, dimmed after it, and the white
    playhead at `played` pixels from the bar's left end."""
    bar = frame[BAR_ROWS, BAR_COLS].astype(int)
    expected = dim.astype(int)
    expected[:, :played] = strip[:, :played]
    problems = []
    if np.abs(bar - expected).mean() > 12:  # about 5-8 drawn; about 25-35 without the bar
        problems.append("the bar is not the attention strip played up to the playhead")
    whiteness = bar.min(axis=2).mean(axis=0)
    if abs(int(np.argmax(whiteness)) - played) > 1 or whiteness.max() < 200:
        problems.append(f"the playhead is not {played} px into the bar")
    return problems


def _mark_problems(frame: np.ndarray, time_s: float) -> list[str]:
    """The mark's triangle on the bar always; its label from its time for 3 s only."""
    problems = []
    if _count(frame[MARK_TRIANGLE], DEDUCTION_RGB) < 15:  # of 30 pixels
        problems.append("no mark triangle on the bar at 0.5 s")
    label = _count(frame[MARK_LABEL], DEDUCTION_RGB)
    if MARK_S <= time_s < MARK_S + 3.0:
        if label < 400:  # about 920 pixels
            problems.append("the mark's label is missing")
    elif label > 20:
        problems.append("the mark's label shows outside its 3 s")
    return problems


def test_annotated_video_has_every_frame_with_the_overlays(result, clip, tmp_path) -> None:
    marks = [Mark(1, result.video.sha256, MARK_S, "deduction", "wobble ✓", 0.1)]
    reports = []
    out = tmp_path / "annotated.mp4"
    written = write_report(out, result, marks, progress=reports.append)
    assert out.stat().st_mode & 0o777 == 0o644
    frames = rgb_frames(out)
    assert len(frames) == 40 and frames[0].shape == (240, 320, 3)
    assert [read_index(f) for f in frames] == list(range(40))  # original frames, in order
    assert written == out
    assert reports[-1].done == reports[-1].total == 40
    # Every frame, read back from the file, against what must be drawn at its time. The box
    # follows the 1 fps samples (0-3 s, drifting right), interpolated between them, and stops
    # 0.75 s after the last one (frames 38 and 39 have none).
    times = [f.time_s for f in result.static]
    lefts, rights = [f.box[0] for f in result.static], [f.box[2] for f in result.static]
    strip = attention_strip(result, BAR_W, BAR_H)
    dim = (strip.astype(np.float32) * 0.45).astype(np.uint8)
    problems = []
    for index, frame in enumerate(frames):
        time_s = index / 10.0
        box = None
        if min(abs(t - time_s) for t in times) <= 0.75:
            left, right = np.interp(time_s, times, lefts), np.interp(time_s, times, rights)
            box = (left, 60.0, right, 200.0)
        played = int(BAR_W * time_s / result.video.duration_s)
        attention = _count(frame[ATTENTION_LABEL], DYNAMIC_RGB)
        segment_now = any(s.start_s <= time_s < s.end_s for s in result.dynamic)
        found = _box_problems(frame, box) + _bar_problems(frame, played, strip, dim)
        if segment_now != (attention > 400):  # about 1080 pixels when shown, else none
            found.append(f"the attention-now label {'missing' if segment_now else 'shown'}")
        found += _mark_problems(frame, time_s)
        problems += [f"frame {index} ({time_s:.1f} s): {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_box_interpolates_between_samples_and_stops_where_no_person_was_seen(result) -> None:
    a, b = result.static[1], result.static[2]
    mid = (a.time_s + b.time_s) / 2
    box, weight = box_at(result.static, mid)
    assert np.allclose(box, (np.asarray(a.box) + np.asarray(b.box)) / 2)
    assert weight == pytest.approx((a.weight + b.weight) / 2)
    gap = [result.static[0], result.static[3]]  # no person at 1 s and 2 s
    assert box_at(gap, 1.5) is None
    assert np.allclose(box_at(gap, 0.5)[0], result.static[0].box)


def test_cancel_leaves_nothing(result, clip, tmp_path) -> None:
    token = CancelToken()

    def cancel_midway(p) -> None:
        if p.done >= 10:
            token.cancel()

    with pytest.raises(Cancelled):
        write_annotated_video(
            result, clip, tmp_path / "a.mp4", progress=cancel_midway, cancel=token
        )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_video_is_a_clear_error(result, tmp_path) -> None:
    import dataclasses

    gone = dataclasses.replace(result, video=dataclasses.replace(result.video, path="/no/v.mp4"))
    with pytest.raises(JudgeappError, match=r"/no/v\.mp4: the analysed video is not there"):
        write_report(tmp_path / "a.mp4", gone)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_gives_a_clear_error_and_no_partial_video(result, clip, tmp_path) -> None:
    with full_tmpfs(tmp_path, size_kib=512) as disk:
        if disk is None:
            pytest.skip("cannot mount a tmpfs here")
        with pytest.raises(JudgeappError, match=r"a\.mp4: cannot write"):
            write_annotated_video(result, clip, disk / "a.mp4")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_an_unwritable_target_is_a_clear_error(result, clip, tmp_path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(
        JudgeappError, match=r"a\.mp4: cannot write \(.*file is a file, not a folder\)"
    ):
        write_annotated_video(result, clip, tmp_path / "file" / "a.mp4")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]

"""The annotated video: every frame, the box, the bar, the marks; progress, cancel, failures."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from report_helpers import full_tmpfs, make_result
from video_helpers import read_index, write_video

from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.marks import Mark
from judgeapp.core.progress import CancelToken
from judgeapp.report import write_annotated_video, write_report
from judgeapp.report.annotated_video import box_at
from judgeapp.video import probe


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """4 s at 10 fps, 320x240, frames spelling their index."""
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", fps=10.0, frames=40)


@pytest.fixture(scope="module")
def result(clip: Path):
    info = probe(clip)
    return make_result(info, seed=2, box=(100.0, 60.0, 220.0, 200.0))


def _frames(path: Path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def test_annotated_video_has_every_frame_with_the_overlays(result, clip, tmp_path) -> None:
    marks = [Mark(1, result.video.sha256, 0.5, "deduction", "wobble ✓", 0.1)]
    reports = []
    out = tmp_path / "annotated.mp4"
    written = write_report(out, result, marks, progress=reports.append)
    assert out.stat().st_mode & 0o777 == 0o644
    frames = _frames(out)
    assert len(frames) == 40 and frames[0].shape == (240, 320, 3)
    assert [read_index(f) for f in frames[:3]] == [0, 1, 2]  # original frames, in order
    assert written == out
    assert reports[-1].done == reports[-1].total == 40
    # The box: its left edge at x=100 (drifting <= 2% of the width), in the box colour.
    first = frames[0].astype(int)
    edge = first[120, 96:106]
    assert (np.abs(edge - np.array([224, 123, 26])).sum(axis=1) < 90).any()
    # The mark's label shows from 0.5 s for 3 s, just above the bar on the left (rows 197-213
    # at this size; the mark's triangle on the bar starts at row 212), and not before.
    label_zone = (slice(190, 210), slice(5, 150))
    red = np.array([200, 40, 40])

    def reddish(frame: np.ndarray) -> int:
        zone = frame[label_zone].astype(int)
        return int((np.abs(zone - red).sum(axis=2) < 80).sum())

    assert reddish(frames[3]) < 20 < reddish(frames[7])  # from 0.5 s
    assert reddish(frames[32]) > 20 > reddish(frames[37])  # until 3.5 s


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

"""app.compare_export: the comparison written as MP4, PDF or HTML from one set of inputs (the
command line's and the comparison window's), with the angle lanes where pose results exist,
atomically (nothing on cancel or on an unwritable folder)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from report_helpers import make_result
from test_app_pose_view import pose_result
from video_helpers import first_frames

from judgeapp.app.compare import comparison_of
from judgeapp.app.compare_export import (
    CompareInputs,
    angle_lanes,
    default_file_name,
    write_comparison,
)
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken
from judgeapp.report.compare_video import FRAME_H, HEADER_H, STRIP_H
from judgeapp.video import probe

ANGLE_GREEN = np.array([60, 220, 110])


@pytest.fixture(scope="module")
def clips(media_dir, tmp_path_factory) -> CompareInputs:
    """Two short real clips (2 s of juggle at 24 fps, 2 s of squats at 5 fps); A with pose
    results, B without; sync points 0.5 s and 0.2 s."""
    folder = tmp_path_factory.mktemp("clips")
    a = first_frames(media_dir / "juggle_720p24.mp4", folder / "juggle_2s.mp4", 48)
    b = first_frames(media_dir / "squats_portrait_5fps.mp4", folder / "squats_2s.mp4", 10)
    result_a = pose_result(probe(a, with_hash=False))
    result_b = make_result(probe(b, with_hash=False), seed=3)
    comparison = comparison_of(result_a, result_b, 0.5, 0.2)
    return CompareInputs(comparison, a, result_a, b, result_b)


def _strip_green(frame: np.ndarray) -> int:
    """How many pixels of A's attention strip are the angle curve's green."""
    strip = frame[HEADER_H + FRAME_H + 6 : HEADER_H + FRAME_H + STRIP_H - 6, :640].astype(int)
    return int((np.abs(strip - ANGLE_GREEN).sum(axis=2) < 60).sum())


def test_the_side_by_side_video_has_the_plan_frames_and_the_angle_lane(
    tmp_path: Path, clips: CompareInputs
) -> None:
    out = tmp_path / "both.mp4"
    assert write_comparison(out, clips) == out
    info = probe(out, with_hash=False)
    expected = len(clips.comparison.export_times(24.0))
    assert (info.width, info.height, info.frames) == (1280, 540, expected)
    with av.open(str(out)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert _strip_green(frame) > 50  # A's knee angle drawn over its attention strip
    plain = tmp_path / "plain.mp4"
    write_comparison(plain, clips, angle="")  # no angle chosen: no curve
    with av.open(str(plain)) as container:
        assert _strip_green(next(container.decode(video=0)).to_ndarray(format="rgb24")) < 5


def test_the_page_and_the_pdf_name_both_videos_and_show_the_angle(
    tmp_path: Path, clips: CompareInputs
) -> None:
    page = write_comparison(tmp_path / "both.html", clips).read_text()
    assert "juggle_2s.mp4" in page and "squats_2s.mp4" in page
    assert "with the joint angle" in page  # the common timeline with the angle lanes
    assert "Warning." in page  # neither score is calibrated
    lanes = angle_lanes(clips.comparison, clips.result_a, clips.result_b)
    assert lanes is not None and lanes.runs[0] and lanes.runs[1] is None
    assert (
        "with the joint angle"
        not in write_comparison(tmp_path / "none.html", clips, angle="").read_text()
    )
    pdf = write_comparison(tmp_path / "both.pdf", clips)
    assert pdf.read_bytes().startswith(b"%PDF")
    tool = shutil.which("pdftotext")
    if tool is not None:
        text = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True).stdout
        assert "juggle_2s.mp4" in text and "squats_2s.mp4" in text
        assert lanes.label.lower() in text.lower()


def test_cancel_and_an_unwritable_folder_leave_no_file(
    tmp_path: Path, clips: CompareInputs
) -> None:
    cancel = CancelToken()
    cancel.cancel()
    for suffix in (".mp4", ".pdf", ".html"):
        with pytest.raises(Cancelled):
            write_comparison(tmp_path / f"c{suffix}", clips, cancel=cancel)
    assert list(tmp_path.iterdir()) == []
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    target = blocker / "both.pdf"
    with pytest.raises(JudgeappError) as caught:
        write_comparison(target, clips)
    message = str(caught.value)
    assert str(target) in message and "\n" not in message
    with pytest.raises(JudgeappError, match="must end in .mp4, .pdf or .html"):
        write_comparison(tmp_path / "both.avi", clips)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_default_name_holds_both_videos() -> None:
    assert default_file_name("/x/day1.mp4", "/y/ref.mov", ".pdf") == "day1_vs_ref.pdf"

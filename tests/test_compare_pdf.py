"""`judgeapp compare A B --out FILE.pdf`: the comparison on A4 (scores side by side, both
timelines on the common axis, the differences, the frames at the sync points), and the common
timeline's drawing."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from report_helpers import make_result

from judgeapp.app.compare import angle_on_axis, angle_scale, comparison_of
from judgeapp.cli import main
from judgeapp.core.results import AnalysisResult
from judgeapp.report.compare_pdf import AngleLanes, common_timeline_png
from judgeapp.report.compare_video import CompareSide
from judgeapp.report.timeline_figure import DYNAMIC_RGB
from judgeapp.video import probe


@pytest.fixture(scope="module")
def analyses(media_dir, tmp_path_factory):
    """Both clips as analysis JSONs (known scores), as `judgeapp score --json` writes them."""
    folder = tmp_path_factory.mktemp("json")
    out = []
    for name, seed, score in (
        ("juggle_720p24.mp4", 1, 14.25),
        ("squats_portrait_5fps.mp4", 2, 16.5),
    ):
        result = make_result(probe(media_dir / name, with_hash=False), seed=seed, score=score)
        path = folder / f"{Path(name).stem}.json"
        path.write_text(result.to_json())
        out.append((path, result))
    return out


def _pdf_text(path: Path) -> str | None:
    """The PDF's text (pdftotext), or None where poppler is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    return subprocess.run(
        [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_compare_writes_a_pdf_with_both_videos_and_scores(tmp_path: Path, analyses, capsys) -> None:
    (json_a, ra), (json_b, rb) = analyses
    out = tmp_path / "both.pdf"
    args = ["compare", str(json_a), str(json_b), "--sync-a", "1.5", "--sync-b", "3"]
    assert main([*args, "--out", str(out), "--no-library"]) == 0
    assert "wrote" in capsys.readouterr().out
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert 1 <= pages <= 3
    text = _pdf_text(out)
    if text is None:
        return  # no text extraction here: the file and its page count are checked
    assert "juggle_720p24.mp4" in text and "squats_portrait_5fps.mp4" in text
    assert f"{ra.score:.2f} / 25" in text and f"{rb.score:.2f} / 25" in text
    assert "14.25 / 25" in text and "16.50 / 25" in text
    assert "+2.25" in text  # B minus A
    assert "Where the attention differs most" in text
    # The frame pair at the sync points: 1.5 s at 24 fps, 3.0 s at 5 fps.
    assert "A: frame 36 at 0:01.5" in text and "B: frame 15 at 0:03.0" in text
    assert not list(tmp_path.glob("*.tmp*"))  # written whole, nothing left beside it


def test_common_timeline_puts_each_side_on_the_common_axis(analyses) -> None:
    (_, ra), (_, rb) = analyses
    comparison = comparison_of(ra, rb, 0.0, 4.0)
    sides = [
        CompareSide("A", Path(ra.video.path), ra, 0.0),
        CompareSide("B", Path(rb.video.path), rb, 4.0),
    ]
    png = common_timeline_png(sides, comparison.start_s, comparison.end_s, width_px=1600)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    left, plot_w = 90, 1600 - 90 - 24
    span = comparison.end_s - comparison.start_s

    def blue_at(t: float, lane: int) -> bool:
        """Whether lane `lane` (0: A, 1: B) has a dynamic bar near its bottom at common `t`."""
        x = round(left + plot_w * (t - comparison.start_s) / span)
        y = 16 + lane * (120 + 18) + 120 - 4
        return bool(np.abs(image[y, x - 2 : x + 3] - DYNAMIC_RGB).sum(axis=1).min() < 40)

    # B starts 4 s before the sync points, A at them: before 0 only B has attention.
    assert comparison.start_s == pytest.approx(-4.0)
    assert blue_at(-2.0, 1) and not blue_at(-2.0, 0)
    assert blue_at(2.0, 0) and blue_at(2.0, 1)
    # B (13 s, synced at 4 s) ends at common 9 s; A's last segment goes on after that.
    assert ra.dynamic[-1].end_s > 9.6
    assert blue_at(ra.dynamic[-1].end_s - 0.3, 0)
    assert not blue_at(comparison.b.end_s - 4.0 + 0.5, 1)


def test_the_pdf_draws_an_angle_lane_where_a_side_has_pose_results(tmp_path: Path, media_dir):
    from test_app_pose_view import pose_result

    juggle = media_dir / "juggle_720p24.mp4"
    squats = media_dir / "squats_portrait_5fps.mp4"
    with_pose = tmp_path / "a.json"
    with_pose.write_text(pose_result(probe(juggle, with_hash=False)).to_json())
    without = tmp_path / "b.json"
    without.write_text(make_result(probe(squats, with_hash=False), seed=2).to_json())
    out = tmp_path / "angles.pdf"
    assert main(["compare", str(with_pose), str(without), "--out", str(out), "--no-library"]) == 0
    text = _pdf_text(out)
    if text is not None:
        assert "Green: the athlete's" in text  # the first angle A measured, on B "not measured"
    # The lanes themselves: A's curve in its angle lane, nothing drawn in B's.
    ra, rb = AnalysisResult.load(with_pose), AnalysisResult.load(without)
    comparison = comparison_of(ra, rb)
    traces = [angle_on_axis(comparison, w, r, "leg_separation") for w, r in (("a", ra), ("b", rb))]
    lanes = AngleLanes("Leg separation", (traces[0].runs, None), angle_scale(traces))
    sides = [CompareSide("A", juggle, ra, 0.0), CompareSide("B", squats, rb, 0.0)]
    png = common_timeline_png(sides, comparison.start_s, comparison.end_s, angles=lanes)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    green = np.abs(image - (20, 130, 70)).sum(axis=2) < 40
    lane_a = slice(16 + 2 * 138, 16 + 2 * 138 + 70)
    lane_b = slice(16 + 2 * 138 + 88, 16 + 2 * 138 + 88 + 70)
    assert green[lane_a].sum() > 200 and green[lane_b].sum() == 0
    columns = np.nonzero(green[lane_a].any(axis=0))[0]
    span = comparison.end_s - comparison.start_s
    last_x = 90 + (1600 - 114) * (traces[0].runs[-1][-1][0] - comparison.start_s) / span
    assert columns.max() <= last_x + 4  # the curve stops at A's last measured sample

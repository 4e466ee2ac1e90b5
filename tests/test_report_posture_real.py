"""The posture exports of a real analysis: the squats clip (13 s) through the real pose model
(random backbones and head: the score means nothing, the landmarks and angles are real). Slow
(about 80 s on 2 cores, nearly all of it the analysis: one analysis for the module)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from weights_helpers import blazepose_dir  # noqa: F401  (a fixture)

from judgeapp.core.posture import ANGLE_NAMES, LEFT_KNEE
from judgeapp.report import angles_csv, build_report, render_html, write_annotated_video
from judgeapp.report.skeleton import athlete_poses

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def squats(blazepose_dir, tmp_path_factory):  # noqa: F811
    clip = MEDIA / "squats_portrait_5fps.mp4"
    if not clip.is_file():
        pytest.skip(f"{clip} is absent (the shared media folder)")
    folder = tmp_path_factory.mktemp("squats")
    video = folder / "squats.mp4"
    shutil.copy(clip, video)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUDGEAPP_WEIGHTS_PATH", str(blazepose_dir))
        from judgeapp.analysis import AnalysisOptions
        from judgeapp.analysis.analyze import analyze

        options = AnalysisOptions(pretrained=False, model="random", profile="torchvision")
        return video, analyze(video, options)


def test_the_report_of_a_real_analysis_has_the_posture_section(squats) -> None:
    video, result = squats
    section = build_report(result).posture
    assert section is not None
    assert [a.name for a in section.angles] == list(ANGLE_NAMES)
    knees = next(a for a in section.angles if a.name == "knee_left")
    assert knees.seen_fraction > 0.6 and knees.high > 160 and knees.low < 120
    assert knees.peaks  # she stands up again after each squat
    assert section.thumbs and all(t.jpeg is not None for t in section.thumbs)
    assert "People found by the pose model (BlazePose)" in section.athlete_line
    assert "followed automatically" in section.athlete_line
    assert "Athlete and posture" in render_html(build_report(result))


def test_the_angles_csv_of_a_real_analysis(squats) -> None:
    _, result = squats
    rows = list(csv.DictReader(io.StringIO(angles_csv(result))))
    assert len(rows) == len(result.pose.angle_time_s)
    for row, degrees in zip(rows, result.pose.angles["knee_left"].degrees, strict=True):
        assert (row["knee_left"] == "") == (degrees is None)
        if degrees is not None:
            assert float(row["knee_left"]) == pytest.approx(degrees, abs=5e-4)


def test_the_annotated_video_of_a_real_analysis_draws_the_skeleton(squats, tmp_path) -> None:
    video, result = squats
    out = tmp_path / "annotated.mp4"
    write_annotated_video(result, video, out)
    pose = athlete_poses(result)[10]
    x, y, _ = pose.landmarks[LEFT_KNEE]

    def frame(path: Path, index: int) -> np.ndarray:
        cap = cv2.VideoCapture(str(path))
        cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, bgr = cap.read()
        cap.release()
        assert ok
        return bgr.astype(int)

    drawn, plain = frame(out, pose.frame), frame(video, pose.frame)
    patch = (slice(round(y) - 3, round(y) + 4), slice(round(x) - 3, round(x) + 4))
    assert np.abs(drawn[patch] - plain[patch]).sum(axis=2).max() > 150

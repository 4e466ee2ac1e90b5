"""The athlete and posture section of the reports, the per-frame angles CSV, the pose in the JSON
export and the skeleton in the annotated video, on a constructed result whose peaks are known."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from report_helpers import make_result
from video_helpers import read_index, rgb_frames, write_video

from judgeapp.core.athlete import AngleTrace, AthleteInfo, PoseInfo, PosePerson, TrackSummary
from judgeapp.core.errors import JudgeappError
from judgeapp.core.posture import ANGLE_NAMES, amplitude_peaks
from judgeapp.core.results import AnalysisResult, Provenance
from judgeapp.report import (
    angles_csv,
    build_report,
    render_html,
    render_pdf,
    report_document,
    weights_csv,
    write_annotated_video,
    write_report,
)
from judgeapp.report import crops as crops_module
from judgeapp.report.posture import athlete_line
from judgeapp.report.skeleton import LEFT_RGB, OTHER_RGB
from judgeapp.video import probe

FPS = 10.0
POSE_TIMES = [round(0.2 * k, 4) for k in range(15)]  # 0.0 .. 2.8 s at 5 fps
# Two peaks: 90° at 0.4 s and 150° at 1.4 s; a gap at 2.0-2.2 s; a flat stretch after it.
LEG_SEPARATION = [10, 20, 90, 30, 20, 25, 40, 150, 40, 10, None, None, 5, 5, 5]
# Seen in 4 of 15 frames: "not visible most of the time".
ELBOW_RIGHT = [None, None, None, 100, 120, 110, None, None, None, None, None, 95, None, None, None]

# A standing body in a 320x240 frame (BlazePose's 33 points; the face near the head).
_BODY = {
    11: (140, 80), 12: (180, 80), 13: (130, 110), 14: (190, 110), 15: (125, 140),
    16: (195, 140), 17: (123, 146), 18: (197, 146), 19: (124, 148), 20: (196, 148),
    21: (126, 144), 22: (194, 144), 23: (145, 140), 24: (175, 140), 25: (145, 180),
    26: (175, 180), 27: (145, 210), 28: (175, 210), 29: (143, 214), 30: (177, 214),
    31: (150, 216), 32: (170, 216),
}  # fmt: skip


def _landmarks(dx: float = 0.0) -> tuple[tuple[float, float, float], ...]:
    points = []
    for i in range(33):
        x, y = _BODY.get(i, (160, 60))
        points.append((float(x + dx), float(y), 0.95))
    return tuple(points)


def _trace(values: list[float | None]) -> AngleTrace:
    return AngleTrace(
        degrees=tuple(None if v is None else float(v) for v in values),
        visibility=tuple(0.2 if v is None else 0.9 for v in values),
    )


def _angles() -> dict[str, AngleTrace]:
    smooth = [150 + 20 * math.sin(3 * t) for t in POSE_TIMES]
    angles = {name: _trace(smooth) for name in ANGLE_NAMES}
    angles["leg_separation"] = _trace(LEG_SEPARATION)
    angles["elbow_right"] = _trace(ELBOW_RIGHT)
    return angles


def with_pose(result: AnalysisResult, others_until_s: float = 1.0) -> AnalysisResult:
    """`result` with an athlete (track 1, followed automatically) seen at 5 fps from 0 to
    2.8 s, and someone else (track 2) 100 px to the left until `others_until_s`."""
    people = []
    for t in POSE_TIMES:
        frame = round(t * FPS)
        people.append(PosePerson(t, frame, 1, 0.9, 0, (0.0, 0.0, 320.0, 240.0), _landmarks()))
        if t <= others_until_s:
            people.append(PosePerson(t, frame, 2, 0.8, 0, (20, 50, 80, 230), _landmarks(-100)))
    athlete = AthleteInfo(
        "track",
        1,
        "auto",
        "person 1 of 2: seen in 100% of the sampled frames <b>",
        (TrackSummary(1, 0.0, 2.8, 15, 0.4), TrackSummary(2, 0.0, 1.0, 6, 0.1)),
    )
    pose = PoseInfo("blazepose_full", tuple(people), tuple(POSE_TIMES), _angles())
    provenance = Provenance("torchvision", 1, False, "pose")
    return dataclasses.replace(result, athlete=athlete, pose=pose, provenance=provenance)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """4 s at 10 fps, 320x240, frames spelling their index."""
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", fps=FPS, frames=40)


@pytest.fixture(scope="module")
def plain(clip: Path) -> AnalysisResult:
    return make_result(probe(clip), seed=3, box=(100.0, 60.0, 220.0, 200.0))


@pytest.fixture(scope="module")
def result(plain: AnalysisResult) -> AnalysisResult:
    return with_pose(plain)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ----------------------------------------------------------------------------- PDF and HTML


def test_the_constructed_peaks_are_where_the_section_says() -> None:
    assert amplitude_peaks(POSE_TIMES, [math.nan if v is None else v for v in LEG_SEPARATION]) == [
        (0.4, 90.0),
        (1.4, 150.0),
    ]


def test_html_posture_section_lists_the_peaks_at_their_times(result: AnalysisResult) -> None:
    content = build_report(result)
    assert content.posture is not None
    page = render_html(content)
    section = page[page.index('<h2 id="posture">') :]
    rows = re.findall(r"<tr><th>([^<]+)</th><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>"
                      r"<td>([^<]+)</td></tr>", section)  # fmt: skip
    by_label = {row[0]: row[1:] for row in rows}
    assert list(by_label) == [
        "Leg separation", "Left hip", "Right hip", "Left knee", "Right knee", "Left elbow",
        "Right elbow", "Trunk inclination",
    ]  # fmt: skip
    assert by_label["Leg separation"] == (
        "87% (13 of 15)",
        "5°-150°",
        "150° at 0:01.4, 90° at 0:00.4",
    )
    assert by_label["Right elbow"][0] == "27% (4 of 15)"
    assert 'class="num unseen">27% (4 of 15)' in section
    text = _text(section)
    assert (
        "Right elbow: not visible most of the time (measured in 4 of 15 pose frames, 27%)" in text
    )
    assert "Leg separation: not visible" not in text
    # Who was followed, by which finder, among how many.
    assert "People found by the pose model (BlazePose)." in text
    assert "person 1, followed automatically" in text and "2 people tracked" in text
    assert "&lt;b&gt;" in section and "<b>" not in section  # analysis text is escaped
    # The plot and one thumbnail per highest peak's frame.
    assert section.count("data:image/png;base64,") == 1
    assert section.count("data:image/jpeg;base64,") == len(content.posture.thumbs) >= 2


def test_thumbnails_show_the_peak_frames_with_the_skeleton(result: AnalysisResult) -> None:
    content = build_report(result)
    section = content.posture
    thumb = next(t for t in section.thumbs if t.captions[0].startswith("Leg separation"))
    assert thumb.captions[0] == "Leg separation 150°"
    assert thumb.time_s == 1.4 and thumb.frame == 14
    picture = np.asarray(Image.open(io.BytesIO(thumb.jpeg)).convert("RGB"))
    full = cv2.resize(picture, (320, 240))
    assert read_index(full) == 14  # the frame of the peak (the crop is the whole frame here)
    # The highlighted thighs (orange) and the left arm (blue) are drawn on the picture.
    arm = full[125, 126:132].astype(int)  # the left elbow-wrist line, x 125..130 at y 125
    assert (np.abs(arm - np.array(LEFT_RGB)).sum(axis=1) < 120).any()
    thigh = full[160, 142:149].astype(int)
    assert (np.abs(thigh - np.array([255, 120, 0])).sum(axis=1) < 120).any()


def test_only_the_needed_frames_are_decoded_in_one_pass(result, monkeypatch) -> None:
    calls = []
    real = crops_module.read_frames

    def recording(path, indices):
        indices = list(indices)
        calls.append(set(indices))
        return real(path, indices)

    monkeypatch.setattr(crops_module, "read_frames", recording)
    content = build_report(result)
    wanted = {c.frame for c in content.top + content.bottom} | {
        t.frame for t in content.posture.thumbs
    }
    assert calls == [wanted]


def test_pdf_has_the_posture_section(result: AnalysisResult, tmp_path) -> None:
    path = tmp_path / "posture.pdf"
    path.write_bytes(render_pdf(build_report(result)))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: PDF text not checked")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    section = text[text.index("Athlete and posture") :]
    line = next(x for x in section.splitlines() if x.strip().startswith("Leg separation"))
    assert "150° at 0:01.4, 90° at 0:00.4" in line and "87% (13 of 15)" in line
    assert "Right elbow: not visible most of the time" in section
    assert "2 people tracked" in " ".join(section.split())


def test_no_posture_section_without_athlete_or_pose(plain: AnalysisResult, tmp_path) -> None:
    content = build_report(plain)
    assert content.posture is None
    assert "Athlete and posture" not in render_html(content)
    path = tmp_path / "plain.pdf"
    path.write_bytes(render_pdf(content))
    if shutil.which("pdftotext") is not None:
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "Athlete and posture" not in text and "Frames weighted most" in text


def test_a_pose_without_angles_says_so(result: AnalysisResult) -> None:
    bare = dataclasses.replace(result, pose=PoseInfo("blazepose_full", result.pose.people))
    section = build_report(bare).posture
    assert section.angles == () and section.plot_png is None and section.thumbs == ()
    assert "did not find the athlete's body" in section.pose_line


def test_the_athlete_line_says_how_the_athlete_was_chosen(result: AnalysisResult) -> None:
    user = dataclasses.replace(
        result.athlete, chosen_by="user", reason="chosen by the user at 1.2 s"
    )
    assert "person 1, chosen by the user (chosen by the user at 1.2 s)" in athlete_line(
        dataclasses.replace(result, athlete=user)
    )
    largest = AthleteInfo("largest", None, "auto", "the paper's rule", result.athlete.tracks)
    yolo = Provenance("torchvision", 1, False, "yolo")
    line = athlete_line(dataclasses.replace(result, athlete=largest, provenance=yolo))
    assert line.startswith("People found by YOLO.")
    assert "the largest person in each frame (the paper's rule)" in line
    assert "2 people tracked" in line


def test_thumbnails_are_missing_with_a_reason_when_the_video_is_gone(result) -> None:
    gone = dataclasses.replace(result, video=dataclasses.replace(result.video, path="/no/x.mp4"))
    section = build_report(gone).posture
    assert section.thumbs and all(t.jpeg is None for t in section.thumbs)
    assert section.notes[0].startswith("Posture thumbnails not shown: the video /no/x.mp4")


# --------------------------------------------------------------------------------- CSV, JSON


def test_angles_csv_holds_the_series(result: AnalysisResult, tmp_path) -> None:
    path = tmp_path / "routine.angles.csv"
    write_report(path, result)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    assert header == [
        "time_s",
        "frame",
        *ANGLE_NAMES,
        *(f"{name}_visibility" for name in ANGLE_NAMES),
    ]
    assert len(rows) == 1 + len(POSE_TIMES)
    for i, row in enumerate(rows[1:]):
        cells = dict(zip(header, row, strict=True))
        assert float(cells["time_s"]) == POSE_TIMES[i]
        assert cells["frame"] == str(round(POSE_TIMES[i] * FPS))
        for name in ANGLE_NAMES:
            trace = result.pose.angles[name]
            expected = trace.degrees[i]
            if expected is None:
                assert cells[name] == ""
            else:
                assert float(cells[name]) == pytest.approx(expected, abs=5e-4)
            assert float(cells[f"{name}_visibility"]) == pytest.approx(trace.visibility[i])
    # The ordinary .csv stays the weights table.
    assert weights_csv(result).startswith("record,index,")
    assert (tmp_path / "routine.csv").exists() is False


def test_angles_csv_is_safe_in_a_spreadsheet(result: AnalysisResult) -> None:
    hostile = dict(result.pose.angles)
    hostile['=HYPERLINK("http://x")'] = hostile.pop("trunk_inclination")
    pose = dataclasses.replace(result.pose, angles=hostile)
    header = next(csv.reader(io.StringIO(angles_csv(dataclasses.replace(result, pose=pose)))))
    assert '\'=HYPERLINK("http://x")' in header
    assert '\'=HYPERLINK("http://x")_visibility' in header
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header)


def test_angles_csv_of_a_result_without_angles_is_a_clear_error(plain, tmp_path) -> None:
    with pytest.raises(JudgeappError, match="no joint angles"):
        write_report(tmp_path / "x.angles.csv", plain)
    assert not (tmp_path / "x.angles.csv").exists()


def test_json_export_carries_the_athlete_and_pose(result: AnalysisResult, tmp_path) -> None:
    doc = report_document(result)
    assert doc["analysis"]["schema"] == "judgeapp.analysis/3"
    path = tmp_path / "r.json"
    write_report(path, result)
    back = AnalysisResult.from_dict(json.loads(path.read_text(encoding="utf-8"))["analysis"])
    assert back.athlete == result.athlete
    assert (
        back.pose.angles["leg_separation"].degrees == result.pose.angles["leg_separation"].degrees
    )
    assert len(back.pose.people) == len(result.pose.people)


# --------------------------------------------------------------------------- annotated video


def test_annotated_video_draws_the_skeleton(result, plain, clip, tmp_path) -> None:
    write_annotated_video(result, clip, tmp_path / "a.mp4")
    write_annotated_video(plain, clip, tmp_path / "b.mp4")
    with_skeleton = [f.astype(int) for f in rgb_frames(tmp_path / "a.mp4")]
    without = [f.astype(int) for f in rgb_frames(tmp_path / "b.mp4")]
    assert len(with_skeleton) == len(without) == 40

    def distance(frame: np.ndarray, y: int, x: int, rgb) -> int:
        return int(np.abs(frame[y - 1 : y + 2, x - 1 : x + 2] - np.array(rgb)).sum(axis=2).min())

    # The athlete's left thigh, hip (145, 140) to knee (145, 180): blue where a pose is within
    # 0.15 s (every frame up to 2.9 s), the plain frame from 3.0 s (0.2 s after the last pose).
    for index in (0, 3, 14, 29):
        assert distance(with_skeleton[index], 160, 145, LEFT_RGB) < 90, index
        assert distance(without[index], 160, 145, LEFT_RGB) > 200, index
    for index in (30, 35):
        diff = np.abs(with_skeleton[index][150:170, 140:150] - without[index][150:170, 140:150])
        assert diff.max() < 40, index
    # Someone else, 100 px to the left, thin and grey while seen (until 1.0 s).
    assert distance(with_skeleton[4], 160, 45, OTHER_RGB) < 60
    assert distance(without[4], 160, 45, OTHER_RGB) > 150
    assert distance(with_skeleton[20], 160, 45, OTHER_RGB) > 150

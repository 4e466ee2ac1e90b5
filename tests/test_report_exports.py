"""PDF, HTML, CSV and JSON reports: content, escaping, crops, and failures that leave nothing."""

from __future__ import annotations

import builtins
import csv
import dataclasses
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from report_helpers import DiskFullWriter, full_tmpfs, make_result, unwritable_dir
from video_helpers import read_index, write_video

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.results import AnalysisResult
from judgeapp.report import (
    build_report,
    render_html,
    render_pdf,
    report_document,
    weights_csv,
    write_report,
)
from judgeapp.report.crops import extreme_frames
from judgeapp.video import probe

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """A 12 s, 8 fps synthetic video whose frames spell their own index."""
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", fps=8.0, frames=96)


@pytest.fixture(scope="module")
def result(clip: Path) -> AnalysisResult:
    info = probe(clip)
    # A box covering the whole frame keeps each frame's index cells inside its crop.
    return make_result(info, seed=5, score=18.5, box=(0, 0, info.width, info.height))


def _marks(sha: str) -> list[Mark]:
    return [
        Mark(7, sha, 9.5, "deduction", "step out of the carpet", 0.3, "2025-01-01T00:00:00Z"),
        Mark(3, sha, 1.25, "comment", SCRIPT),
        Mark(4, sha, 4.0, "highlight", '=HYPERLINK("http://x") & ünïcödé ✓'),
    ]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]
        self.attributes += [k for k, _ in attrs]

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_html_shows_user_text_as_text_and_is_self_contained(result: AnalysisResult) -> None:
    evil_name = dataclasses.replace(result.video, path="/videos/<img src=x onerror=alert(2)>.mp4")
    hostile = dataclasses.replace(result, video=evil_name, warnings=["<blink>x</blink> warning"])
    content = build_report(hostile, _marks(result.video.sha256), PanelScore(17.0))
    page = render_html(content)
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags  # the mark did not become an element...
    assert SCRIPT in "".join(parsed.text)  # ...it is shown as the text the judge typed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "onerror" not in parsed.attributes and "blink" not in parsed.tags
    assert "<img src=x" not in page
    assert "Content-Security-Policy" in page
    assert parsed.urls and all(url.startswith("data:") for url in parsed.urls)


def test_html_holds_every_section(result: AnalysisResult, clip: Path) -> None:
    marks = _marks(result.video.sha256)
    content = build_report(result, marks, PanelScore(17.0, 8.0, 9.5))
    page = render_html(content)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "clip.mp4" in text and result.video.sha256 in text
    assert "0:12.0 (12.00 s)" in text  # duration
    assert "torchvision" in text and "ball" in text  # model card
    assert "18.50 / 25" in text and "total 17.00" in text and "+1.50" in text
    assert "not calibrated" in text
    assert page.count("data:image/jpeg;base64,") == 8  # 4 top + 4 bottom crops
    assert page.count("data:image/png;base64,") == 1  # the timeline
    # Marks in time order, numbered as on the timeline.
    rows = re.findall(r'<td class="num">(\d+)</td><td class="num">([\d:.]+)</td>', page)
    assert rows == [("1", "0:01.2"), ("2", "0:04.0"), ("3", "0:09.5")]


def test_crops_come_from_the_top_and_bottom_weighted_frames(result: AnalysisResult) -> None:
    content = build_report(result, [], None, k=4)
    top, bottom = extreme_frames(result.static, 4)
    assert [c.weight for c in content.top] == sorted(f.weight for f in result.static)[::-1][:4]
    assert [c.weight for c in content.bottom] == sorted(f.weight for f in result.static)[:4]
    for crop, frame in zip(content.top + content.bottom, top + bottom, strict=True):
        picture = np.asarray(Image.open(io.BytesIO(crop.jpeg)).convert("RGB"))
        full = cv2.resize(picture, (result.video.width, result.video.height))
        assert read_index(full) == crop.frame == frame.frame
    assert content.notes == ()


def test_a_moved_video_gives_a_report_without_crops(result: AnalysisResult, tmp_path) -> None:
    gone = dataclasses.replace(result, video=dataclasses.replace(result.video, path="/no/such.mp4"))
    for name in ("r.pdf", "r.html"):
        write_report(tmp_path / name, gone, _marks(result.video.sha256))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Crops not shown: the video /no/such.mp4 is not available" in page
    assert "data:image/jpeg" not in page
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_different_file_at_the_recorded_path_is_not_used(result, clip, tmp_path) -> None:
    other = write_video(tmp_path / "other.mp4", fps=8.0, frames=40)
    swapped = dataclasses.replace(result, video=dataclasses.replace(result.video, path=str(other)))
    content = build_report(swapped)
    assert all(c.jpeg is None for c in content.top + content.bottom)
    assert "not available" in content.notes[0]
    # Told where the video is now, the report finds it (its hash matches the analysis).
    moved = build_report(swapped, video_path=clip)
    assert all(c.jpeg is not None for c in moved.top + moved.bottom)


def test_pdf_report(result: AnalysisResult, tmp_path) -> None:
    data = render_pdf(build_report(result, _marks(result.video.sha256), PanelScore(17.0)))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    path = tmp_path / "r.pdf"
    write_report(path, result, _marks(result.video.sha256), PanelScore(17.0))
    assert path.stat().st_mode & 0o777 == 0o644
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: PDF text not checked")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    for expected in (
        "clip.mp4",
        result.video.sha256,
        "18.50",
        "17.00",
        "+1.50",
        SCRIPT,
        "step out of the carpet",
        "not calibrated",
        "T1",
        "B4",
    ):
        assert expected in text, expected


def test_csv_export(result: AnalysisResult) -> None:
    marks = _marks(result.video.sha256)
    rows = list(csv.DictReader(io.StringIO(weights_csv(result, marks))))
    segments = [r for r in rows if r["record"] == "segment"]
    frames = [r for r in rows if r["record"] == "frame"]
    mark_rows = [r for r in rows if r["record"] == "mark"]
    assert len(segments) == len(result.dynamic) and len(frames) == len(result.static)
    assert sum(float(r["weight"]) for r in segments) == pytest.approx(1.0, abs=1e-6)
    assert sum(float(r["weight"]) for r in frames) == pytest.approx(1.0, abs=1e-6)
    assert float(frames[3]["time_s"]) == result.static[3].time_s
    assert float(frames[3]["x2"]) == pytest.approx(result.static[3].box[2], abs=0.05)
    assert [r["mark_id"] for r in mark_rows] == ["3", "4", "7"]
    assert mark_rows[0]["text"] == SCRIPT
    assert mark_rows[1]["text"].startswith("'=HYPERLINK")  # not run as a formula
    assert mark_rows[2]["deduction"] == "0.3"


def test_json_export(result: AnalysisResult, tmp_path) -> None:
    marks = _marks(result.video.sha256)
    path = tmp_path / "r.json"
    write_report(path, result, marks, PanelScore(17.0, 8.0, 9.0))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == report_document(result, marks, PanelScore(17.0, 8.0, 9.0))
    assert AnalysisResult.from_dict(doc["analysis"]) == result
    assert [Mark(**m) for m in doc["marks"]] == sorted(marks, key=lambda m: m.time_s)
    assert doc["panel"] == {"total": 17.0, "difficulty": 8.0, "execution": 9.0}
    assert doc["difference"] == pytest.approx(1.5)


def test_an_unknown_format_is_refused(result: AnalysisResult, tmp_path) -> None:
    with pytest.raises(JudgeappError, match=r"unknown report format '\.docx'"):
        write_report(tmp_path / "r.docx", result)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------- failures leave nothing

FORMATS = ["r.pdf", "r.html", "r.csv", "r.json"]


@pytest.mark.parametrize("name", FORMATS)
def test_a_folder_below_a_regular_file_gives_a_clear_error(result, tmp_path, name) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(JudgeappError, match=rf"{name}: cannot write \(.*file is a file, not a"):
        write_report(tmp_path / "file" / "reports" / name, result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize("name", FORMATS)
def test_a_read_only_folder_gives_a_clear_error(result, tmp_path, name) -> None:
    with unwritable_dir(tmp_path) as folder:
        if folder is None:
            pytest.skip("no way to make a folder read-only for this user here")
        with pytest.raises(JudgeappError, match=rf"{name}: cannot write \(.+\)"):
            write_report(folder / name, result)
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", FORMATS)
def test_a_full_disk_gives_a_clear_error_and_no_partial_file(result, tmp_path, name) -> None:
    with full_tmpfs(tmp_path) as disk:
        if disk is None:
            pytest.skip("cannot mount a tmpfs here (the simulated full disk test still runs)")
        with pytest.raises(JudgeappError, match=r"cannot write \(No space left on device\)"):
            write_report(disk / name, result, _marks(result.video.sha256))
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


@pytest.mark.parametrize("name", FORMATS)
def test_a_simulated_full_disk_leaves_no_partial_file(result, tmp_path, monkeypatch, name) -> None:
    def tiny_disk(path, mode="r", *args, **kwargs):
        return DiskFullWriter(builtins.open(path, mode, *args, **kwargs), room=200)

    monkeypatch.setattr("judgeapp.report.output.open", tiny_disk, raising=False)
    (tmp_path / "r").mkdir()
    with pytest.raises(JudgeappError, match=r"cannot write \(No space left on device\)"):
        write_report(tmp_path / "r" / name, result)
    assert list((tmp_path / "r").iterdir()) == []


def test_a_failed_report_keeps_the_previous_file(result, tmp_path, monkeypatch) -> None:
    path = tmp_path / "r.html"
    write_report(path, result)
    before = path.read_bytes()

    def tiny_disk(path, mode="r", *args, **kwargs):
        return DiskFullWriter(builtins.open(path, mode, *args, **kwargs), room=100)

    monkeypatch.setattr("judgeapp.report.output.open", tiny_disk, raising=False)
    with pytest.raises(JudgeappError):
        write_report(path, result, _marks(result.video.sha256))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def _disagreement_report():
    """A 32 s hand-made result whose ten segment weights are known, with deductions on its most
    and least attended segments (report numbers 1..3 in time order, ids 9, 5, 6)."""
    from report_helpers import fake_video_info
    from ui_helpers import hand_result

    info = fake_video_info("disagree.mp4", duration_s=32.0)
    dynamic = [0.02, 0.05, 0.30, 0.08, 0.03, 0.20, 0.04, 0.12, 0.06, 0.10]
    result = hand_result(info, dynamic, [(float(t), 1 / 32) for t in range(32)])
    marks = [
        Mark(9, info.sha256, 1.0, "deduction", "bent knee <b>", 0.1),  # least attended
        Mark(5, info.sha256, 7.0, "deduction", "fall", 0.5),  # most attended
        Mark(6, info.sha256, 23.0, "deduction", "step", 0.3),
    ]
    return build_report(result, marks, None)


def test_html_lists_the_disagreement_least_attended_first() -> None:
    page = render_html(_disagreement_report())
    section = page[page.index("Judges and model: where they disagree") :]
    cells = re.findall(r"<td[^>]*>(?:<b>)?([^<]*)(?:</b>)?</td>", section)
    rows = [cells[i : i + 6] for i in range(0, len(cells), 6)]
    assert [row[:3] for row in rows] == [
        ["#1 deduction -0.1", "0:01.0", "0th"],
        ["#3 deduction -0.3", "0:23.0", "78th"],
        ["#2 deduction -0.5", "0:07.0", "100th"],
        ["A2 unmarked", "0:16.0-0:19.2", "89th"],
    ]
    assert "bent knee &lt;b&gt;" in section and "bent knee <b>" not in section
    assert 'style="color:#2166ac"' in section  # the 0th percentile in blue


def test_pdf_has_the_disagreement_section(tmp_path) -> None:
    path = tmp_path / "d.pdf"
    path.write_bytes(render_pdf(_disagreement_report()))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: PDF text not checked")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    section = text[text.index("Judges and model: where they disagree") :]
    lines = [line.split() for line in section.splitlines() if "deduction -" in line]
    assert [(words[0], words[3], words[4]) for words in lines] == [
        ("#1", "0:01.0", "0th"),
        ("#3", "0:23.0", "78th"),
        ("#2", "0:07.0", "100th"),
    ]
    assert "A2 unmarked" in section

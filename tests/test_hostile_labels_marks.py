"""Hostile label files and mark texts (issue 11, must-show property tests).

Any label file gives labels with finite scores or one line naming the file (and the line);
any mark text (line breaks, tabs, control characters, emoji, right-to-left, very long) is
saved, read back and drawn in every export, the annotated video included.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from report_helpers import fake_video_info, make_result
from video_helpers import write_video

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark
from judgeapp.report import build_report, render_html, render_pdf, weights_csv, write_report
from judgeapp.report.annotated_video import _text_patch
from judgeapp.report.pdf_report import MARK_PDF_CHARS, MARK_PDF_LINES, pdf_mark_text
from judgeapp.report.timeline_figure import draw_timeline
from judgeapp.store import Library
from judgeapp.training.labels import RG_COLUMNS, load_labels
from judgeapp.video import probe

FIXTURES = [HealthCheck.function_scoped_fixture]
number_text = st.sampled_from(["1", "-2.5", "nan", "inf", "-inf", "1e999", "x", "", "9" * 400])
cell = st.text(max_size=12) | number_text
rg_lines = st.lists(st.lists(cell, min_size=0, max_size=7), max_size=6).map(
    lambda rows: "\n".join([" ".join(RG_COLUMNS)] + ["\t ".join(row) for row in rows])
)
csv_lines = st.lists(st.lists(cell, max_size=3), max_size=6).map(
    lambda rows: "\n".join(",".join(row) for row in rows)
)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURES)
@given(
    text=rg_lines | csv_lines | st.text(max_size=200),
    target=st.sampled_from(["total", "execution"]),
)
def test_any_label_file_gives_finite_labels_or_one_line(tmp_path, text, target):
    path = tmp_path / "labels.txt"
    path.write_text(text, encoding="utf-8")
    try:
        labels = load_labels(path, target)
    except JudgeappError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
        return
    assert labels and all(math.isfinite(label.score) for label in labels)


@pytest.fixture(scope="module")
def result():
    return make_result(fake_video_info(duration_s=12.0))


HOSTILE_TEXTS = [
    "line one\nline two", "tab\there", "\r\n\r\n", "\x00nul", "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>", "שלום عربى", "🤸‍♀️" * 40, "x" * 5000,
]  # fmt: skip
mark_texts = st.text(max_size=300) | st.sampled_from(HOSTILE_TEXTS)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(text=mark_texts)
@example(text="\r0")  # a lone carriage return went unquoted into the CSV (found by hypothesis)
def test_any_mark_text_is_drawn_in_every_export(result, text):
    mark = Mark(1, result.video.sha256, 2.0, "deduction", text, 0.3)
    rows = list(csv.DictReader(io.StringIO(weights_csv(result, [mark]))))
    assert [r for r in rows if r["record"] == "mark"]
    assert "<script>" not in render_html(build_report(result, [mark]))
    assert draw_timeline(result, [mark]).size[0] > 0
    label = _text_patch(text, (200, 40, 40), 24, 600)
    assert label.ndim == 3 and label.shape[2] == 4 and label.shape[0] < 2 * 24  # one line
    shown = pdf_mark_text(text)
    assert shown.count("\n") < MARK_PDF_LINES and len(shown) <= MARK_PDF_CHARS + 60


def test_hostile_mark_texts_fit_in_one_pdf(result):
    """A PDF costs a second to draw: every odd text at once, in one report."""
    marks = [
        Mark(k, result.video.sha256, k * 0.5, "comment", text)
        for k, text in enumerate(HOSTILE_TEXTS + ["\n".join(["a line"] * 400)], start=1)
    ]
    assert render_pdf(build_report(result, marks)).startswith(b"%PDF")


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(text=mark_texts)
def test_any_mark_text_is_saved_and_read_back(tmp_path, result, text):
    with Library.open(tmp_path / "library.sqlite3") as lib:
        lib.save_analysis(result)
        saved = lib.add_mark(result.video.sha256, 1.0, "comment", text)
        assert lib.mark(saved.id).text == text


def test_a_multi_line_mark_exports_in_the_annotated_video(tmp_path):
    clip = write_video(tmp_path / "clip.mp4", fps=10.0, frames=30)
    result = make_result(probe(clip))
    marks = [Mark(1, result.video.sha256, 0.5, "comment", "pasted\nfrom an email\r\n\tindented")]
    out = tmp_path / "annotated.mp4"
    write_report(out, result, marks)
    frames = probe(out).frames
    assert frames == 30
    assert np.asarray(_text_patch(marks[0].text, (90, 90, 90), 24, 2000)).shape[0] < 48

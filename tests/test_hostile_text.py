"""Hostile text in CSV cells and on the terminal (issue 24, classes 4 and 10).

Class 4: a video named `=HYPERLINK("http:x","cl").mp4` and a model card whose routine is
`+SUM(1,2)` went raw into `score --csv` (and the Batch window's CSV: test_review_hostile_csv.py),
where a spreadsheet runs them as formulas. Every text cell of every CSV judgeapp writes goes
through core.text_safety.csv_cell: a leading apostrophe where a spreadsheet would run the
text, numbers kept as numbers.

Class 10: a model card's routine or `trained_on` holding escape sequences was printed raw by
`models install` and `models list`, where the terminal obeys them (retitle the window, clear
the screen, recolour). Everything from outside that a command prints goes through
core.text_safety.terminal_text: control characters are shown as escapes (`\\x1b`).

The property tests: any text through csv_cell and back through the csv module is never a
formula and reads back as the text; any text through terminal_text holds no control character,
and printable text is unchanged.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from report_helpers import fake_video_info, make_result
from video_helpers import write_video
from weights_helpers import own_weights_folders, save_head

from judgeapp.cli import main
from judgeapp.core.marks import Mark
from judgeapp.core.text_safety import (
    FORMULA_STARTS,
    csv_cell,
    csv_text,
    terminal_lines,
    terminal_text,
)
from judgeapp.report import weights_csv
from judgeapp.training.labels import load_labels
from judgeapp.training.synthetic import SyntheticSpec, make_videos, write_labels_csv

HYPERLINK = '=HYPERLINK("http:x","cl")'
SUM = "+SUM(1,2)"
# Retitle the terminal window, ring the bell, clear the screen, turn the text red.
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # what a terminal may act on
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet would run this cell (a plain number is read as a number)."""
    return cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)


def formula_cells(table: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(table)) for c in row if runs_as_formula(c)]


def has_hidden(text: str) -> bool:
    return any(unicodedata.category(c) in HIDDEN for c in text if c != "\n")


# ------------------------------------------------------------------------ score --csv (class 4)


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """`judgeapp score` run once, in process, from the videos' folder: a real 4 s video named
    like a formula, scored by a head whose card's routine is a formula, and a damaged file
    whose name holds escape sequences (its error line and CSV row carry the name)."""
    folder = tmp_path_factory.mktemp("hostile-score")
    good = write_video(folder / "clip.mp4", 25.0, 25 * 4, width=160, height=120)
    good = good.rename(folder / f"{HYPERLINK}.mp4")
    bad = folder / f"@bad{ESCAPES}.mp4"
    bad.write_bytes(b"not a video at all")
    head = folder / "head.safetensors"
    save_head(head, SUM)
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                ["score", good.name, bad.name, "--pretrained", "none", "--model", str(head),
                 "--csv", "scores.csv"]
            )  # fmt: skip
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue(), (folder / "scores.csv").read_text("utf-8")


def test_score_csv_cells_are_never_formulas(scored):
    """Fails until commands/score.py writes its rows through core.text_safety.csv_row."""
    code, _out, err, table = scored
    assert code == 1, err  # the damaged file failed, the video was scored
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [csv_text(r["video"]) for r in rows] == [f"{HYPERLINK}.mp4", f"@bad{ESCAPES}.mp4"]
    assert rows[0]["video"] == f"'{HYPERLINK}.mp4"
    assert rows[0]["routine"] == f"'{SUM}"
    assert rows[1]["error"] and not rows[1]["score"]
    assert formula_cells(table) == []
    assert float(rows[0]["score"]) >= 0 and int(rows[0]["segments"]) == 1  # numbers stay


def test_score_prints_no_control_characters(scored):
    """Fails until commands/score.py prints names and errors through terminal_text."""
    _code, out, err, _table = scored
    assert "\x1b" not in out + err and "\x07" not in out + err, (out, err)
    assert "\\x1b]0;owned\\x07" in err  # the name is shown, its escapes visible


# ---------------------------------------------------------------------- the other CSV writers


def test_report_csv_escapes_every_text_cell_and_keeps_numbers():
    result = make_result(fake_video_info(duration_s=12.0))
    marks = [
        Mark(1, result.video.sha256, 2.0, "comment", f"{HYPERLINK}"),
        Mark(2, result.video.sha256, 3.0, "comment", SUM),
        Mark(3, result.video.sha256, 4.0, "deduction", "-1+1", 0.3),
        Mark(4, result.video.sha256, 5.0, "comment", "-0.5"),
    ]
    table = weights_csv(result, marks)
    assert formula_cells(table) == []
    texts = [r["text"] for r in csv.DictReader(io.StringIO(table)) if r["record"] == "mark"]
    assert texts == [f"'{HYPERLINK}", f"'{SUM}", "'-1+1", "-0.5"]


def test_labels_csv_escapes_names_and_reads_them_back(tmp_path):
    """The synthetic labels file is a CSV judgeapp writes: escaped too, and read back whole."""
    videos = make_videos(SyntheticSpec(videos=3, dynamic_dim=4, static_dim=4), seed=1)
    videos[0].name, videos[1].name = HYPERLINK, SUM
    path = tmp_path / "labels.csv"
    write_labels_csv(path, videos)
    assert formula_cells(path.read_text("utf-8")) == []
    labels = load_labels(path, "total", "all")
    assert [label.name for label in labels] == [v.name for v in videos]


# --------------------------------------------------------------- models install/list (class 10)


def test_models_install_and_list_show_escapes_instead_of_obeying_them(
    tmp_path, monkeypatch, capsys
):
    own_weights_folders(monkeypatch, tmp_path / "cache")
    head = tmp_path / "head.safetensors"
    routine = f"ball{ESCAPES}\u202e"  # and a right-to-left override
    save_head(head, routine, trained_on=f"{ESCAPES}club\x9b2J\r\nfake line")
    assert main(["models", "install", str(head)]) == 0
    installed = capsys.readouterr()
    assert main(["models", "list"]) == 0
    listed = capsys.readouterr()
    for printed in (installed, listed):
        shown = printed.out + printed.err
        assert not has_hidden(shown), shown
        assert "ball\\x1b]0;owned\\x07\\x1b[2J\\x1b[31m\\u202e" in shown
    assert "\\x1b[31mclub\\x9b2J" in listed.out  # trained_on, C1 CSI included


def test_an_error_line_shows_escapes_instead_of_obeying_them(tmp_path, capsys):
    """Fails until cli.py prints `error: ...` through terminal_text: the message names a file,
    and a file's name can hold escape sequences."""
    missing = tmp_path / f"gone{ESCAPES}.json"
    assert main(["report", str(missing), "--out", str(tmp_path / "r.csv"), "--no-library"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert not has_hidden(err), err
    assert "gone\\x1b]0;owned\\x07" in err


# ------------------------------------------------------------------------------ properties

any_text = st.text(max_size=60) | st.sampled_from(
    [HYPERLINK, SUM, "-2.5", "+3", "-", "@", "\t=1", "\r=1", "\r\n", "'=x", "''", "", "-1e5x"]
)


@settings(max_examples=400, deadline=None)
@given(text=any_text)
@example(text="\r-1")  # a carriage return becomes a line break: "\n-1" is text, not a number
def test_any_text_through_csv_cell_is_never_a_formula_and_reads_back(text):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([csv_cell(text), "next"])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert len(rows) == 1 and len(rows[0]) == 2 and rows[0][1] == "next"
    cell = rows[0][0]
    assert not runs_as_formula(cell)
    assert csv_text(cell) == text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=200, deadline=None)
@given(value=st.integers() | st.floats(allow_nan=False) | st.none())
def test_numbers_stay_numbers(value):
    assert csv_cell(value) is value


@settings(max_examples=100, deadline=None)
@given(text=any_text)
def test_any_mark_text_in_the_report_csv_is_never_a_formula(text):
    result = make_result(fake_video_info(duration_s=4.0))
    table = weights_csv(result, [Mark(1, result.video.sha256, 1.0, "comment", text)])
    assert formula_cells(table) == []
    mark = [r for r in csv.DictReader(io.StringIO(table)) if r["record"] == "mark"]
    assert csv_text(mark[0]["text"]) == text.replace("\r\n", "\n").replace("\r", "\n")


# Every code point, lone surrogates (undecodable bytes of a file name) included.
any_characters = st.text(st.characters(exclude_categories=()), max_size=60)


@settings(max_examples=400, deadline=None)
@given(text=any_characters | st.sampled_from([ESCAPES, "\u202egnp.exe", "\x9b31m", "\u2028"]))
def test_any_text_through_terminal_text_has_no_control_character(text):
    shown = terminal_text(text)
    assert not any(unicodedata.category(c) in HIDDEN for c in shown), ascii(shown)
    shown.encode("utf-8")  # printable on any UTF-8 terminal: no lone surrogate left
    assert "\n" not in shown
    if text.isprintable():
        assert shown == text
    lines = terminal_lines(text)
    assert not has_hidden(lines) and lines.count("\n") == text.replace("\r\n", "\n").count("\n")


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), max_size=60))
def test_printable_text_is_unchanged(text):
    assert terminal_text(text) == text == terminal_lines(text)

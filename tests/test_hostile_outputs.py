"""Issue 24, class 11: outputs are checked before any analysis, and a batch writes its rows as
they come, so an error or Ctrl-C keeps every finished video's row."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from hostile_helpers import FAST

import judgeapp.analysis
from judgeapp.cli import main


@pytest.mark.parametrize("option", ["--csv", "--json"])
def test_score_output_folder_refused_before_analysis(
    option, tmp_path, media_dir, capsys, no_analysis
):
    video = media_dir / "squats_portrait_5fps.mp4"
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["score", str(video), *FAST, option, str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no readable line: nothing was analysed
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(folder) in lines[0] and "folder" in lines[0]


def test_score_output_in_unwritable_place_refused_before_analysis(
    tmp_path, media_dir, capsys, no_analysis
):
    video = media_dir / "squats_portrait_5fps.mp4"
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    target = blocker / "rows.csv"
    assert main(["score", str(video), *FAST, "--csv", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and str(target) in captured.err


def test_evaluate_json_folder_refused_first(tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    code = main([
        "evaluate", "--model", str(tmp_path / "absent.safetensors"),
        "--features", str(tmp_path / "nofeatures"), "--labels", str(tmp_path / "nolabels.csv"),
        "--json", str(folder),
    ])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(folder) in err[0] and "folder" in err[0]


def test_batch_interrupted_keeps_finished_rows(tmp_path, media_dir, monkeypatch, capsys):
    """Ctrl-C during the second video: the first video's JSON entry and CSV row are on disk,
    and both files are whole (valid JSON, a CSV with its header)."""
    first = media_dir / "squats_portrait_5fps.mp4"
    second = tmp_path / "second.mp4"
    shutil.copy(first, second)
    real = judgeapp.analysis.analyze
    calls = []

    def analyse_then_interrupt(video, *args, **kwargs):
        calls.append(Path(video))
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(video, *args, **kwargs)

    monkeypatch.setattr(judgeapp.analysis, "analyze", analyse_then_interrupt)
    out_json, out_csv = tmp_path / "scores.json", tmp_path / "scores.csv"
    code = main([
        "score", str(first), str(second), *FAST, "--json", str(out_json), "--csv", str(out_csv)
    ])  # fmt: skip
    assert code == 1
    assert "interrupted" in capsys.readouterr().err
    assert len(calls) == 2
    docs = json.loads(out_json.read_text())
    assert isinstance(docs, list) and len(docs) == 1
    assert Path(docs[0]["video"]["path"]).name == first.name
    rows = list(csv.DictReader(out_csv.open(newline="")))
    assert [r["video"] for r in rows] == [str(first)]
    assert rows[0]["score"] and rows[0]["error"] == ""


def test_batch_failure_rows_written_as_they_come(tmp_path, media_dir, monkeypatch, capsys):
    """A failed video's row (with its error) is in the CSV before the next video starts."""
    from judgeapp.core.errors import JudgeappError

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    later = tmp_path / "later.mp4"
    later.write_bytes(b"x")
    out_csv = tmp_path / "rows.csv"
    seen_when_second_started = []

    def analyse(video, *args, **kwargs):
        if Path(video) == later:
            seen_when_second_started.append(out_csv.read_text())
            raise KeyboardInterrupt
        raise JudgeappError(f"{video}: not a video judgeapp can decode")

    monkeypatch.setattr(judgeapp.analysis, "analyze", analyse)
    assert main(["score", str(bad), str(later), *FAST, "--csv", str(out_csv)]) == 1
    capsys.readouterr()
    assert seen_when_second_started, "the second video was never started"
    rows = list(csv.DictReader(seen_when_second_started[0].splitlines()))
    assert len(rows) == 1 and "not a video" in rows[0]["error"]
    assert rows[0]["video"] == str(bad)


def test_json_stdout_and_readable_lines_kept(tmp_path, media_dir, capfd):
    """`--json -` still prints the JSON alone on stdout (the readable line on stderr)."""
    video = media_dir / "squats_portrait_5fps.mp4"
    assert main(["score", str(video), *FAST, "--json", "-"]) == 0
    out, err = capfd.readouterr()
    doc = json.loads(out)
    assert doc["video"]["path"].endswith(video.name)
    assert f"{video}: " in err

"""`judgeapp report`: from an analysis JSON or a video in the library, with the library's marks."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest
from report_helpers import make_result
from video_helpers import write_video

from judgeapp.cli import main
from judgeapp.core.files import sha256_file
from judgeapp.core.marks import PanelScore
from judgeapp.core.results import Provenance
from judgeapp.features.recipes import current_recipe
from judgeapp.store import Library
from judgeapp.video import probe


def _installed_head_sha256() -> str:
    from judgeapp.weights.heads import heads_dir

    return sha256_file(heads_dir() / "ball.safetensors")


@pytest.fixture
def setup(tmp_path: Path, monkeypatch):
    """A private library holding one analysed video with a mark and a panel score, made the
    way the command's default options analyse: pretrained backbones, the installed head (a
    private one), the finder `auto` takes here (HOG: the suite installs no pose model or YOLO)."""
    from weights_helpers import save_head

    from judgeapp.weights.heads import heads_dir

    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    heads_dir().mkdir(parents=True)
    save_head(heads_dir() / "ball.safetensors")
    default_way = Provenance(
        "torchvision", current_recipe("torchvision"), True, "hog", _installed_head_sha256()
    )
    video = write_video(tmp_path / "clip.mp4", fps=8.0, frames=48)
    result = dataclasses.replace(
        make_result(probe(video), seed=1, score=20.0), provenance=default_way
    )
    with Library.open() as lib:
        lib.save_analysis(result)
        lib.add_mark(result.video.sha256, 2.0, "comment", "<script>alert(1)</script>")
        lib.set_panel_score(result.video.sha256, PanelScore(19.0))
    analysis = tmp_path / "analysis.json"
    analysis.write_text(result.to_json())
    return tmp_path, video, analysis, result


def test_report_from_analysis_json_includes_the_librarys_marks(setup, capsys) -> None:
    tmp_path, _, analysis, _ = setup
    out = tmp_path / "out" / "report.html"
    assert main(["report", str(analysis), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "+1.00" in page  # 20.0 predicted - 19.0 panel
    assert capsys.readouterr().out.strip() == f"wrote {out}"


def test_report_of_a_video_in_the_library_needs_no_analysis(setup, monkeypatch) -> None:
    tmp_path, video, _, result = setup

    # Any use of the analysis package fails the test: the library's result must be used.
    monkeypatch.setitem(sys.modules, "judgeapp.analysis", None)
    out = tmp_path / "r.json"
    assert main(["report", str(video), "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["analysis"]["score"] == result.score
    assert [m["text"] for m in doc["marks"]] == ["<script>alert(1)</script>"]
    assert doc["panel"]["total"] == 19.0


def _fake_analysis(monkeypatch, score: float) -> list:
    """judgeapp.analysis.analyze replaced by one that records its options and scores `score`."""
    import judgeapp.analysis

    calls = []

    def fake(path, options, progress=None, cancel=None, pool=None):
        calls.append(options)
        made = Provenance(
            "torchvision",
            current_recipe("torchvision"),
            options.pretrained,
            "hog",
            _installed_head_sha256(),
        )
        return dataclasses.replace(make_result(probe(path), seed=2, score=score), provenance=made)

    monkeypatch.setattr(judgeapp.analysis, "analyze", fake)
    return calls


def test_a_result_made_another_way_is_analysed_again_and_saved(setup, monkeypatch, capsys):
    tmp_path, video, _, result = setup
    calls = _fake_analysis(monkeypatch, score=9.0)
    out = tmp_path / "r.json"
    # The stored result had pretrained backbones; random ones give another number.
    assert main(["report", str(video), "--out", str(out), "--pretrained", "none"]) == 0
    assert len(calls) == 1 and calls[0].pretrained is False
    assert json.loads(out.read_text())["analysis"]["score"] == 9.0
    assert "analysed again" in capsys.readouterr().err
    with Library.open() as lib:
        assert lib.latest_analysis(result.video.sha256).score == 9.0  # saved

    # The same request again: the result just saved is used, nothing is analysed.
    assert main(["report", str(video), "--out", str(out), "--pretrained", "none"]) == 0
    assert len(calls) == 1
    assert main(["report", str(video), "--out", str(out), "--reanalyze"]) == 0
    assert len(calls) == 2


def test_no_library_means_no_marks(setup) -> None:
    tmp_path, _, analysis, _ = setup
    out = tmp_path / "r.csv"
    assert main(["report", str(analysis), "--out", str(out), "--no-library"]) == 0
    assert ",mark," not in out.read_text() and "\nmark," not in out.read_text()


def test_an_unknown_format_is_a_usage_error(setup, capsys) -> None:
    tmp_path, _, analysis, _ = setup
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(analysis), "--out", str(tmp_path / "r.docx")])
    assert exit_info.value.code == 2
    assert "unknown report format" in capsys.readouterr().err


def test_an_unwritable_output_is_one_error_line(setup, capsys) -> None:
    tmp_path, _, analysis, _ = setup
    (tmp_path / "file").write_text("x")
    assert main(["report", str(analysis), "--out", str(tmp_path / "file" / "r.pdf")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "r.pdf: cannot write" in err[0]


def test_a_json_that_is_not_an_analysis_is_one_error_line(setup, capsys) -> None:
    tmp_path, _, _, _ = setup
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    assert main(["report", str(bad), "--out", str(tmp_path / "r.pdf")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.json: not a judgeapp analysis" in err[0]
    assert not (tmp_path / "r.pdf").exists()

"""Reports of a model set's result (schema /2): the scores table with intervals and coverage,
the consistency line, per-target CSV columns and JSON differences; a /1 result as before."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result
from score_helpers import set_result

from judgeapp.cli import main
from judgeapp.core.marks import PanelScore
from judgeapp.report import build_report, render_html, report_document, weights_csv, write_report
from judgeapp.report.tables import CSV_COLUMNS, SCORE_COLUMNS

PANEL = PanelScore(18.0, 8.0, 10.5)


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: PDF text not checked")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def test_html_shows_each_target_with_interval_coverage_panel_and_consistency():
    page = render_html(build_report(set_result(), panel=PANEL))
    assert "<h2>Scores by target</h2>" in page
    for text in (
        "Difficulty (D)",
        "8.10 – 8.70",
        "Execution (E)",
        "8.65 – 9.15",
        "16.80 – 17.70",
        "-1.60",  # execution: 8.90 predicted - 10.50 panel
        "interval held the true score for 72 % of validation videos, mean width 0.9",
        "Predicted D + E = 17.30 beside predicted total 17.25 (gap +0.05)",
    ):
        assert text in page, text
    assert '<p class="consistency">' in page and '<p class="inconsistent">' not in page


def test_html_flags_an_inconsistent_set():
    page = render_html(build_report(set_result(8.4, 9.4)))
    assert '<p class="inconsistent">Inconsistent. Predicted D + E = 17.80' in page


def test_a_one_head_report_has_no_targets_table():
    page = render_html(build_report(make_result(fake_video_info()), panel=PANEL))
    assert "Scores by target" not in page and "Predicted D + E" not in page


def test_pdf_shows_the_targets_table_and_the_consistency_line(tmp_path):
    out = write_report(tmp_path / "r.pdf", set_result(8.4, 9.4), panel=PANEL)
    text = " ".join(_pdf_text(out).split())
    for expected in (
        "Scores by target",
        "Difficulty (D)",
        "8.10 – 8.70",
        "-1.10",  # execution: 9.40 predicted - 10.50 panel
        "72 % of validation videos",
        "Inconsistent. Predicted D + E = 17.80",
    ):
        assert expected in text, expected


def test_csv_of_a_set_has_score_rows_and_a_weight_column_per_target():
    result = set_result()
    rows = list(csv.DictReader(io.StringIO(weights_csv(result, [], PANEL))))
    header = list(rows[0])
    assert header == [*CSV_COLUMNS, *SCORE_COLUMNS, "weight_total"]
    scores = {r["target"]: r for r in rows if r["record"] == "score"}
    assert list(scores) == ["difficulty", "execution", "total"]
    total = scores["total"]
    assert (total["value"], total["low"], total["high"]) == ("17.25", "16.8", "17.7")
    assert (total["coverage"], total["panel"], total["difference"]) == ("0.72", "18", "-0.75")
    assert scores["execution"]["coverage"] == ""
    segments = [r for r in rows if r["record"] == "segment"]
    expected = result.scores["total"].dynamic[0]
    assert float(segments[0]["weight_total"]) == pytest.approx(expected, abs=1e-8)


def test_csv_of_one_head_keeps_the_v1_columns():
    text = weights_csv(make_result(fake_video_info()))
    assert text.splitlines()[0].split(",") == CSV_COLUMNS


def test_json_has_per_target_differences_and_the_consistency_check():
    doc = report_document(set_result(8.4, 9.4), [], PANEL)
    assert doc["analysis"]["schema"] == "judgeapp.analysis/2"
    assert doc["differences"]["execution"] == pytest.approx(9.4 - 10.5)
    assert doc["difference"] == pytest.approx(17.25 - 18.0)  # the total's
    assert doc["consistency"]["flagged"] is True
    assert doc["consistency"]["gap"] == pytest.approx(17.8 - 17.25)
    assert "differences" not in report_document(make_result(fake_video_info()), [], PANEL)


@pytest.mark.parametrize("schema", ["/1", "/2"])
def test_report_command_reads_v1_and_v2_files(tmp_path, schema, capsys):
    result = set_result() if schema == "/2" else make_result(fake_video_info())
    analysis = tmp_path / "analysis.json"
    analysis.write_text(result.to_json())
    assert json.loads(analysis.read_text())["schema"] == f"judgeapp.analysis{schema}"
    for name in ("r.html", "r.csv", "r.json", "r.pdf"):
        out = tmp_path / name
        assert main(["report", str(analysis), "--out", str(out), "--no-library"]) == 0
        assert out.stat().st_size > 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert ("Scores by target" in page) is (schema == "/2")
    assert "17.25" in page
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["analysis"]["schema"] == f"judgeapp.analysis{schema}"
    assert capsys.readouterr().out.count("wrote ") == 4


def test_the_report_model_card_names_a_sets_targets():
    rows = dict(build_report(set_result()).model_rows())
    assert rows["Target"].startswith("difficulty (of 12), execution (of 10), total (of 25)")
    one = dict(build_report(make_result(fake_video_info())).model_rows())
    assert one["Target"] == "total score, range 0 to 25"

"""One table of report formats, and a report package that loads its writers only when used:
the application layer (score panel, settings, tables) imports without fpdf or the video
encoder."""

from __future__ import annotations

import pytest
from import_helpers import loaded_after

import judgeapp.report as report
from judgeapp.cli import main
from judgeapp.report import DIALOG_FILTERS, FORMATS, REPORT_FORMATS, report_format

WRITERS = ("fpdf", "av", "judgeapp.report.pdf_report", "judgeapp.report.annotated_video")


def test_importing_the_application_layer_loads_no_report_writer() -> None:
    app_layer = ["judgeapp.app.score_view", "judgeapp.app.app_settings"]
    app_layer += ["judgeapp.app.attention_view", "judgeapp.app.report_service"]
    assert loaded_after(app_layer, WRITERS) == []


def test_a_writer_loads_on_first_use() -> None:
    from judgeapp.report.pdf_report import write_pdf

    assert report.write_pdf is write_pdf
    with pytest.raises(AttributeError, match="no attribute 'write_docx'"):
        report.write_docx  # noqa: B018


def test_the_dialog_and_the_command_line_read_the_one_table(capsys) -> None:
    assert set(DIALOG_FILTERS.values()) <= set(REPORT_FORMATS) == {f.suffix for f in FORMATS}
    assert DIALOG_FILTERS["PDF report (*.pdf)"] == ".pdf"
    assert report_format("x/Routine.ANGLES.csv") == ".angles.csv"
    with pytest.raises(SystemExit) as info:
        main(["report", "routine.mp4", "--out", "routine.docx"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "routine.docx: unknown report format '.docx'; use one of .pdf, .html, .csv" in err

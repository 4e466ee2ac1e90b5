"""CSV and JSON exports of the attention weights (per segment, per frame) and the marks."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.results import AnalysisResult
from judgeapp.report.output import write_report_text

REPORT_SCHEMA = "judgeapp.report/1"

CSV_COLUMNS = [
    "record",  # segment | frame | mark
    "index",  # segment number, frame sample number, or mark number (time order), from 1
    "start_s",
    "end_s",
    "time_s",
    "frame",
    "weight",
    "x1",
    "y1",
    "x2",
    "y2",
    "mark_id",
    "kind",
    "deduction",
    "text",
]

# A spreadsheet runs a cell starting with one of these as a formula; quote such user text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(text: str) -> str:
    """Line ends as "\n" (a lone carriage return would go unquoted and break the row), and a
    leading apostrophe where a spreadsheet would run the text as a formula."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _num(value: float | None, digits: int = 6) -> str:
    return "" if value is None else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def sorted_marks(marks: Sequence[Mark]) -> list[Mark]:
    return sorted(marks, key=lambda m: (m.time_s, m.id))


def weights_csv(result: AnalysisResult, marks: Sequence[Mark] = ()) -> str:
    """One table in long form: a row per segment, per static frame and per mark.

    Mark texts that a spreadsheet would run as a formula get a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for k, seg in enumerate(result.dynamic, start=1):
        writer.writerow(
            {
                "record": "segment",
                "index": k,
                "start_s": _num(seg.start_s, 3),
                "end_s": _num(seg.end_s, 3),
                "weight": _num(seg.weight, 8),
            }
        )
    for k, frame in enumerate(result.static, start=1):
        x1, y1, x2, y2 = frame.box
        writer.writerow(
            {
                "record": "frame",
                "index": k,
                "time_s": _num(frame.time_s, 3),
                "frame": frame.frame if frame.frame >= 0 else "",
                "weight": _num(frame.weight, 8),
                "x1": _num(x1, 1),
                "y1": _num(y1, 1),
                "x2": _num(x2, 1),
                "y2": _num(y2, 1),
            }
        )
    for k, mark in enumerate(sorted_marks(marks), start=1):
        writer.writerow(
            {
                "record": "mark",
                "index": k,
                "time_s": _num(mark.time_s, 3),
                "mark_id": mark.id,
                "kind": mark.kind,
                "deduction": _num(mark.deduction, 3),
                "text": _cell_text(mark.text),
            }
        )
    return buffer.getvalue()


def report_document(
    result: AnalysisResult, marks: Sequence[Mark] = (), panel: PanelScore | None = None
) -> dict[str, Any]:
    """The JSON export: the analysis (schema judgeapp.analysis/1), the panel score, the marks."""
    panel_value = None if panel is None else panel.value(result.model.target)
    return {
        "schema": REPORT_SCHEMA,
        "analysis": result.to_dict(),
        "panel": None if panel is None else asdict(panel),
        "difference": None if panel_value is None else result.score - panel_value,
        "marks": [asdict(m) for m in sorted_marks(marks)],
    }


def write_csv(path: str | Path, result: AnalysisResult, marks: Sequence[Mark] = ()) -> None:
    write_report_text(path, weights_csv(result, marks))


def write_json(
    path: str | Path,
    result: AnalysisResult,
    marks: Sequence[Mark] = (),
    panel: PanelScore | None = None,
) -> None:
    text = json.dumps(report_document(result, marks, panel), indent=2, ensure_ascii=False)
    write_report_text(path, text + "\n")

"""CSV and JSON exports of the attention weights (per segment, per frame) and the marks.

A model set's result (schema /2) adds, after the /1 columns: a "score" row per target (value,
interval, members, coverage, mean width, the panel's score and the difference) and a weight
column per target ("weight_difficulty", ...) holding that target's mean attention on each
segment and frame. A one-head result (/1) writes exactly the /1 columns.

NAME.angles.csv is another table: the athlete's joint angles per pose frame (angles_csv).
The JSON export carries the analysis whole, the athlete and pose sections (schema /3)
included."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from judgeapp.core.drawing import drawing_to_list
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.posture import ANGLE_NAMES
from judgeapp.core.results import AnalysisResult
from judgeapp.core.text_safety import csv_cell, csv_row
from judgeapp.report.output import write_report_text
from judgeapp.report.scores import consistency, main_target, ordered_targets, panel_difference
from judgeapp.report.skeleton import athlete_poses

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

# Added for a model set's result (schema /2), after the /1 columns.
SCORE_COLUMNS = [
    "target",
    "value",
    "low",
    "high",
    "members",
    "coverage",
    "mean_width",
    "panel",
    "difference",
]


def csv_columns(result: AnalysisResult) -> list[str]:
    """The CSV header: the /1 columns, and for a set the score columns and a weight column per
    target whose attention was recorded."""
    if not result.scores:
        return list(CSV_COLUMNS)
    weights = [
        f"weight_{name}"
        for name, score in ordered_targets(result.scores)
        if score.dynamic or score.static
    ]
    return [*CSV_COLUMNS, *SCORE_COLUMNS, *weights]


def _num(value: float | None, digits: int = 6) -> str:
    return "" if value is None else f"{value:.{digits}f}".rstrip("0").rstrip(".")


def sorted_marks(marks: Sequence[Mark]) -> list[Mark]:
    return sorted(marks, key=lambda m: (m.time_s, m.id))


def _target_weights(result: AnalysisResult, stream: str, i: int) -> dict[str, str]:
    """Each target's mean attention on entry `i` of the `stream` ("dynamic" or "static")."""
    cells = {}
    for name, score in ordered_targets(result.scores):
        weights = getattr(score, stream)
        if score.dynamic or score.static:
            cells[f"weight_{name}"] = _num(weights[i], 8) if weights else ""
    return cells


def _score_rows(result: AnalysisResult, panel: PanelScore | None) -> list[dict[str, Any]]:
    rows = []
    for k, (name, score) in enumerate(ordered_targets(result.scores), start=1):
        panel_value = None if panel is None else panel.value(name)
        rows.append(
            {
                "record": "score",
                "index": k,
                "target": name,
                "value": _num(score.value),
                "low": _num(score.low),
                "high": _num(score.high),
                "members": " ".join(_num(m) for m in score.members),
                "coverage": _num(score.coverage),
                "mean_width": _num(score.mean_width),
                "panel": _num(panel_value),
                "difference": _num(panel_difference(score, panel_value)),
            }
        )
    return rows


def weights_csv(
    result: AnalysisResult, marks: Sequence[Mark] = (), panel: PanelScore | None = None
) -> str:
    """One table in long form: a row per target score (a set's result), per segment, per
    static frame and per mark.

    Every cell goes through core.text_safety.csv_cell: a text that a spreadsheet would run
    as a formula (a mark text, a target name from a hand-edited analysis) gets a leading
    apostrophe; numbers stay numbers.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_columns(result), lineterminator="\n")

    def put(row: dict[str, Any]) -> None:
        writer.writerow(csv_row(row))

    put({name: name for name in writer.fieldnames})  # the header, escaped like any row
    for row in _score_rows(result, panel):
        put(row)
    for k, seg in enumerate(result.dynamic, start=1):
        put(
            {
                "record": "segment",
                "index": k,
                "start_s": _num(seg.start_s, 3),
                "end_s": _num(seg.end_s, 3),
                "weight": _num(seg.weight, 8),
                **_target_weights(result, "dynamic", k - 1),
            }
        )
    for k, frame in enumerate(result.static, start=1):
        x1, y1, x2, y2 = frame.box
        put(
            {
                **_target_weights(result, "static", k - 1),
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
        put(
            {
                "record": "mark",
                "index": k,
                "time_s": _num(mark.time_s, 3),
                "mark_id": mark.id,
                "kind": mark.kind,
                "deduction": _num(mark.deduction, 3),
                "text": mark.text,
            }
        )
    return buffer.getvalue()


def angle_names(result: AnalysisResult) -> list[str]:
    """The result's angle series in core.posture.ANGLES order, then any other by name."""
    if result.pose is None:
        return []
    names = [n for n in ANGLE_NAMES if n in result.pose.angles]
    return names + sorted(n for n in result.pose.angles if n not in ANGLE_NAMES)


def angles_csv_columns(result: AnalysisResult) -> list[str]:
    """time_s, frame, each angle in degrees, then each angle's visibility (NAME_visibility)."""
    names = angle_names(result)
    return ["time_s", "frame", *names, *(f"{n}_visibility" for n in names)]


def angles_csv(result: AnalysisResult) -> str:
    """The athlete's joint angles, one row per pose frame (5 per second): the time, the video
    frame the pose was seen in (empty where none is recorded), each angle in degrees (empty
    where it was not measured) and each angle's visibility (the least visible landmark it
    uses, 0..1). JudgeappError where the result has no angles.

    Every cell goes through core.text_safety.csv_cell: a series name from a hand-edited
    analysis that a spreadsheet would run as a formula gets a leading apostrophe."""
    pose = result.pose
    if pose is None or not pose.angle_time_s:
        raise JudgeappError(
            f"{result.video.path}: the analysis has no joint angles (the pose model did not "
            "run, or did not find the athlete's body): nothing to write to an angles CSV"
        )
    names = angle_names(result)
    frames = {p.time_s: p.frame for p in athlete_poses(result)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in angles_csv_columns(result)])
    for i, time_s in enumerate(pose.angle_time_s):
        frame = frames.get(time_s, -1)
        degrees = [_num(pose.angles[n].degrees[i], 3) for n in names]
        visibility = [_num(pose.angles[n].visibility[i], 3) for n in names]
        row = [_num(time_s, 4), frame if frame >= 0 else "", *degrees, *visibility]
        writer.writerow([csv_cell(c) for c in row])
    return buffer.getvalue()


def write_angles_csv(path: str | Path, result: AnalysisResult) -> None:
    write_report_text(path, angles_csv(result))


def report_document(
    result: AnalysisResult, marks: Sequence[Mark] = (), panel: PanelScore | None = None
) -> dict[str, Any]:
    """The JSON export: the analysis (schema judgeapp.analysis/1 or /2), the panel score, the
    difference for the main score and, for a set, per target, the consistency check, the marks.
    """
    panel_value = None if panel is None else panel.value(main_target(result))
    doc: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "analysis": result.to_dict(),
        "panel": None if panel is None else asdict(panel),
        "difference": None if panel_value is None else result.score - panel_value,
    }
    if result.scores:
        doc["differences"] = {
            name: panel_difference(score, None if panel is None else panel.value(name))
            for name, score in ordered_targets(result.scores)
        }
        check = consistency(result.scores)
        doc["consistency"] = (
            None
            if check is None
            else {
                "parts_sum": check.parts_sum,
                "total": check.total,
                "gap": check.gap,
                "flagged": check.flagged,
            }
        )
    doc["marks"] = [
        {**asdict(m), "drawing": drawing_to_list(m.drawing)} for m in sorted_marks(marks)
    ]
    return doc


def write_csv(
    path: str | Path,
    result: AnalysisResult,
    marks: Sequence[Mark] = (),
    panel: PanelScore | None = None,
) -> None:
    write_report_text(path, weights_csv(result, marks, panel))


def write_json(
    path: str | Path,
    result: AnalysisResult,
    marks: Sequence[Mark] = (),
    panel: PanelScore | None = None,
) -> None:
    text = json.dumps(report_document(result, marks, panel), indent=2, ensure_ascii=False)
    write_report_text(path, text + "\n")

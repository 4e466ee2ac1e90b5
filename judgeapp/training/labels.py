"""Score labels: the Rhythmic Gymnastics annotation files and plain `name,score` CSV files.

The RG files (`train.txt`, `test.txt`) have a header whose columns are separated by a mix of
tabs and spaces, so every line is split on whitespace:
`Video_Name Difficulty_Score Execution_Score Total_Score Penalty Video_length`.
A video name such as `Ball_001` names its routine (apparatus) by its prefix, lower-cased.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from judgeapp.core.errors import JudgeappError
from judgeapp.core.text_safety import csv_text

RG_COLUMNS = (
    "Video_Name",
    "Difficulty_Score",
    "Execution_Score",
    "Total_Score",
    "Penalty",
    "Video_length",
)
RG_ROUTINES = ("ball", "clubs", "hoop", "ribbon")
RG_TARGET_COLUMNS = {
    "total": "Total_Score",
    "difficulty": "Difficulty_Score",
    "execution": "Execution_Score",
}
# The range each target is divided by before the sigmoid. Total: 25, as in the paper (RG totals
# reach 24.0). Execution: 10, the top of the FIG execution scale. Difficulty: 20, above every
# difficulty score in the dataset (largest 14.80) with room to spare so that the sigmoid is not
# pushed into saturation for the best routines.
TARGET_SCORE_MAX = {"total": 25.0, "difficulty": 20.0, "execution": 10.0}
CSV_TARGET = "score"
ALL_ROUTINES = "all"


@dataclass(frozen=True)
class Label:
    """One video's name, routine and its score for the chosen target."""

    name: str
    routine: str
    score: float
    line: int = field(default=0, compare=False)  # where in its label file (0: not from one)


@dataclass(frozen=True)
class RGRow:
    """One row of an RG annotation file, in score units (seconds for the length)."""

    name: str
    routine: str
    difficulty: float
    execution: float
    total: float
    penalty: float
    length_s: float
    line: int = field(default=0, compare=False)

    def score(self, target: str) -> float:
        return {"total": self.total, "difficulty": self.difficulty, "execution": self.execution}[
            target
        ]


def read_text(path: Path, what: str = "label file") -> str:
    """A label or score file's text (UTF-8, a leading byte-order mark dropped); one line naming
    the file and `what` it is when it is missing or unreadable (JudgeappError)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JudgeappError(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JudgeappError(f"{path}: cannot read the {what} ({exc})") from None


def routine_of(name: str) -> str:
    """The routine a video name such as `Ball_001` belongs to: its prefix, lower-cased."""
    return name.rsplit("_", 1)[0].lower() if "_" in name else ""


def is_rg_file(text: str) -> bool:
    """Whether `text` starts with the RG header (whitespace-separated, Video_Name first)."""
    first = text.lstrip().split("\n", 1)[0].split()
    return bool(first) and first[0] == RG_COLUMNS[0]


def parse_rg(text: str, path: Path) -> list[RGRow]:
    """Every row of an RG annotation file; a malformed line is an error naming its number."""
    lines = text.splitlines()
    header = lines[0].split() if lines else []
    if tuple(header) != RG_COLUMNS:
        raise JudgeappError(
            f"{path}: line 1: expected the RG header {' '.join(RG_COLUMNS)}, got {' '.join(header)}"
        )
    rows: list[RGRow] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != len(RG_COLUMNS):
            raise JudgeappError(
                f"{path}: line {number}: expected {len(RG_COLUMNS)} columns, got {len(fields)}"
            )
        name = fields[0]
        try:
            difficulty, execution, total, penalty, length_s = (float(v) for v in fields[1:])
        except ValueError:
            raise JudgeappError(f"{path}: line {number}: a score is not a number") from None
        if not all(math.isfinite(v) for v in (difficulty, execution, total, penalty, length_s)):
            raise JudgeappError(f"{path}: line {number}: a score is not a finite number")
        if name in seen:
            raise JudgeappError(f"{path}: line {number}: video {name} is listed twice")
        seen.add(name)
        rows.append(
            RGRow(name, routine_of(name), difficulty, execution, total, penalty, length_s, number)
        )
    if not rows:
        raise JudgeappError(f"{path}: no labelled videos")
    return rows


def parse_csv(text: str, path: Path, routine: str) -> list[Label]:
    """A `name,score` CSV (an optional header row whose score column is not a number). A
    name that a spreadsheet would run as a formula may carry csv_cell's apostrophe (as
    judgeapp writes it): it is taken off."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise JudgeappError(f"{path}: not a name,score CSV ({exc})") from None
    labels: list[Label] = []
    seen: set[str] = set()
    for number, fields in enumerate(rows, start=1):
        fields = [f.strip() for f in fields]
        if not fields or not any(fields):
            continue
        if len(fields) < 2 or not fields[0]:
            raise JudgeappError(f"{path}: line {number}: expected name,score")
        name, raw = csv_text(fields[0]), fields[1]  # a name escaped by csv_cell, as written
        try:
            score = float(raw)
        except ValueError:
            if number == 1 and not labels:
                continue  # a header row
            raise JudgeappError(f"{path}: line {number}: score {raw!r} is not a number") from None
        if not math.isfinite(score):
            raise JudgeappError(f"{path}: line {number}: score {raw!r} is not a finite number")
        if name in seen:
            raise JudgeappError(f"{path}: line {number}: video {name} is listed twice")
        seen.add(name)
        labels.append(Label(name, routine, score, number))
    if not labels:
        raise JudgeappError(f"{path}: no labelled videos")
    return labels


def load_rg_rows(path: str | Path) -> list[RGRow]:
    """All rows of an RG annotation file."""
    path = Path(path)
    return parse_rg(read_text(path), path)


def load_labels(
    path: str | Path, target: str = "total", routine: str = ALL_ROUTINES
) -> list[Label]:
    """The labels of one routine (or all) for `target`, from an RG file or a plain CSV.

    RG files: target is total, difficulty or execution; routine is ball, clubs, hoop, ribbon or
    "all". CSV files: the score column is the target (target must be "score" or "total"); every
    video belongs to `routine`.
    """
    path = Path(path)
    text = read_text(path)
    if is_rg_file(text):
        if target not in RG_TARGET_COLUMNS:
            raise JudgeappError(
                f"{path}: unknown target {target!r}: use {', '.join(RG_TARGET_COLUMNS)}"
            )
        rows = parse_rg(text, path)
        if routine != ALL_ROUTINES:
            rows = [r for r in rows if r.routine == routine]
            if not rows:
                found = sorted({r.routine for r in parse_rg(text, path)})
                raise JudgeappError(
                    f"{path}: no videos of routine {routine!r} (found: {', '.join(found)})"
                )
        return [Label(r.name, r.routine, r.score(target), r.line) for r in rows]
    if target not in (CSV_TARGET, "total"):
        raise JudgeappError(
            f"{path}: a name,score CSV has one score column; target {target!r} needs an RG file"
        )
    return parse_csv(text, path, routine)


def check_score_range(labels: list[Label], path: str | Path, score_max: float) -> None:
    """Every score must lie in [0, score_max] (what the head's sigmoid is scaled to); one that
    does not is an error naming the label file, its line and the video."""
    for label in labels:
        if not 0.0 <= label.score <= score_max:
            where = f"{path}: line {label.line}" if label.line else f"{path}"
            raise JudgeappError(
                f"{where}: video {label.name}: score {label.score:g} is outside "
                f"[0, {score_max:g}]; give a larger score range (--score-max)"
            )


def default_score_max(path: str | Path, target: str) -> float | None:
    """The score range of `target` for an RG file; None for a CSV (the user must say)."""
    path = Path(path)
    if is_rg_file(read_text(path)):
        return TARGET_SCORE_MAX[target]
    return None

"""Running one of the paper's tables: every row on every column (routine) with every repeat
(seed, or random split x seed), with resume, and the table in the paper's layout.

Each finished row is written at once, atomically, to OUT/rows/tableN-KEY.json with the
settings it ran under (its fingerprint); a later run with the same settings reads it back
instead of training the row again, so an interrupted table resumes at the first unfinished row.
A row file written under other settings is run again (and replaced).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import write_text_atomic
from judgeapp.core.text_safety import csv_cell
from judgeapp.training.metrics import fisher_z_mean, mean_std
from judgeapp.training.paper_tables import PaperTable, TableRow
from judgeapp.training.runs import RunResult

ROWS_DIR = "rows"
UNKNOWN = "—"
AVG = "avg"


def run_metrics(result: RunResult) -> dict:
    """The figures a table keeps of one run."""
    test = result.test.metrics if result.test is not None else None

    def finite(value):
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    return {
        "test_spearman": finite(test.spearman) if test else None,
        "test_pearson": finite(test.pearson) if test else None,
        "test_mae": finite(test.mae) if test else None,
        "test_n": test.n if test else None,
        "val_spearman": finite(result.val_spearman),
    }


# run_cell(row, column, repeat) -> run_metrics(...) of one training run.
RunCell = Callable[[TableRow, str, int], dict]


@dataclass
class RowResult:
    """One row's runs: column -> list of run_metrics dicts (one per repeat)."""

    row: TableRow
    runs: dict[str, list[dict]]
    resumed: bool = False

    def cell(self, column: str) -> tuple[float, float]:
        """Mean and sample std of the test Spearman over the repeats (NaN when none)."""
        values = [r["test_spearman"] for r in self.runs.get(column, [])]
        return mean_std([math.nan if v is None else v for v in values])

    def average(self, columns: list[str]) -> float:
        """The Fisher-z average of the column means (the paper's Avg)."""
        return fisher_z_mean([self.cell(c)[0] for c in columns])

    def to_dict(self, columns: list[str]) -> dict:
        cells = {}
        for column in columns:
            mean, std = self.cell(column)
            cells[column] = {
                "test_spearman_mean": _none(mean),
                "test_spearman_std": _none(std),
                "paper": self.row.paper(column),
                "runs": self.runs.get(column, []),
            }
        return {
            "key": self.row.key,
            "label": self.row.label,
            "variant": self.row.variant,
            "features": self.row.features,
            "cells": cells,
            "average_fisher_z": _none(self.average(columns)),
            "paper_average": self.row.paper(AVG),
        }


def _none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _row_path(out: Path, table: PaperTable, row: TableRow) -> Path:
    """Where a finished row is kept (one folder may hold several tables' rows)."""
    return out / ROWS_DIR / f"table{table.number}-{row.key}.json"


def _finished(out: Path, table: PaperTable, row: TableRow, fingerprint: dict) -> dict | None:
    """The row's stored runs when it finished under the same settings, else None."""
    path = _row_path(out, table, row)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise JudgeappError(f"{path}: unreadable row result ({exc}); delete it to rerun") from None
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return None
    runs = stored.get("runs")
    return runs if isinstance(runs, dict) else None


def run_table(
    table: PaperTable,
    columns: list[str],
    repeats: list[int],
    run_cell: RunCell,
    out: Path,
    fingerprint: dict,
    say: Callable[[str], None] = lambda _text: None,
) -> list[RowResult]:
    """Every row of `table` on `columns` x `repeats`, resuming finished rows from `out`."""
    results = []
    for index, row in enumerate(table.rows, start=1):
        where = f"[Table {table.number} row {index}/{len(table.rows)} {row.key}]"
        stored = _finished(out, table, row, fingerprint)
        if stored is not None:
            say(f"{where} finished before: kept ({_row_path(out, table, row)})")
            results.append(RowResult(row, stored, resumed=True))
            continue
        runs: dict[str, list[dict]] = {}
        for column in columns:
            for repeat in repeats:
                say(f"{where} {column}, run {repeat}")
                runs.setdefault(column, []).append(run_cell(row, column, repeat))
        document = {"table": table.number, "row": row.key, "fingerprint": fingerprint}
        write_text_atomic(
            _row_path(out, table, row), json.dumps({**document, "runs": runs}, indent=2) + "\n"
        )
        results.append(RowResult(row, runs))
    return results


def _fmt(value: float | None, digits: int = 3) -> str:
    return UNKNOWN if value is None or math.isnan(value) else f"{value:.{digits}f}"


def format_paper_table(
    table: PaperTable, results: list[RowResult], columns: list[str], note: str = ""
) -> str:
    """The table as the paper lays it out (methods down, routines across, then Avg), each cell
    "measured (paper)": the mean ± std of the test Spearman over the repeats, and the
    published figure or "—" where it is not known."""
    several = any(len(runs) > 1 for r in results for runs in r.runs.values())
    cells = [[_cell(r, c, several) for c in columns] for r in results]
    averages = [f"{_fmt(r.average(columns))} ({_fmt(r.row.paper(AVG))})" for r in results]
    heads = [c.capitalize() if c != "mit-skating" else "MIT-Skating" for c in columns]
    heads.append("Avg (Fisher z)")
    label_width = max(len("Method"), *(len(r.row.label) for r in results))
    body = [[*row_cells, avg] for row_cells, avg in zip(cells, averages, strict=True)]
    widths = [max(len(h), *(len(parts[i]) for parts in body)) for i, h in enumerate(heads)]
    title = f"Table {table.number}: {table.title}"
    lines = [title + (f" ({note})" if note else "")]
    header = "  ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True))
    lines.append(f"{'Method':<{label_width}}  {header}")
    for result, parts in zip(results, body, strict=True):
        lines.append(
            f"{result.row.label:<{label_width}}  "
            + "  ".join(f"{p:>{w}}" for p, w in zip(parts, widths, strict=True))
        )
    lines.append(
        "cells: measured test Spearman"
        + (" (mean ± std over runs)" if several else "")
        + f" and, in brackets, the paper's figure ({UNKNOWN}: not known); "
        "Avg: Fisher-z mean over the columns"
    )
    return "\n".join(lines)


def _cell(result: RowResult, column: str, several: bool) -> str:
    mean, std = result.cell(column)
    measured = _fmt(mean)
    if several and not math.isnan(mean):
        measured = f"{mean:.3f} ± {std:.3f}"
    return f"{measured} ({_fmt(result.row.paper(column))})"


def table_document(
    table: PaperTable, results: list[RowResult], columns: list[str], settings: dict
) -> dict:
    """The JSON an analyst gets: settings, and every row with its cells, runs and figures."""
    return {
        "table": table.number,
        "title": table.title,
        "columns": columns,
        "settings": settings,
        "rows": [r.to_dict(columns) for r in results],
    }


def table_csv(table: PaperTable, results: list[RowResult], columns: list[str]) -> str:
    """One line per row and column (and the row's Fisher-z average as column "avg")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["table", "row", "method", "column", "measured_mean", "measured_std", "runs", "paper"]
    )
    for r in results:
        for column in columns:
            mean, std = r.cell(column)
            writer.writerow(
                [
                    table.number,
                    r.row.key,
                    csv_cell(r.row.label),
                    column,
                    _csv_number(mean),
                    _csv_number(std),
                    len(r.runs.get(column, [])),
                    _csv_number(r.row.paper(column)),
                ]
            )
        writer.writerow(
            [
                table.number,
                r.row.key,
                csv_cell(r.row.label),
                AVG,
                _csv_number(r.average(columns)),
                "",
                "",
                _csv_number(r.row.paper(AVG)),
            ]
        )
    return buffer.getvalue()


def _csv_number(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.4f}"

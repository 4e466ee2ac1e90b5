"""The batch window's queue and ranking: plain Python, no Qt (tested without a display).

A queue of videos, each with its state (queued, running, done, failed, cancelled), its progress
and, when done, its result and the panel's score; the ranking orders the finished ones; the CSV
export holds every video, failures included, so nothing silently drops out of a competition.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from judgeapp.app.list_views import target_difference
from judgeapp.core.marks import PanelScore
from judgeapp.core.progress import Progress
from judgeapp.core.results import AnalysisResult
from judgeapp.core.text_safety import csv_row

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"

RANKING_COLUMNS = [
    "rank",
    "video",
    "path",
    "sha256",
    "status",
    "predicted",
    "score_max",
    "target",
    "panel",
    "difference",
    "calibrated",
    "error",
    # predicted - panel per target, with the model set's interval moved the same way
    *(
        f"difference_{t}{end}"
        for t in ("total", "difficulty", "execution")
        for end in ("", "_low", "_high")
    ),
]

# Sort keys of the ranking table; every key puts unscored videos last.
TARGET_SORT_KEYS = {f"difference:{t}": t for t in ("total", "difficulty", "execution")}
SORT_KEYS = ("predicted", "panel", "difference", "name", *TARGET_SORT_KEYS)


@dataclass
class BatchItem:
    """One video of the batch and what happened to it so far."""

    path: Path
    status: str = QUEUED
    stage: str = ""
    fraction: float = 0.0
    result: AnalysisResult | None = None
    panel: PanelScore | None = None
    error: str = ""
    reused: bool = False  # the result came from the library: no analysis ran

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def predicted(self) -> float | None:
        return None if self.result is None else self.result.score

    @property
    def panel_value(self) -> float | None:
        """The panel's score for the model's target (its total before the result is in)."""
        if self.panel is None:
            return None
        if self.result is None:
            return self.panel.total
        return self.panel.value(self.result.model.target)

    @property
    def difference(self) -> float | None:
        predicted, panel = self.predicted, self.panel_value
        return None if predicted is None or panel is None else predicted - panel


class BatchQueue:
    """The videos of one batch, in the order they were added (a video is queued once)."""

    def __init__(self) -> None:
        self.items: list[BatchItem] = []

    def add(self, paths: list[Path]) -> list[int]:
        """Queue videos not already in the batch; return the indices of those added."""
        known = {item.path.resolve() for item in self.items}
        added = []
        for path in paths:
            path = Path(path)
            if path.resolve() in known:
                continue
            known.add(path.resolve())
            self.items.append(BatchItem(path))
            added.append(len(self.items) - 1)
        return added

    def next_queued(self) -> int | None:
        """Index of the first video still waiting, or None when all have run."""
        for i, item in enumerate(self.items):
            if item.status == QUEUED:
                return i
        return None

    def start(self, index: int) -> None:
        item = self.items[index]
        item.status, item.stage, item.fraction, item.error = RUNNING, "starting", 0.0, ""

    def progress(self, index: int, progress: Progress) -> None:
        item = self.items[index]
        item.stage, item.fraction = progress.stage, progress.fraction

    def finish(
        self, index: int, result: AnalysisResult, panel: PanelScore | None, reused: bool = False
    ) -> None:
        """Record a video's result; `reused`: the library had it (made the same way)."""
        item = self.items[index]
        item.status, item.fraction, item.reused = DONE, 1.0, reused
        item.stage = "from the library" if reused else "done"
        item.result, item.panel = result, panel

    def fail(self, index: int, error: str) -> None:
        item = self.items[index]
        item.status, item.stage, item.error = FAILED, "failed", error

    def cancel_pending(self) -> None:
        """Mark the running video and everything still queued as cancelled."""
        for item in self.items:
            if item.status in (QUEUED, RUNNING):
                item.status, item.stage = CANCELLED, "cancelled"

    def retry_failed(self) -> None:
        """Queue failed and cancelled videos again."""
        for item in self.items:
            if item.status in (FAILED, CANCELLED):
                item.status, item.stage, item.fraction, item.error = QUEUED, "", 0.0, ""
                item.reused = False

    def set_panel(self, sha256: str, panel: PanelScore | None) -> None:
        for item in self.items:
            if item.result is not None and item.result.video.sha256 == sha256:
                item.panel = panel

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((QUEUED, RUNNING, DONE, FAILED, CANCELLED), 0)
        for item in self.items:
            out[item.status] += 1
        return out

    @property
    def overall_fraction(self) -> float:
        """Progress of the whole batch (each video counts equally)."""
        if not self.items:
            return 0.0
        finished = sum(1.0 for i in self.items if i.status in (DONE, FAILED, CANCELLED))
        running = sum(i.fraction for i in self.items if i.status == RUNNING)
        return (finished + running) / len(self.items)

    def ranking(self, sort: str = "predicted", descending: bool = True) -> list[BatchItem]:
        """Every video; those with a value for the key first, in order, then the rest by name."""
        if sort not in SORT_KEYS:
            raise ValueError(f"unknown sort key {sort!r}; use one of {', '.join(SORT_KEYS)}")
        if sort == "name":
            return sorted(self.items, key=lambda i: i.name.lower(), reverse=descending)
        value = {
            "predicted": lambda i: i.predicted,
            "panel": lambda i: i.panel_value,
            "difference": lambda i: i.difference,
        }.get(sort) or (lambda i: _target_difference(i, TARGET_SORT_KEYS[sort]))
        known = [i for i in self.items if value(i) is not None]
        unknown = [i for i in self.items if value(i) is None]
        known.sort(key=lambda i: (value(i), i.name.lower()), reverse=descending)
        return known + sorted(unknown, key=lambda i: i.name.lower())

    def to_csv(self, sort: str = "predicted", descending: bool = True) -> str:
        """The ranking as CSV: a row per video, failures included with their error. Every cell
        goes through core.text_safety.csv_cell: a video name, a target or an error text that
        a spreadsheet would run as a formula gets a leading apostrophe."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=RANKING_COLUMNS, lineterminator="\n")
        writer.writeheader()
        rank = 0
        for item in self.ranking(sort, descending):
            result = item.result
            if item.status == DONE:
                rank += 1
            writer.writerow(
                csv_row(
                    {
                        "rank": rank if item.status == DONE else "",
                        "video": item.name,
                        "path": str(item.path),
                        "sha256": result.video.sha256 if result else "",
                        "status": item.status,
                        "predicted": _num(item.predicted),
                        "score_max": result.model.score_max if result else "",
                        "target": result.model.target if result else "",
                        "panel": _num(item.panel_value),
                        "difference": _num(item.difference),
                        "calibrated": str(result.model.calibrated).lower() if result else "",
                        "error": item.error,
                        **_target_cells(item),
                    }
                )
            )
        return buffer.getvalue()


def _target_difference(item: BatchItem, target: str) -> float | None:
    """Predicted minus panel for one target (list_views.target_difference), for sorting."""
    found = target_difference(item.result, item.panel, target)
    return None if found is None else found.difference


def _target_cells(item: BatchItem) -> dict[str, str]:
    """The CSV's difference_TARGET, _low and _high cells ("" where unknown)."""
    cells = {}
    for target in ("total", "difficulty", "execution"):
        found = target_difference(item.result, item.panel, target)
        cells[f"difference_{target}"] = _num(None if found is None else found.difference)
        cells[f"difference_{target}_low"] = _num(None if found is None else found.low)
        cells[f"difference_{target}_high"] = _num(None if found is None else found.high)
    return cells


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"

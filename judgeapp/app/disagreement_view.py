"""What the disagreement dock and the timeline's disagreement lane show, as plain data (no Qt).

The numbers come from core/disagreement.py (judge_disagreement); this module turns them into
table rows (text, a sort key per column, a colour) and into the lane's marks and spans. The
lane shows the main target (total, or the only one): a lane per target would crowd the
timeline, and the list names every target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from judgeapp.core.disagreement import (
    DEFAULT_TOLERANCE_S,
    UNMARKED_RGB,
    Disagreement,
    MarkAttention,
    UnmarkedMoment,
    judge_disagreement,
    percentile_rgb,
    percentile_text,
    unmarked_label,
)
from judgeapp.core.disagreement import deduction_label as mark_label
from judgeapp.core.marks import Mark, format_time
from judgeapp.core.results import AnalysisResult

# (header, sort key) of each column of the list
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Moment", "moment"),
    ("Time", "time"),
    ("Percentile", "percentile"),
    ("Target", "target"),
    ("Static", "static"),
    ("Note", "note"),
)
PERCENTILE_COLUMN = 2
COLUMN_TIPS = {
    2: "The model's attention on the segment holding the moment (dynamic stream), as a "
    "percentile within the routine: 100 = its most attended segment, 0 = its least",
    4: "The attention on the nearest athlete frame within the tolerance (static stream), "
    "as a percentile within the routine; - where no person was seen",
}


@dataclass(frozen=True)
class DisagreementRow:
    """One row of the list: a judge's deduction or an attended moment nobody marked."""

    is_mark: bool
    mark_id: int  # 0 for an unmarked moment
    moment: str
    time_s: float
    time: str
    percentile: float
    percentile_text: str
    target: str
    static: str
    static_percentile: float | None
    note: str
    rgb: tuple[int, int, int]

    def sort_key(self, key: str) -> tuple:
        """The value the list sorts this row by for a column's key (COLUMNS)."""
        values = {
            "moment": (not self.is_mark, self.mark_id, self.moment),
            "time": (self.time_s,),
            "percentile": (self.percentile,),
            "target": (self.target,),
            "static": (-1.0 if self.static_percentile is None else self.static_percentile,),
            "note": (self.note.lower(),),
        }
        return values[key] + (self.time_s, self.target)


def _mark_row(row: MarkAttention) -> DisagreementRow:
    mark = row.mark
    return DisagreementRow(
        is_mark=True,
        mark_id=mark.id,
        moment=mark_label(mark),
        time_s=mark.time_s,
        time=format_time(mark.time_s),
        percentile=row.percentile,
        percentile_text=percentile_text(row.percentile),
        target=row.target,
        static=percentile_text(row.static_percentile),
        static_percentile=row.static_percentile,
        note=mark.text,
        rgb=percentile_rgb(row.percentile),
    )


def _unmarked_row(moment: UnmarkedMoment, tolerance_s: float) -> DisagreementRow:
    return DisagreementRow(
        is_mark=False,
        mark_id=0,
        moment=unmarked_label(moment),
        time_s=moment.start_s,
        time=f"{format_time(moment.start_s)}-{format_time(moment.end_s)}",
        percentile=moment.percentile,
        percentile_text=percentile_text(moment.percentile),
        target=moment.target,
        static="-",
        static_percentile=None,
        note=f"no deduction within {tolerance_s:g} s of this segment",
        rgb=UNMARKED_RGB,
    )


def disagreement_rows(found: Disagreement) -> list[DisagreementRow]:
    """The list's rows: the marks, least attended first, then the unmarked moments."""
    rows = [_mark_row(r) for r in found.marks]
    return rows + [_unmarked_row(m, found.tolerance_s) for m in found.unmarked]


def sort_rows(rows: Sequence[DisagreementRow], key: str, descending: bool) -> list[DisagreementRow]:
    """The rows sorted by a column's key (COLUMNS); ties keep time order."""
    return sorted(rows, key=lambda r: r.sort_key(key), reverse=descending)


@dataclass(frozen=True)
class LaneMark:
    """A deduction on the lane: where, in which colour, with what label and tooltip."""

    time_s: float
    rgb: tuple[int, int, int]
    label: str
    tooltip: str


@dataclass(frozen=True)
class LaneSpan:
    """An attended segment no judge marked, on the lane."""

    start_s: float
    end_s: float
    label: str
    tooltip: str


@dataclass(frozen=True)
class LaneModel:
    """What the timeline's disagreement lane draws, for one target."""

    target: str
    marks: tuple[LaneMark, ...]
    spans: tuple[LaneSpan, ...]


def lane_model(found: Disagreement, target: str | None = None) -> LaneModel | None:
    """The lane of `target` (default: the first judged, the main one); None when there is
    nothing judged."""
    if not found.targets:
        return None
    target = target or found.targets[0]
    marks = tuple(
        LaneMark(
            r.mark.time_s,
            percentile_rgb(r.percentile),
            f"#{r.mark.id}",
            f"#{r.mark.id} deduction at {format_time(r.mark.time_s)}: the model's attention "
            f"there is at the {percentile_text(r.percentile)} percentile of the routine "
            f"({target}, dynamic stream)",
        )
        for r in sorted(found.marks, key=lambda r: r.mark.time_s)
        if r.target == target
    )
    spans = tuple(
        LaneSpan(
            m.start_s,
            m.end_s,
            f"A{m.rank}",
            f"{format_time(m.start_s)}-{format_time(m.end_s)}: attention rank {m.rank} "
            f"({percentile_text(m.percentile)} percentile, {target}); no deduction within "
            f"{found.tolerance_s:g} s",
        )
        for m in found.unmarked
        if m.target == target
    )
    return LaneModel(target, marks, spans)


def lane_legend_html(lane: LaneModel, tolerance_s: float = DEFAULT_TOLERANCE_S) -> str:
    """The line above the lane saying what its colours mean."""
    stops = " · ".join(
        f"<span style='color:{_hex(percentile_rgb(p))}'>▼ {p}</span>" for p in (0, 50, 100)
    )
    return (
        f"&nbsp;deductions by attention percentile ({escape(lane.target)}): {stops} &nbsp;&nbsp;"
        f"<span style='color:{_hex(UNMARKED_RGB)}'>▭ A2</span> attended segment (rank 2), "
        f"no deduction within {tolerance_s:g} s"
    )


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def summary_text(found: Disagreement) -> str:
    """One or two lines above the list saying what was judged and how."""
    if not found.targets:
        return "No attention to compare with: the result has no dynamic segments."
    targets = ", ".join(found.targets)
    n_marks = len({r.mark.id for r in found.marks})
    lines = [
        f"{n_marks} deduction mark{'s' if n_marks != 1 else ''} against the model's attention "
        f"({targets}; dynamic stream segments, percentile within the routine: 100 = most "
        f"attended); {len(found.unmarked)} attended moment"
        f"{'s' if len(found.unmarked) != 1 else ''} with no deduction within "
        f"{found.tolerance_s:g} s."
    ]
    if found.unplaced:
        ids = ", ".join(f"#{m.id}" for m in found.unplaced)
        lines.append(f"Not placed (past the analysed segments): {ids}.")
    return "\n".join(lines)


@dataclass(frozen=True)
class DisagreementView:
    """Everything the dock and the lane show for one result and its marks.

    targets: the targets judged (the dock's choice offers them when there are several);
    target: the one shown (None: every target in the list, the main one on the lane).
    """

    rows: tuple[DisagreementRow, ...]
    lane: LaneModel | None
    summary: str
    targets: tuple[str, ...] = ()
    target: str | None = None


def disagreement_view(
    result: AnalysisResult | None, marks: Sequence[Mark], target: str | None = None
) -> DisagreementView:
    """The dock's and the lane's content, for one target or all (None); an empty view without
    a result. A target the result does not judge shows all of them."""
    if result is None:
        return DisagreementView((), None, "Analyse the video to compare the marks with the model.")
    found = judge_disagreement(result, marks)
    if target not in found.targets:
        target = None
    rows = [r for r in disagreement_rows(found) if target is None or r.target == target]
    return DisagreementView(
        tuple(rows), lane_model(found, target), summary_text(found), found.targets, target
    )

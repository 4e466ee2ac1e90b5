"""A comparison page (HTML) of two routines: both videos and their sync points, both
scores side by side, the stretches where the attention differs most, and both attention
timelines (report.timeline_figure) with the sync point drawn on each.

The rows come from app.compare (this layer does not import it): score rows with `target`, `a`
and `b` ((value, low, high) or None), `score_max` and `delta`; differences with `start_s`,
`end_s` (common time, 0 = the sync points), `share_a`, `share_b` and `gap`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PIL import ImageDraw

from judgeapp.core.marks import format_time
from judgeapp.report.compare_video import AngleLanes, CompareSide
from judgeapp.report.content import CALIBRATION_WARNING
from judgeapp.report.figures import data_uri
from judgeapp.report.html_report import _CSP, _STYLE
from judgeapp.report.timeline_figure import draw_timeline, png_bytes

_SYNC_RGB = (170, 0, 200)  # apart from the static stems' orange


def _signed_time(t: float) -> str:
    return ("-" if t < 0 else "+") + format_time(abs(t))


def _score_text(score: tuple[float, float, float] | None, score_max: float) -> str:
    if score is None:
        return "—"
    value, low, high = score
    text = f"{value:.2f} / {score_max:g}"
    if high - low > 1e-9:
        text += f" ({low:.2f}–{high:.2f})"
    return text


def timeline_png(side: CompareSide, width_px: int = 1600) -> bytes:
    """The side's attention timeline (report.timeline_figure) with its sync point drawn on it."""
    image = draw_timeline(side.result, width_px=width_px)
    scale = width_px / 1600
    # The plot spans x = 215..width-30 (scaled), as report.timeline_figure lays it out.
    left, right = 215 * scale, width_px - 30 * scale
    duration_s = max(side.result.video.duration_s, 1e-6)
    x = left + (right - left) * min(max(side.sync_s / duration_s, 0.0), 1.0)
    draw = ImageDraw.Draw(image)
    draw.line([(x, 40 * scale), (x, image.height - 40 * scale)], fill=_SYNC_RGB, width=3)
    return png_bytes(image)


def score_table(sides: Sequence[CompareSide], score_rows: Sequence[Any]) -> list[list[str]]:
    """The scores side by side as the HTML page and the PDF show them: a header row, then one
    row per target (value with its interval, and B minus A)."""
    a, b = sides
    table = [["Target", a.label, b.label, f"{b.label} − {a.label}"]]
    for row in score_rows:
        delta = "—" if row.delta is None else f"{row.delta:+.2f}"
        table.append(
            [
                row.target,
                _score_text(row.a, row.score_max),
                _score_text(row.b, row.score_max),
                delta,
            ]
        )
    return table


DIFFERENCES_NOTE = (
    "Each side's share of its attention (both streams averaged) over the stretch both videos "
    "cover; largest difference first."
)
NO_DIFFERENCE = "The attention does not differ noticeably."


def difference_table(sides: Sequence[CompareSide], differences: Sequence[Any]) -> list[list[str]]:
    """Where the attention differs most, as the HTML page and the PDF show it: a header row,
    then one row per stretch (common time, each side's own time, both shares, which leans)."""
    a, b = sides
    table = [
        [
            "#",
            "Common time",
            f"{a.label} time",
            f"{b.label} time",
            f"{a.label} share",
            f"{b.label} share",
            "More on",
        ]
    ]
    for k, d in enumerate(differences, start=1):
        table.append(
            [
                str(k),
                f"{_signed_time(d.start_s)} to {_signed_time(d.end_s)}",
                format_time(a.sync_s + d.start_s),
                format_time(b.sync_s + d.start_s),
                f"{d.share_a:.1%}",
                f"{d.share_b:.1%}",
                b.label if d.gap > 0 else a.label,
            ]
        )
    return table


def video_rows(sides: Sequence[CompareSide]) -> list[tuple[str, str, str, str]]:
    """Each side: its label, video file, sync point and frame rate with duration."""
    return [
        (
            side.label,
            str(side.video),
            f"sync {format_time(side.sync_s)}",
            f"{side.result.video.fps:.3g} fps, {format_time(side.result.video.duration_s)}",
        )
        for side in sides
    ]


def _html_rows(table: list[list[str]], numeric: set[int]) -> str:
    """Table rows (header cells as <th>) with the `numeric` columns right-aligned."""
    header = "".join(f"<th>{escape(cell)}</th>" for cell in table[0])
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(c)}</td>' if k in numeric else f"<td>{escape(c)}</td>"
            for k, c in enumerate(row)
        )
        + "</tr>"
        for row in table[1:]
    )
    return f"<tr>{header}</tr>{body}"


def compare_html(
    sides: Sequence[CompareSide],
    score_rows: Sequence[Any],
    differences: Sequence[Any],
    axis: tuple[float, float] | None = None,
    angles: AngleLanes | None = None,
) -> str:
    """The comparison page; with `axis` (the common axis's ends) and `angles`, also both
    timelines on the common axis with each side's joint angle under them, as in the PDF."""
    a, b = sides
    scores = _html_rows(score_table(sides, score_rows), {1, 2, 3})
    diff_table = difference_table(sides, differences)
    diffs = _html_rows(diff_table, {0, 4, 5})
    if len(diff_table) == 1:
        diffs += f'<tr><td colspan="7">{escape(NO_DIFFERENCE)}</td></tr>'
    videos = "".join(
        f'<tr><th>{escape(label)}</th><td class="text">{escape(video)}</td>'
        f"<td>{escape(sync)}</td><td>{escape(rate)}</td></tr>"
        for label, video, sync, rate in video_rows(sides)
    )
    timelines = "".join(
        f"<h3>{escape(side.label)}: {escape(side.video.name)} (sync at "
        f"{escape(format_time(side.sync_s))}, the violet line)</h3>"
        f'<img class="timeline" src="{data_uri(timeline_png(side), "image/png")}" '
        f'alt="attention timeline of {escape(side.label)}">'
        for side in sides
    )
    if axis is not None and angles is not None:
        from judgeapp.report.compare_pdf import common_timeline_png  # it imports this module

        png = common_timeline_png(sides, *axis, differences, angles=angles)
        timelines += (
            "<h3>On the common time axis, with the joint angle</h3>"
            f'<p class="meta">Green: the athlete\'s {escape(angles.label.lower())} on each '
            "side, on one degree scale.</p>"
            f'<img class="timeline" src="{data_uri(png, "image/png")}" '
            f'alt="{escape(angles.label)} of both sides on the common time axis">'
        )
    title = f"Comparison: {a.video.name} and {b.video.name}"
    warning = (
        ""
        if all(side.result.model.calibrated for side in sides)
        else f'<p class="warning"><b>Warning.</b> {escape(CALIBRATION_WARNING)}</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{escape(title)}</title><style>{_STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">Common time starts at the sync points: {escape(a.label)} at
{escape(format_time(a.sync_s))}, {escape(b.label)} at {escape(format_time(b.sync_s))}.</p>
{warning}
<h2>Videos</h2>
<table class="kv">{videos}</table>
<h2>Scores</h2>
<table>{scores}</table>
<h2>Where the attention differs most</h2>
<p class="meta">{escape(DIFFERENCES_NOTE)}</p>
<table>{diffs}</table>
<h2>Attention timelines</h2>
{timelines}
</body></html>
"""

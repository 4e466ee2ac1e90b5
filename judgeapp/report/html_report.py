"""The self-contained HTML report: one file, pictures inlined, every user text escaped."""

from __future__ import annotations

from html import escape
from pathlib import Path

from judgeapp.core.marks import format_time, mark_text_with_drawing
from judgeapp.report.content import CALIBRATION_WARNING, INTERVAL_NOTE, ReportContent
from judgeapp.report.crops import Crop
from judgeapp.report.disagreement_section import html_section
from judgeapp.report.figures import data_uri, html_figure
from judgeapp.report.output import write_report_text
from judgeapp.report.posture_section import html_section as posture_html_section

# No script may run and nothing may load from outside the file, whatever a text contains.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_STYLE = """
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #222; margin: 2em auto;
       max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
.meta { color: #666; font-size: 0.9em; }
.warning { background: #fff3cd; border: 1px solid #e0b000; padding: 0.6em 0.9em; margin: 1em 0; }
.cols { display: flex; gap: 2em; flex-wrap: wrap; }
.cols > div { flex: 1 1 20em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25em 0.6em; border-bottom: 1px solid #e4e4e4;
         vertical-align: top; }
th { background: #f4f4f4; }
table.kv th { width: 9em; background: none; color: #555; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { white-space: pre-wrap; word-break: break-word; }
.hash { font-family: monospace; font-size: 0.9em; word-break: break-all; }
.crops { display: flex; gap: 0.8em; flex-wrap: wrap; }
figure { margin: 0; text-align: center; font-size: 0.85em; }
figure img { height: 180px; border: 1px solid #ccc; }
.missing { width: 110px; height: 180px; border: 1px dashed #aaa; display: flex;
           align-items: center; justify-content: center; color: #888; }
img.timeline { width: 100%; }
.kind-deduction { color: #c82828; } .kind-highlight { color: #1e8c3c; }
.kind-comment { color: #5a5a5a; }
td.outside { color: #966400; font-weight: bold; }
p.inconsistent { color: #b03020; font-weight: bold; }
td.unseen, p.unseen { color: #b03020; font-weight: bold; }
"""


def _kv_table(rows: list[tuple[str, str]], hash_row: str = "SHA-256") -> str:
    cells = []
    for key, value in rows:
        cls = ' class="hash"' if key == hash_row else ""
        cells.append(f"<tr><th>{escape(key)}</th><td{cls}>{escape(value)}</td></tr>")
    return '<table class="kv">' + "".join(cells) + "</table>"


def _figure(crop: Crop, content: ReportContent) -> str:
    caption = (
        f"<b>{escape(crop.label)}</b> at {escape(format_time(crop.time_s))}<br>"
        f"{escape(content.weight_note(crop.weight))}"
    )
    alt = f"{crop.label}: frame {crop.frame} at {format_time(crop.time_s)}"
    return html_figure(crop.jpeg, alt, caption)


def _targets_table(content: ReportContent) -> list[str]:
    """A model set's D, E and total with intervals, the panel's beside them, and the
    consistency line; nothing for one head (schema /1)."""
    rows = content.target_rows()
    if not rows:
        return []
    titles = ("Target", "Predicted", "Interval", "Members", "Panel", "Difference")
    parts = [
        "<h2>Scores by target</h2>",
        '<table class="targets"><tr>'
        + "".join(f"<th>{t}</th>" for t in titles)
        + "<th>Coverage on validation videos</th></tr>",
    ]
    for row in rows:
        outside = " outside" if row.outside else ""
        parts.append(
            f"<tr><th>{escape(row.label)}</th>"
            f'<td class="num">{escape(row.value)}</td>'
            f'<td class="num">{escape(row.interval)}</td>'
            f'<td class="num">{escape(row.members)}</td>'
            f'<td class="num">{escape(row.panel or "-")}</td>'
            f'<td class="num{outside}">{escape(row.difference or "-")}</td>'
            f"<td>{escape(row.coverage or 'not measured')}</td></tr>"
        )
    parts.append("</table>")
    line = content.consistency_text()
    if line:
        cls = "inconsistent" if content.inconsistent else "consistency"
        parts.append(f'<p class="{cls}">{escape(line)}</p>')
    parts.append(f'<p class="meta">{escape(INTERVAL_NOTE)}</p>')
    return parts


def render_html(content: ReportContent) -> str:
    """The report as one HTML document (UTF-8 text)."""
    result = content.result
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>judgeapp report: {escape(content.video_name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(content.video_name)}</h1>",
        f'<p class="meta">Report made by {escape(content.generator)} on '
        f"{escape(content.created_text)}</p>",
    ]
    if not result.model.calibrated:
        parts.append(f'<p class="warning"><b>Warning.</b> {escape(CALIBRATION_WARNING)}</p>')
    parts += [
        '<div class="cols"><div><h2>Score</h2>',
        _kv_table(content.score_rows()),
        "</div><div><h2>Model card</h2>",
        _kv_table(content.model_rows()),
        "</div></div>",
        *_targets_table(content),
        "<h2>Video</h2>",
        _kv_table(content.video_rows()),
        "<h2>Attention over time</h2>",
        f'<img class="timeline" src="{data_uri(content.timeline_png, "image/png")}" '
        'alt="attention weights of both streams over time, with the marks">',
        '<p class="meta">Bars: the dynamic stream\'s weight of each 16-frame segment. Stems: '
        "the static stream's weight of each 1 fps frame (T = highest, B = lowest, shown below). "
        "Numbered discs: the judges' marks, as numbered in the table.</p>",
    ]
    if result.warnings:
        parts.append("<h2>Analysis warnings</h2><ul>")
        parts += [f"<li>{escape(w)}</li>" for w in result.warnings]
        parts.append("</ul>")
    parts.append("<h2>Frames weighted most</h2>")
    parts.append(
        '<div class="crops">' + "".join(_figure(c, content) for c in content.top) + "</div>"
    )
    parts.append("<h2>Frames weighted least</h2>")
    parts.append(
        '<div class="crops">' + "".join(_figure(c, content) for c in content.bottom) + "</div>"
    )
    parts += [f'<p class="meta">{escape(note)}</p>' for note in content.notes]
    parts.append(f"<h2>Judges' marks ({len(content.marks)})</h2>")
    if content.marks:
        parts.append(
            "<table><tr><th>#</th><th>Time</th><th>Kind</th><th>Deduction</th><th>Text</th></tr>"
        )
        for number, mark in enumerate(content.sorted_marks(), start=1):
            deduction = "" if mark.deduction is None else f"{mark.deduction:.2f}"
            parts.append(
                f'<tr><td class="num">{number}</td>'
                f'<td class="num">{escape(format_time(mark.time_s))}</td>'
                f'<td class="kind-{escape(mark.kind)}">{escape(mark.kind)}</td>'
                f'<td class="num">{escape(deduction)}</td>'
                f'<td class="text">{escape(mark_text_with_drawing(mark))}</td></tr>'
            )
        parts.append("</table>")
    else:
        parts.append('<p class="meta">No marks.</p>')
    parts.append(html_section(content))
    parts.append(posture_html_section(content))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(content: ReportContent, path: str | Path) -> None:
    """Write the HTML report completely or not at all."""
    write_report_text(path, render_html(content))

"""The reports' disagreement section: judges' deductions against the model's attention.

The same list as the GUI's Disagreement dock (core/disagreement.py): each deduction mark with the
attention percentile of its dynamic segment and of the nearest athlete frame, least attended
first, then the most attended segments no deduction is near. Rendered into the PDF (fpdf2) and
the HTML report; the row texts are built once here for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from judgeapp.core.disagreement import (
    UNMARKED_RGB,
    Disagreement,
    deduction_label,
    judge_disagreement,
    percentile_rgb,
    percentile_text,
    unmarked_label,
)
from judgeapp.core.marks import format_time
from judgeapp.report.content import ReportContent

TITLE = "Judges and model: where they disagree"
HEADERS = ("Moment", "Time", "Attention", "Target", "Static", "Note")
_GREY = (110, 110, 110)


@dataclass(frozen=True)
class SectionRow:
    """One row of the section's table, as text, with the colour of its attention cell."""

    cells: tuple[str, str, str, str, str, str]
    rgb: tuple[int, int, int]


def section_rows(found: Disagreement, numbers: dict[int, int]) -> list[SectionRow]:
    """The table: marks least attended first, then the unmarked moments by target and rank.

    numbers: each mark's number in the report (by id), as its marks table and timeline show it.
    """
    rows = [
        SectionRow(
            (
                deduction_label(r.mark, numbers.get(r.mark.id)),
                format_time(r.mark.time_s),
                percentile_text(r.percentile),
                r.target,
                percentile_text(r.static_percentile),
                r.mark.text,
            ),
            percentile_rgb(r.percentile),
        )
        for r in found.marks
    ]
    rows += [
        SectionRow(
            (
                unmarked_label(m),
                f"{format_time(m.start_s)}-{format_time(m.end_s)}",
                percentile_text(m.percentile),
                m.target,
                "-",
                f"no deduction within {found.tolerance_s:g} s",
            ),
            UNMARKED_RGB,
        )
        for m in found.unmarked
    ]
    return rows


def explanation(found: Disagreement) -> str:
    """What the numbers are, in one paragraph under the title."""
    if not found.targets:
        return (
            "The result has no dynamic segments: there is no attention to compare the marks with."
        )
    text = (
        "For each judge's deduction (numbered as in the marks table): the model's attention "
        "on the 16-frame segment holding it "
        "(dynamic stream) as a percentile within the routine (100 = the most attended segment, "
        "0 = the least), and on the nearest athlete frame within "
        f"{found.tolerance_s:g} s (static stream). A1, A2, ...: the routine's most attended "
        f"segments (by rank, above uniform attention) with no deduction within "
        f"{found.tolerance_s:g} s. Targets: {', '.join(found.targets)}."
    )
    if found.unplaced:
        text += " Not placed (past the analysed segments): " + ", ".join(
            f"#{m.id}" for m in found.unplaced
        )
    return text


def disagreement_of(content: ReportContent) -> Disagreement:
    return judge_disagreement(content.result, content.marks)


def report_numbers(content: ReportContent) -> dict[int, int]:
    """Each mark's number in the report: 1, 2, ... in time order (content.sorted_marks)."""
    return {mark.id: n for n, mark in enumerate(content.sorted_marks(), start=1)}


# ------------------------------------------------------------------------------------- HTML


def html_section(content: ReportContent) -> str:
    """The section as HTML (every user text escaped)."""
    found = disagreement_of(content)
    rows = section_rows(found, report_numbers(content))
    parts = [f"<h2>{escape(TITLE)}</h2>", f'<p class="meta">{escape(explanation(found))}</p>']
    if not rows:
        parts.append('<p class="meta">No deduction marks, and no attended moment unmarked.</p>')
        return "\n".join(parts)
    parts.append(
        '<table class="disagreement"><tr>'
        + "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
        + "</tr>"
    )
    for row in rows:
        colour = "#{:02x}{:02x}{:02x}".format(*row.rgb)
        moment, time, attention, target, static, note = (escape(c) for c in row.cells)
        parts.append(
            f'<tr><td style="color:{colour}">{moment}</td><td class="num">{time}</td>'
            f'<td class="num" style="color:{colour}"><b>{attention}</b></td><td>{target}</td>'
            f'<td class="num">{static}</td><td class="text">{note}</td></tr>'
        )
    parts.append("</table>")
    return "\n".join(parts)


# -------------------------------------------------------------------------------------- PDF


def pdf_section(pdf, content: ReportContent, heading: Callable[[object, str], None]) -> None:
    """The section on the PDF (`pdf`: the report's FPDF, `heading`: its section title)."""
    found = disagreement_of(content)
    rows = section_rows(found, report_numbers(content))
    heading(pdf, TITLE)
    pdf.use(7.5, rgb=_GREY)
    pdf.multi_cell(
        0, 3.8, pdf.t(explanation(found)), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )
    pdf.ln(1)
    if not rows:
        pdf.use(9, rgb=_GREY)
        pdf.cell(
            0,
            6,
            pdf.t("No deduction marks, and no attended moment unmarked."),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return
    pdf.use(9)
    widths = (34, 27, 20, 19, 15, pdf.content_w - 115)
    with pdf.table(
        col_widths=widths,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.8,
        text_align=("LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
        padding=(0.8, 1.5),
        repeat_headings=1,
    ) as table:
        header = table.row()
        for title in HEADERS:
            header.cell(title)
        for row in rows:
            cells = table.row()
            for i, text in enumerate(row.cells):
                style = None
                if i == 0:
                    style = FontFace(color=row.rgb)
                elif i == 2:
                    style = FontFace(color=row.rgb, emphasis="BOLD")
                shown = text[:300] + ("…" if len(text) > 300 else "")
                cells.cell(pdf.t(shown), style=style)

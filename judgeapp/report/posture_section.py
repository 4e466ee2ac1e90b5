"""The athlete and posture section laid out in the PDF (fpdf2) and the HTML report; its content
is gathered once in posture.py."""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape

from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from judgeapp.core.marks import format_time
from judgeapp.report.content import ReportContent
from judgeapp.report.figures import data_uri, html_figure, pdf_picture
from judgeapp.report.posture import TITLE, PostureSection, PostureThumb

HEADERS = ("Angle", "Measured", "Range", "Peak amplitudes (highest first)")
PLOT_NOTE = (
    "Each joint's angle over the routine (180° = straight; trunk: 0° upright, 180° upside "
    "down); blue: the body's left side, pink: its right side. Gaps: the angle was not "
    "measured (a landmark it needs was not seen, or the athlete was not found). Dots: amplitude "
    "peaks (a local maximum at least 10° above its surroundings, 0.5 s apart); the highest is "
    "labelled. Dashed: 180°, where a straight leg or knee is the aim."
)
THUMBS_NOTE = (
    "The athlete at each angle's highest peak, as the pose model saw them: the skeleton "
    "(blue left, pink right, green across), in orange the lines the angle is measured on."
)
_GREY = (110, 110, 110)
_UNSEEN_RGB = (176, 48, 32)
_THUMB_H_MM = 42.0
_THUMB_MAX_W_MM = 34.0
_THUMBS_PER_ROW = 5


def _thumb_caption(thumb: PostureThumb) -> str:
    return f"{', '.join(thumb.captions)} at {format_time(thumb.time_s)}"


# ------------------------------------------------------------------------------------- HTML


def html_section(content: ReportContent) -> str:
    """The section as HTML; "" for a result without athlete or pose."""
    section = content.posture
    if section is None:
        return ""
    parts = [
        f'<h2 id="posture">{escape(TITLE)}</h2>',
        f'<p class="athlete">{escape(section.athlete_line)}</p>',
        f'<p class="meta">{escape(section.pose_line)}</p>',
    ]
    if section.angles:
        parts.append(
            '<table class="posture"><tr>'
            + "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
            + "</tr>"
        )
        for entry in section.angles:
            seen_cls = "num unseen" if entry.mostly_unseen else "num"
            parts.append(
                f"<tr><th>{escape(entry.label)}</th>"
                f'<td class="{seen_cls}">{escape(entry.seen_text())}</td>'
                f'<td class="num">{escape(entry.range_text())}</td>'
                f"<td>{escape(entry.peaks_text())}</td></tr>"
            )
        parts.append("</table>")
    parts += [f'<p class="unseen">{escape(note)}</p>' for note in section.unseen_notes()]
    if section.plot_png is not None:
        parts.append(
            f'<img class="timeline" src="{data_uri(section.plot_png, "image/png")}" '
            'alt="joint angles of the athlete over time">'
        )
        parts.append(f'<p class="meta">{escape(PLOT_NOTE)}</p>')
    if section.thumbs:
        parts.append('<div class="crops">' + "".join(_figure(t) for t in section.thumbs) + "</div>")
        parts.append(f'<p class="meta">{escape(THUMBS_NOTE)}</p>')
    parts += [f'<p class="meta">{escape(note)}</p>' for note in section.notes]
    return "\n".join(parts)


def _figure(thumb: PostureThumb) -> str:
    alt = f"athlete at frame {thumb.frame}: {_thumb_caption(thumb)}"
    return html_figure(thumb.jpeg, alt, escape(_thumb_caption(thumb)))


# -------------------------------------------------------------------------------------- PDF


def pdf_section(pdf, content: ReportContent, heading: Callable[..., None]) -> None:
    """The section on a page of its own (`pdf`: the report's FPDF, `heading`: its section
    title); nothing for a result without athlete or pose."""
    section = content.posture
    if section is None:
        return
    pdf.add_page()
    heading(pdf, TITLE)
    pdf.use(9)
    pdf.multi_cell(
        0, 4.6, pdf.t(section.athlete_line), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )
    pdf.ln(0.8)
    pdf.use(8, rgb=_GREY)
    pdf.multi_cell(0, 4, pdf.t(section.pose_line), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)
    if section.angles:
        _angle_table(pdf, section)
    for note in section.unseen_notes():
        pdf.use(8.5, bold=True, rgb=_UNSEEN_RGB)
        pdf.multi_cell(0, 4.4, pdf.t(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if section.plot_png is not None:
        with Image.open(io.BytesIO(section.plot_png)) as im:
            aspect = im.height / im.width
        plot_h = pdf.content_w * aspect
        if pdf.get_y() + plot_h + 12 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.ln(1.5)
        pdf.image(io.BytesIO(section.plot_png), x=pdf.l_margin, w=pdf.content_w)
        pdf.use(7.5, rgb=_GREY)
        pdf.multi_cell(0, 3.6, pdf.t(PLOT_NOTE), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if section.thumbs:
        for start in range(0, len(section.thumbs), _THUMBS_PER_ROW):
            _thumb_row(pdf, section.thumbs[start : start + _THUMBS_PER_ROW])
        pdf.use(7.5, rgb=_GREY)
        pdf.multi_cell(0, 3.6, pdf.t(THUMBS_NOTE), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    for note in section.notes:
        pdf.use(8.5, rgb=_GREY)
        pdf.multi_cell(0, 4.5, pdf.t(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _angle_table(pdf, section: PostureSection) -> None:
    pdf.use(8.5)
    widths = (33, 30, 22, pdf.content_w - 85)
    with pdf.table(
        col_widths=widths,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.6,
        text_align=("LEFT", "RIGHT", "RIGHT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
        padding=(0.6, 1.5),
    ) as table:
        header = table.row()
        for title in HEADERS:
            header.cell(title)
        for entry in section.angles:
            row = table.row()
            row.cell(pdf.t(entry.label), style=FontFace(emphasis="BOLD"))
            unseen = FontFace(color=_UNSEEN_RGB, emphasis="BOLD") if entry.mostly_unseen else None
            row.cell(pdf.t(entry.seen_text()), style=unseen)
            row.cell(pdf.t(entry.range_text()))
            row.cell(pdf.t(entry.peaks_text()))
    pdf.ln(1)


def _thumb_row(pdf, thumbs: tuple[PostureThumb, ...]) -> None:
    lines = max(len(t.captions) for t in thumbs) + 1
    if pdf.get_y() + _THUMB_H_MM + 3 + 3.8 * lines > pdf.h - pdf.b_margin:
        pdf.add_page()
    slot_w = pdf.content_w / _THUMBS_PER_ROW
    y = pdf.get_y() + 2
    for i, thumb in enumerate(thumbs):
        x = pdf.l_margin + i * slot_w
        pdf_picture(pdf, thumb.jpeg, x, y, slot_w, _THUMB_H_MM, _THUMB_MAX_W_MM)
        pdf.set_xy(x, y + _THUMB_H_MM + 1)
        pdf.use(7.5, bold=True)
        for caption in thumb.captions:
            pdf.set_x(x)
            pdf.cell(slot_w, 3.8, pdf.t(caption), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(x)
        pdf.use(7.5, rgb=_GREY)
        pdf.cell(slot_w, 3.8, pdf.t(f"at {format_time(thumb.time_s)}"), align="C")
    pdf.set_xy(pdf.l_margin, y + _THUMB_H_MM + 2 + 3.8 * lines)

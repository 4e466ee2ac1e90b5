"""The PDF report (A4), laid out with fpdf2."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from judgeapp.core.marks import KIND_RGB, format_time, mark_text_with_drawing
from judgeapp.report.content import CALIBRATION_WARNING, INTERVAL_NOTE, ReportContent
from judgeapp.report.crops import Crop
from judgeapp.report.disagreement_section import pdf_section
from judgeapp.report.figures import pdf_picture
from judgeapp.report.fonts import unicode_font
from judgeapp.report.output import write_report_bytes
from judgeapp.report.posture_section import pdf_section as posture_pdf_section

_MARGIN_MM = 15.0
_CROP_H_MM = 52.0
_CROP_MAX_W_MM = 41.0
_GREY = (110, 110, 110)


class _ReportPDF(FPDF):
    """FPDF with our footer and a text filter for fonts that lack some characters."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        files = unicode_font()
        if files is not None:
            self.add_font("body", "", str(files.regular))
            self.add_font("body", "B", str(files.bold))
            self.family_name = "body"
            self.latin1_only = False
        else:
            self.family_name = "helvetica"
            self.latin1_only = True
        self.set_margins(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
        self.set_auto_page_break(True, margin=_MARGIN_MM)
        self.set_title("judgeapp report")
        self.set_creator("judgeapp")

    def t(self, text: str) -> str:
        """`text` as the current font can show it (built-in fonts: Latin-1 only)."""
        if self.latin1_only:
            return text.encode("latin-1", "replace").decode("latin-1")
        return text

    def use(self, size_pt: float, bold: bool = False, rgb: tuple[int, int, int] = (0, 0, 0)):
        self.set_font(self.family_name, "B" if bold else "", size_pt)
        self.set_text_color(*rgb)

    def footer(self) -> None:
        self.set_y(-10)
        self.use(8, rgb=_GREY)
        self.cell(0, 5, self.t(f"{self.footer_text}    page {self.page_no()}/{{nb}}"), align="C")

    @property
    def content_w(self) -> float:
        return self.w - self.l_margin - self.r_margin


def _heading(pdf: _ReportPDF, text: str, keep_with_mm: float = 25.0) -> None:
    """A section title; starts a new page unless `keep_with_mm` of what follows fits below it."""
    if pdf.get_y() + 12 + keep_with_mm > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(3)
    pdf.use(12.5, bold=True, rgb=(30, 30, 30))
    pdf.cell(0, 7, pdf.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y()
    pdf.set_draw_color(190, 190, 190)
    pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.content_w, y)
    pdf.ln(1.5)


def _kv_table(pdf: _ReportPDF, rows: list[tuple[str, str]]) -> None:
    pdf.use(9)
    with pdf.table(
        col_widths=(34, pdf.content_w - 34),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=5,
        text_align="LEFT",
        padding=(0.6, 1.5),
    ) as table:
        for key, value in rows:
            row = table.row()
            row.cell(pdf.t(key), style=FontFace(color=_GREY))
            row.cell(pdf.t(value))


def _score_boxes(pdf: _ReportPDF, content: ReportContent) -> None:
    """Predicted, panel and difference as three large numbers side by side."""
    model = content.result.model
    panel = content.panel_value
    diff = content.difference
    boxes = [
        ("Predicted " + content.target, f"{content.result.score:.2f}", f"of {model.score_max:g}"),
        (
            "Panel " + content.target,
            "-" if panel is None else f"{panel:.2f}",
            "not entered" if panel is None else _panel_parts(content),
        ),
        ("Difference", "-" if diff is None else f"{diff:+.2f}", "predicted - panel"),
    ]
    gap = 4.0
    box_w = (pdf.content_w - 2 * gap) / 3
    y = pdf.get_y() + 1
    for i, (label, value, sub) in enumerate(boxes):
        x = pdf.l_margin + i * (box_w + gap)
        pdf.set_fill_color(244, 246, 250)
        pdf.set_draw_color(205, 210, 220)
        pdf.rect(x, y, box_w, 24, style="DF")
        pdf.set_xy(x, y + 2)
        pdf.use(8.5, rgb=_GREY)
        pdf.cell(box_w, 4, pdf.t(label), align="C")
        pdf.set_xy(x, y + 7)
        pdf.use(18, bold=True, rgb=(20, 20, 20))
        pdf.cell(box_w, 9, pdf.t(value), align="C")
        pdf.set_xy(x, y + 17)
        pdf.use(8, rgb=_GREY)
        pdf.cell(box_w, 4, pdf.t(sub), align="C")
    pdf.set_xy(pdf.l_margin, y + 27)


_FLAG_RGB = (176, 48, 32)
_OUTSIDE_RGB = (150, 100, 0)


def _targets_table(pdf: _ReportPDF, content: ReportContent) -> None:
    """A model set's D, E and total: value, interval, members, panel, difference, what each
    interval was worth, then the consistency line. Nothing for one head (schema /1)."""
    rows = content.target_rows()
    if not rows:
        return
    _heading(pdf, "Scores by target", keep_with_mm=8 + 10 * len(rows))
    pdf.use(8.5)
    widths = (28, 21, 25, 20, 14, 22)
    widths = (*widths, pdf.content_w - sum(widths))
    with pdf.table(
        col_widths=widths,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.8,
        text_align=("LEFT", "RIGHT", "CENTER", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
        padding=(0.8, 1.5),
    ) as table:
        header = table.row()
        for title in ("Target", "Predicted", "Interval", "Members", "Panel", "Difference"):
            header.cell(title)
        header.cell("Coverage on validation videos")
        for target in rows:
            row = table.row()
            row.cell(pdf.t(target.label), style=FontFace(emphasis="BOLD"))
            row.cell(pdf.t(target.value))
            row.cell(pdf.t(target.interval))
            row.cell(target.members)
            row.cell(target.panel or "-")
            outside = FontFace(color=_OUTSIDE_RGB, emphasis="BOLD") if target.outside else None
            row.cell(target.difference or "-", style=outside)
            row.cell(pdf.t(target.coverage or "not measured"), style=FontFace(color=_GREY))
    line = content.consistency_text()
    if line:
        pdf.ln(1.5)
        pdf.use(9, bold=content.inconsistent, rgb=_FLAG_RGB if content.inconsistent else (0, 0, 0))
        pdf.multi_cell(0, 4.8, pdf.t(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.use(7.5, rgb=_GREY)
    pdf.multi_cell(0, 3.8, pdf.t(INTERVAL_NOTE), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _panel_parts(content: ReportContent) -> str:
    panel = content.panel
    assert panel is not None
    parts = [f"total {panel.total:.2f}"]
    if panel.difficulty is not None:
        parts.append(f"D {panel.difficulty:.2f}")
    if panel.execution is not None:
        parts.append(f"E {panel.execution:.2f}")
    return ", ".join(parts)


def _warning(pdf: _ReportPDF, text: str) -> None:
    pdf.set_fill_color(255, 243, 205)
    pdf.set_draw_color(224, 176, 0)
    pdf.use(9, rgb=(90, 60, 0))
    pdf.multi_cell(
        0,
        5,
        pdf.t("Warning. " + text),
        border=1,
        fill=True,
        padding=2,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    pdf.ln(2)


def _crop_row(pdf: _ReportPDF, crops: tuple[Crop, ...], content: ReportContent) -> None:
    if not crops:
        pdf.use(9, rgb=_GREY)
        pdf.cell(0, 6, pdf.t("No frames."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    if pdf.get_y() + _CROP_H_MM + 14 > pdf.h - pdf.b_margin:
        pdf.add_page()
    slot_w = pdf.content_w / 4
    y = pdf.get_y() + 1
    for i, crop in enumerate(crops):
        x = pdf.l_margin + i * slot_w
        pdf_picture(pdf, crop.jpeg, x, y, slot_w, _CROP_H_MM, _CROP_MAX_W_MM)
        pdf.set_xy(x, y + _CROP_H_MM + 1)
        pdf.use(8.5, bold=True)
        pdf.cell(slot_w, 4, pdf.t(f"{crop.label}  at {format_time(crop.time_s)}"), align="C")
        pdf.set_xy(x, y + _CROP_H_MM + 5)
        pdf.use(7.5, rgb=_GREY)
        pdf.cell(slot_w, 4, pdf.t(content.weight_note(crop.weight)), align="C")
    pdf.set_xy(pdf.l_margin, y + _CROP_H_MM + 11)


def _marks_table(pdf: _ReportPDF, content: ReportContent) -> None:
    if not content.marks:
        pdf.use(9, rgb=_GREY)
        pdf.cell(0, 6, pdf.t("No marks."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.use(9)
    widths = (9, 16, 22, 23, pdf.content_w - 70)
    with pdf.table(
        col_widths=widths,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.8,
        text_align=("RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
        padding=(0.8, 1.5),
        repeat_headings=1,
    ) as table:
        header = table.row()
        for title in ("#", "Time", "Kind", "Deduction", "Text"):
            header.cell(title)
        for number, mark in enumerate(content.sorted_marks(), start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(format_time(mark.time_s))
            row.cell(pdf.t(mark.kind), style=FontFace(color=KIND_RGB.get(mark.kind, (0, 0, 0))))
            row.cell("" if mark.deduction is None else f"{mark.deduction:.2f}")
            row.cell(pdf.t(pdf_mark_text(mark_text_with_drawing(mark))))


# A table row must fit on one page: about 1000 characters in the text column.
MARK_PDF_CHARS, MARK_PDF_LINES = 900, 12


def pdf_mark_text(text: str) -> str:
    """A mark's text as the PDF table shows it: its lines (blank ones dropped, tabs as spaces),
    at most 12 of them and 900 characters; what is left out is counted, and the CSV and JSON
    exports keep every character."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    shown = "\n".join(lines[:MARK_PDF_LINES])[:MARK_PDF_CHARS]
    left = len("\n".join(lines)) - len(shown)
    return shown if left <= 0 else f"{shown}… ({left} more characters in the CSV/JSON export)"


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes."""
    result = content.result
    pdf = _ReportPDF(f"judgeapp report - {content.video_name}")
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.use(18, bold=True)
    pdf.multi_cell(0, 9, pdf.t(content.video_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.use(8.5, rgb=_GREY)
    pdf.cell(
        0,
        5,
        pdf.t(f"Report made by {content.generator} on {content.created_text}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    if not result.model.calibrated:
        _warning(pdf, CALIBRATION_WARNING)

    _score_boxes(pdf, content)
    _targets_table(pdf, content)
    _heading(pdf, "Video")
    _kv_table(pdf, content.video_rows())
    _heading(pdf, "Model card")
    _kv_table(pdf, content.model_rows())

    with Image.open(io.BytesIO(content.timeline_png)) as im:
        aspect = im.height / im.width
    _heading(pdf, "Attention over time", keep_with_mm=pdf.content_w * aspect + 10)
    pdf.image(io.BytesIO(content.timeline_png), x=pdf.l_margin, w=pdf.content_w)
    pdf.use(7.5, rgb=_GREY)
    pdf.multi_cell(
        0,
        3.8,
        pdf.t(
            "Bars: the dynamic stream's weight of each 16-frame segment. Stems: the static "
            "stream's weight of each 1 fps frame (T = highest, B = lowest, shown below). "
            "Numbered discs: the judges' marks, numbered as in the table."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    if result.warnings:
        _heading(pdf, "Analysis warnings")
        pdf.use(9)
        for warning in result.warnings:
            pdf.multi_cell(0, 5, pdf.t("- " + warning), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    _heading(pdf, "Frames weighted most", keep_with_mm=_CROP_H_MM + 12)
    _crop_row(pdf, content.top, content)
    _heading(pdf, "Frames weighted least", keep_with_mm=_CROP_H_MM + 12)
    _crop_row(pdf, content.bottom, content)
    for note in content.notes:
        pdf.use(8.5, rgb=_GREY)
        pdf.multi_cell(0, 4.5, pdf.t(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    _heading(pdf, f"Judges' marks ({len(content.marks)})")
    _marks_table(pdf, content)
    pdf_section(pdf, content, _heading)
    posture_pdf_section(pdf, content, _heading)
    return bytes(pdf.output())


def write_pdf(content: ReportContent, path: str | Path) -> None:
    """Write the PDF report completely or not at all."""
    write_report_bytes(path, render_pdf(content))

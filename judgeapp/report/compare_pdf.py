"""The comparison of two routines as a PDF (A4): both scores side by side, both attention
timelines on the common time axis, where the attention differs most and the two frames at the
sync points.

It is the HTML comparison page's content (report.compare_page: the same tables) laid out with
the PDF report's building blocks (report.pdf_report). The common axis has its 0 at the sync
points; the caller (app.compare) gives its ends and the frame each side shows at 0.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image, ImageDraw

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import format_time
from judgeapp.report.compare_page import (
    DIFFERENCES_NOTE,
    NO_DIFFERENCE,
    difference_table,
    score_table,
    video_rows,
)
from judgeapp.report.compare_video import AngleLanes as AngleLanes  # the lanes' data
from judgeapp.report.compare_video import CompareSide
from judgeapp.report.content import CALIBRATION_WARNING
from judgeapp.report.crops import jpeg_bytes
from judgeapp.report.figures import pdf_picture
from judgeapp.report.fonts import image_font
from judgeapp.report.pdf_report import _GREY, _heading, _ReportPDF, _warning
from judgeapp.report.timeline_figure import (
    DYNAMIC_RGB,
    STATIC_RGB,
    png_bytes,
    tick_label,
    tick_step_s,
)
from judgeapp.video import read_frames

_SYNC_RGB = (170, 0, 200)  # as the HTML page's sync line
_OUTSIDE_RGB = (232, 232, 232)
_DIFF_RGB = (240, 226, 248)
_TEXT_RGB = (40, 40, 40)
_FRAME_H_MM = 52.0
_ANGLE_RGB = (20, 130, 70)  # as the comparison window's angle lanes
_ANGLE_H = 70


def common_timeline_png(
    sides: Sequence[CompareSide],
    start_s: float,
    end_s: float,
    differences: Sequence[Any] = (),
    width_px: int = 1600,
    angles: AngleLanes | None = None,
) -> bytes:
    """Both sides' attention on one common time axis (0 = the sync points): per side a lane
    with the dynamic segments' bars and the static frames' stems, grey where that video has no
    frames, the stretches of `differences` shaded violet, the sync line at 0; with `angles`,
    under them each side's angle lane."""
    left, right, lane_h, gap, top, axis_h = 90, 24, 120, 18, 16, 44
    angle_h = (_ANGLE_H + gap) * len(sides) if angles is not None else 0
    height = top + len(sides) * (lane_h + gap) + angle_h + axis_h
    image = Image.new("RGB", (width_px, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = image_font(26), image_font(20)
    span = max(end_s - start_s, 1e-6)
    plot_w = width_px - left - right

    def x_of(t: float) -> float:
        return left + plot_w * min(max((t - start_s) / span, 0.0), 1.0)

    bottom = top + len(sides) * (lane_h + gap) - gap
    shaded = [(x_of(d.start_s), x_of(d.end_s)) for d in differences]
    for k, side in enumerate(sides):
        y0 = top + k * (lane_h + gap)
        _draw_lane(draw, side, x_of, y0, lane_h, (left, left + plot_w), shaded)
        draw.text((left - 16, y0 + lane_h / 2), side.label, font=font, fill=_TEXT_RGB, anchor="rm")
    if angles is not None:
        for k, side in enumerate(sides):
            y0 = bottom + gap + k * (_ANGLE_H + gap)
            _draw_angle(draw, angles, k, x_of, y0, (left, left + plot_w), small)
            label = f"{side.label}°"
            draw.text((left - 16, y0 + _ANGLE_H / 2), label, font=font, fill=_TEXT_RGB, anchor="rm")
        bottom += angle_h
    step = tick_step_s(span, max_ticks=12)
    for k in range(math.ceil(start_s / step - 1e-9), math.floor(end_s / step + 1e-9) + 1):
        t = k * step
        x = x_of(t)
        draw.line([(x, bottom), (x, bottom + 8)], fill=_TEXT_RGB, width=2)
        label = ("−" if t < -1e-9 else "") + tick_label(abs(t), step)
        draw.text((x, bottom + 12), label, font=small, fill=_TEXT_RGB, anchor="mt")
    draw.line([(left, bottom), (left + plot_w, bottom)], fill=_TEXT_RGB, width=2)
    draw.line([(x_of(0.0), top - 6), (x_of(0.0), bottom)], fill=_SYNC_RGB, width=3)
    return png_bytes(image)


def _draw_lane(draw, side: CompareSide, x_of, y0: float, lane_h: float, span_px, shaded) -> None:
    """One side's lane: grey outside its video, the `shaded` stretches (x pixels) violet,
    dynamic bars from the bottom, static stems."""
    result, sync = side.result, side.sync_s
    first, last = x_of(-sync), x_of(result.video.duration_s - sync)
    draw.rectangle([span_px[0], y0, span_px[1], y0 + lane_h], fill=_OUTSIDE_RGB)
    draw.rectangle([first, y0, last, y0 + lane_h], fill="white", outline=(190, 190, 190))
    for x1, x2 in shaded:
        draw.rectangle([max(x1, first), y0 + 1, min(x2, last), y0 + lane_h - 1], fill=_DIFF_RGB)
    if result.dynamic:
        peak = max(s.weight for s in result.dynamic) or 1.0
        for seg in result.dynamic:
            bar_h = (lane_h - 10) * seg.weight / peak
            x1, x2 = x_of(seg.start_s - sync), x_of(seg.end_s - sync)
            draw.rectangle(
                [x1 + 1, y0 + lane_h - bar_h, max(x1 + 1, x2 - 1), y0 + lane_h], fill=DYNAMIC_RGB
            )
    if result.static:
        peak = max(f.weight for f in result.static) or 1.0
        for frame in result.static:
            x = x_of(frame.time_s - sync)
            y = y0 + lane_h - (lane_h - 24) * frame.weight / peak
            draw.line([(x, y0 + lane_h), (x, y)], fill=STATIC_RGB, width=3)
            draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=STATIC_RGB)


def _draw_angle(draw, angles: AngleLanes, k: int, x_of, y0: float, span_px, font) -> None:
    """Side k's angle lane: its curve (gaps where not measured) on the shared degree scale."""
    draw.rectangle([span_px[0], y0, span_px[1], y0 + _ANGLE_H], outline=(190, 190, 190))
    runs = angles.runs[k]
    if runs is None:
        text = f"{angles.label}: not measured"
        draw.text((span_px[0] + 10, y0 + _ANGLE_H / 2), text, font=font, fill=_GREY, anchor="lm")
        return
    low, high = angles.scale
    span = max(high - low, 1e-6)
    for run in runs:
        points = [(x_of(t), y0 + _ANGLE_H - 4 - (_ANGLE_H - 8) * (d - low) / span) for t, d in run]
        if len(points) > 1:
            draw.line(points, fill=_ANGLE_RGB, width=3)
        else:
            x, y = points[0]
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=_ANGLE_RGB)
    draw.text(
        (span_px[1] - 6, y0 + 3), f"{angles.label} {high:.0f}°", font=font, fill=_GREY, anchor="ra"
    )
    draw.text(
        (span_px[1] - 6, y0 + _ANGLE_H - 3), f"{low:.0f}°", font=font, fill=_GREY, anchor="rd"
    )


def sync_frames(sides: Sequence[CompareSide], indices: Sequence[int]) -> list[bytes | None]:
    """Each side's frame `indices[k]` (the one it shows at its sync point) as JPEG; None
    where the video cannot be read any more."""
    pictures: list[bytes | None] = []
    for side, index in zip(sides, indices, strict=True):
        try:
            rgb = read_frames(side.video, {index}).get(index)
        except (JudgeappError, OSError):  # a picture left out; the page is still made
            rgb = None
        pictures.append(None if rgb is None else jpeg_bytes(Image.fromarray(rgb)))
    return pictures


def _score_boxes(pdf: _ReportPDF, sides: Sequence[CompareSide], table: list[list[str]]) -> None:
    """Each side's first score (total, or its one target) as a large number side by side."""
    gap = 6.0
    box_w = (pdf.content_w - gap) / 2
    y = pdf.get_y() + 1
    first = table[1] if len(table) > 1 else ["", "—", "—", ""]
    for k, side in enumerate(sides):
        value, _, interval = first[1 + k].partition(" (")
        x = pdf.l_margin + k * (box_w + gap)
        pdf.set_fill_color(244, 246, 250)
        pdf.set_draw_color(205, 210, 220)
        pdf.rect(x, y, box_w, 24, style="DF")
        sub = first[0] + (f", interval {interval.rstrip(')')}" if interval else "")
        for dy, size, bold, rgb, text in (
            (2, 8.5, False, _GREY, f"{side.label}: {side.video.name}"),
            (7, 18, True, (20, 20, 20), value),
            (17, 8, False, _GREY, sub),
        ):
            pdf.set_xy(x + 2, y + dy)
            pdf.use(size, bold=bold, rgb=rgb)
            pdf.cell(box_w - 4, 9 if bold else 4, pdf.t(text), align="C")
    pdf.set_xy(pdf.l_margin, y + 27)


def _table(pdf: _ReportPDF, table: list[list[str]], widths: Sequence[float], align) -> None:
    pdf.use(8.5)
    with pdf.table(
        col_widths=widths,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.8,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
        padding=(0.8, 1.5),
    ) as pdf_table:
        for cells in table:
            row = pdf_table.row()
            for cell in cells:
                row.cell(pdf.t(cell))


def _note(pdf: _ReportPDF, text: str) -> None:
    pdf.use(7.5, rgb=_GREY)
    pdf.multi_cell(0, 3.8, pdf.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def render_compare_pdf(
    sides: Sequence[CompareSide],
    score_rows: Sequence[Any],
    differences: Sequence[Any],
    axis: tuple[float, float],
    frame_indices: Sequence[int],
    angles: AngleLanes | None = None,
) -> bytes:
    """The comparison as PDF bytes. `axis`: the common axis's (start, end) in seconds;
    `frame_indices`: the frame each side shows at the sync points; `angles`: a joint angle of
    each side drawn under the attention lanes (None: no angle lanes)."""
    a, b = sides
    title = f"Comparison: {a.video.name} and {b.video.name}"
    pdf = _ReportPDF(f"judgeapp comparison - {a.video.name} / {b.video.name}")
    pdf.set_title(title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.use(16, bold=True)
    pdf.multi_cell(0, 8, pdf.t(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.use(8.5, rgb=_GREY)
    pdf.multi_cell(
        0,
        4.5,
        pdf.t(
            f"Common time starts at the sync points: {a.label} at {format_time(a.sync_s)}, "
            f"{b.label} at {format_time(b.sync_s)}."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    if not all(side.result.model.calibrated for side in sides):
        _warning(pdf, CALIBRATION_WARNING)
    scores = score_table(sides, score_rows)
    _score_boxes(pdf, sides, scores)
    _heading(pdf, "Scores", keep_with_mm=8 + 5 * len(scores))
    _table(pdf, scores, (40, 50, 50, pdf.content_w - 140), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))

    timeline = common_timeline_png(sides, *axis, differences, angles=angles)
    with Image.open(io.BytesIO(timeline)) as im:
        aspect = im.height / im.width
    _heading(pdf, "Attention on the common time axis", keep_with_mm=pdf.content_w * aspect + 12)
    pdf.image(io.BytesIO(timeline), x=pdf.l_margin, w=pdf.content_w)
    _note(
        pdf,
        "Bars: the dynamic stream's weight of each 16-frame segment; stems: the static stream's "
        "weight of each 1 fps frame. Time 0 (violet line) is both sync points; grey: no video "
        "on that side; violet shading: the stretches listed below."
        + (
            f" Green: the athlete's {angles.label.lower()} on each side, on one degree scale."
            if angles is not None
            else ""
        ),
    )
    diffs = difference_table(sides, differences)
    _heading(pdf, "Where the attention differs most", keep_with_mm=20)
    _note(pdf, DIFFERENCES_NOTE)
    pdf.ln(1)
    if len(diffs) > 1:
        widths = (8, 46, 22, 22, 24, 24)
        _table(pdf, diffs, (*widths, pdf.content_w - sum(widths)), "LEFT")
    else:
        pdf.use(9)
        pdf.cell(0, 6, pdf.t(NO_DIFFERENCE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    _heading(pdf, "The frames at the sync points", keep_with_mm=_FRAME_H_MM + 8)
    slot_w = pdf.content_w / 2
    y = pdf.get_y() + 1
    for k, (side, jpeg) in enumerate(zip(sides, sync_frames(sides, frame_indices), strict=True)):
        x = pdf.l_margin + k * slot_w
        pdf_picture(pdf, jpeg, x, y, slot_w, _FRAME_H_MM, slot_w - 4)
        pdf.set_xy(x, y + _FRAME_H_MM + 1)
        pdf.use(8.5, bold=True)
        caption = f"{side.label}: frame {frame_indices[k]} at {format_time(side.sync_s)}"
        pdf.cell(slot_w, 4, pdf.t(caption), align="C")
    pdf.set_xy(pdf.l_margin, y + _FRAME_H_MM + 7)
    _heading(pdf, "Videos")
    rows = [[label, video, sync, rate] for label, video, sync, rate in video_rows(sides)]
    header = ["", "Video", "Sync point", "Frame rate, length"]
    _table(pdf, [header, *rows], (10, 110, 26, 34), "LEFT")
    return bytes(pdf.output())

"""Pictures in reports, one way for every section: a data URI and a captioned figure in HTML,
and in a PDF a picture fitted to its slot (or a dashed "not available" placeholder)."""

from __future__ import annotations

import base64
import io
from html import escape

from PIL import Image

PLACEHOLDER_GREY = (110, 110, 110)


def data_uri(data: bytes, mime: str) -> str:
    """`data` inline in HTML."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def html_figure(jpeg: bytes | None, alt: str, caption_html: str) -> str:
    """A JPEG (or a "not available" box) with its caption; `caption_html` is already escaped."""
    if jpeg is None:
        picture = '<div class="missing">not available</div>'
    else:
        picture = f'<img src="{data_uri(jpeg, "image/jpeg")}" alt="{escape(alt)}">'
    return f"<figure>{picture}<figcaption>{caption_html}</figcaption></figure>"


def pdf_picture(
    pdf, jpeg: bytes | None, x: float, y: float, slot_w: float, height_mm: float, max_w_mm: float
) -> None:
    """A JPEG centred in a slot `slot_w` wide at (x, y), standing on the slot's bottom edge at
    most `height_mm` high and `max_w_mm` wide; without one, a dashed "not available" box."""
    if jpeg is not None:
        with Image.open(io.BytesIO(jpeg)) as im:
            aspect = im.width / im.height
        w = min(max_w_mm, height_mm * aspect)
        h = w / aspect
        pdf.image(io.BytesIO(jpeg), x=x + (slot_w - w) / 2, y=y + height_mm - h, w=w, h=h)
        return
    pdf.set_draw_color(170, 170, 170)
    pdf.set_dash_pattern(dash=1.2, gap=1.2)
    pdf.rect(x + (slot_w - 24) / 2, y, 24, height_mm)
    pdf.set_dash_pattern()
    pdf.set_xy(x, y + height_mm / 2 - 2)
    pdf.use(7.5, rgb=PLACEHOLDER_GREY)
    pdf.cell(slot_w, 4, pdf.t("not available"), align="C")

"""The attention timeline as a picture: both streams' weights over time, with the judges' marks.

Drawn with Pillow into a PNG so that the PDF, the HTML report and any other view can embed it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw

from judgeapp.core.marks import KIND_RGB, Mark, format_time
from judgeapp.core.results import AnalysisResult, FrameWeight
from judgeapp.report.fonts import image_font

DYNAMIC_RGB = (59, 111, 182)
STATIC_RGB = (224, 123, 26)
_GRID_RGB = (225, 225, 225)
_TEXT_RGB = (40, 40, 40)

_TICK_STEPS_S = (0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600)


def tick_step_s(duration_s: float, max_ticks: int = 12) -> float:
    """The smallest "round" step that puts at most `max_ticks` ticks on the time axis.

    Beyond the listed steps it is 1, 2 or 5 times a power of ten, so any duration, however
    long, gets at most `max_ticks` ticks.
    """
    for step in _TICK_STEPS_S:
        if duration_s / step <= max_ticks:
            return float(step)
    if not math.isfinite(duration_s):
        return float(_TICK_STEPS_S[-1])
    raw = duration_s / max_ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if duration_s / (m * power) <= max_ticks)


def tick_label(time_s: float, step_s: float) -> str:
    """m:ss for whole-second steps, m:ss.s for finer ones."""
    if step_s < 1:
        return format_time(time_s)
    minutes, seconds = divmod(round(time_s), 60)
    return f"{minutes}:{seconds:02d}"


def draw_timeline(
    result: AnalysisResult,
    marks: Sequence[Mark] = (),
    top: Sequence[FrameWeight] = (),
    bottom: Sequence[FrameWeight] = (),
    width_px: int = 1600,
) -> Image.Image:
    """Three lanes over a shared time axis: dynamic segment weights, static frame weights
    (the `top`/`bottom` frames labelled T1.. and B1..), and the marks numbered 1.. in time order.

    Each stream is scaled to its own largest weight; the dashed line is the uniform weight 1/N.
    """
    scale = width_px / 1600
    font = image_font(round(24 * scale))
    small = image_font(round(20 * scale))
    tiny = image_font(round(17 * scale))
    left, right = round(215 * scale), round(30 * scale)
    lane_h, marks_h, gap = round(130 * scale), round(64 * scale), round(20 * scale)
    top_pad, axis_h = round(48 * scale), round(40 * scale)
    height_px = top_pad + 2 * lane_h + marks_h + 3 * gap + axis_h
    image = Image.new("RGB", (width_px, height_px), "white")
    draw = ImageDraw.Draw(image)
    duration_s = max(result.video.duration_s, 1e-6)
    plot_w = width_px - left - right

    def x_of(time_s: float) -> float:
        return left + plot_w * min(max(time_s / duration_s, 0.0), 1.0)

    lanes = {
        "dynamic": top_pad,
        "static": top_pad + lane_h + gap,
        "marks": top_pad + 2 * (lane_h + gap),
    }
    axis_y = lanes["marks"] + marks_h + gap

    # Grid and time axis.
    step = tick_step_s(duration_s)
    for k in range(math.floor(duration_s / step + 1e-9) + 1):
        t = k * step
        x = x_of(t)
        draw.line([(x, top_pad), (x, axis_y)], fill=_GRID_RGB, width=max(1, round(scale)))
        draw.line([(x, axis_y), (x, axis_y + 8 * scale)], fill=_TEXT_RGB, width=2)
        draw.text(
            (x, axis_y + 10 * scale), tick_label(t, step), font=small, fill=_TEXT_RGB, anchor="mt"
        )
    draw.line([(left, axis_y), (left + plot_w, axis_y)], fill=_TEXT_RGB, width=2)

    # Lane titles (left) and frames.
    titles = {
        "dynamic": ("Dynamic", "16-frame segments"),
        "static": ("Static", "1 fps frames"),
        "marks": ("Marks", f"{len(marks)} by judges"),
    }
    for lane, y in lanes.items():
        h = marks_h if lane == "marks" else lane_h
        draw.rectangle([left, y, left + plot_w, y + h], outline=(190, 190, 190), width=1)
        name, sub = titles[lane]
        draw.text((left - 14 * scale, y + h / 2 - 2), name, font=font, fill=_TEXT_RGB, anchor="rs")
        draw.text(
            (left - 14 * scale, y + h / 2 + 4), sub, font=tiny, fill=(110, 110, 110), anchor="ra"
        )

    # Dynamic stream: one bar per segment.
    y0 = lanes["dynamic"]
    if result.dynamic:
        peak = max(s.weight for s in result.dynamic) or 1.0
        for seg in result.dynamic:
            bar_h = (lane_h - 8) * seg.weight / peak
            x1, x2 = x_of(seg.start_s), x_of(seg.end_s)
            draw.rectangle(
                [x1 + 1, y0 + lane_h - bar_h, max(x1 + 1, x2 - 1), y0 + lane_h],
                fill=DYNAMIC_RGB,
            )
        _uniform_line(
            draw, left, plot_w, y0, lane_h - 8, 1.0 / len(result.dynamic) / peak, offset=8
        )
    else:
        draw.text(
            (left + 10, y0 + lane_h / 2), "no segments", font=small, fill=_TEXT_RGB, anchor="lm"
        )

    # Static stream: stems with dots; top and bottom frames labelled.
    y0 = lanes["static"]
    labels = {id(f): (f"T{i + 1}", (150, 30, 30)) for i, f in enumerate(top)}
    labels |= {id(f): (f"B{i + 1}", (60, 60, 160)) for i, f in enumerate(bottom)}
    if result.static:
        peak = max(f.weight for f in result.static) or 1.0
        radius = max(2.0, 5 * scale)
        for frame in result.static:
            x = x_of(frame.time_s)
            y = y0 + lane_h - (lane_h - 30 * scale) * frame.weight / peak
            draw.line([(x, y0 + lane_h), (x, y)], fill=STATIC_RGB, width=max(1, round(3 * scale)))
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=STATIC_RGB)
            if id(frame) in labels:
                text, rgb = labels[id(frame)]
                draw.text((x, y - radius - 2), text, font=small, fill=rgb, anchor="mb")
        level = 1.0 / len(result.static) / peak
        _uniform_line(draw, left, plot_w, y0, lane_h - 30 * scale, level, offset=30 * scale)
    else:
        draw.text(
            (left + 10, y0 + lane_h / 2),
            "no frame with a person",
            font=small,
            fill=_TEXT_RGB,
            anchor="lm",
        )

    # Marks: a line through all lanes and a numbered disc in the marks lane.
    y0 = lanes["marks"]
    disc_r = 16 * scale
    for number, mark in enumerate(sorted(marks, key=lambda m: (m.time_s, m.id)), start=1):
        rgb = KIND_RGB.get(mark.kind, _TEXT_RGB)
        x = x_of(mark.time_s)
        draw.line([(x, top_pad), (x, y0 + marks_h)], fill=rgb, width=max(1, round(2 * scale)))
        cy = y0 + marks_h / 2 + (disc_r * 0.9 if number % 2 == 0 else -disc_r * 0.9) * 0.6
        draw.ellipse([x - disc_r, cy - disc_r, x + disc_r, cy + disc_r], fill=rgb)
        draw.text((x, cy), str(number), font=small, fill="white", anchor="mm")

    # Legend along the top.
    x = left
    legend = [("dynamic weight", DYNAMIC_RGB), ("static weight", STATIC_RGB)]
    legend += [(kind, rgb) for kind, rgb in KIND_RGB.items()]
    for text, rgb in legend:
        draw.rectangle([x, 14 * scale, x + 18 * scale, 32 * scale], fill=rgb)
        draw.text((x + 24 * scale, 23 * scale), text, font=small, fill=_TEXT_RGB, anchor="lm")
        x += 24 * scale + draw.textlength(text, font=small) + 30 * scale
    draw.text(
        (left + plot_w, 23 * scale),
        "- - - uniform weight",
        font=small,
        fill=(120, 120, 120),
        anchor="rm",
    )
    return image


def _uniform_line(
    draw: ImageDraw.ImageDraw,
    left: float,
    plot_w: float,
    y0: float,
    lane_h: float,
    level: float,
    offset: float = 0.0,
) -> None:
    """A dashed line at the weight every instance would get if attention were uniform."""
    y = y0 + offset + lane_h * (1.0 - min(level, 1.0))
    dashed_hline(draw, left, left + plot_w, y, (120, 120, 120), 1)


def dashed_hline(
    draw: ImageDraw.ImageDraw, x0: float, x1: float, y: float, rgb, width: int, dash: int = 12
) -> None:
    """A horizontal dashed line from x0 to x1 (dashes and gaps `dash` pixels long)."""
    x = x0
    while x < x1:
        draw.line([(x, y), (min(x + dash, x1), y)], fill=rgb, width=width)
        x += 2 * dash


def png_bytes(image: Image.Image) -> bytes:
    """The image encoded as PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

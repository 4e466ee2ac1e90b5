"""Drawings on a frame (line, arrow, circle, text) that a judge saves with a mark.

A drawing is a tuple of `Shape`s in video pixels, kept with its mark in the library (as JSON),
shown by the player while the playhead is within `SHOW_S` after the mark's time, and drawn into
the annotated video over the same seconds. Everything read back is checked: a library edited by
hand gives one line naming what is wrong, never a shape drawn from nonsense.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from judgeapp.core.errors import JudgeappError

SHAPE_KINDS = ("line", "arrow", "circle", "text")
SHOW_S = 3.0  # seconds a mark's drawing (and its note) stays on screen after its time
MAX_SHAPES = 50
MAX_TEXT_CHARS = 200
MAX_COORD_PX = 100_000.0  # far beyond any video's size; bounds a hand-edited value
DRAWING_RGB = (255, 64, 160)  # one colour that stands out on grass, mats and skin


@dataclass(frozen=True)
class Shape:
    """One stroke: `points` are (x, y) video pixels; a line, arrow or circle has two (from, to;
    a circle: centre, a point on its edge), a text one (its top-left) and its `text`."""

    kind: str
    points: tuple[tuple[float, float], ...]
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SHAPE_KINDS:
            kinds = ", ".join(SHAPE_KINDS)
            raise JudgeappError(f"drawing shape {self.kind!r} is not one of {kinds}")
        wanted = 1 if self.kind == "text" else 2
        if len(self.points) != wanted:
            raise JudgeappError(f"a {self.kind} has {wanted} point(s), not {len(self.points)}")
        for point in self.points:
            if len(point) != 2 or not all(_is_coordinate(v) for v in point):
                raise JudgeappError(f"drawing point {point!r} is not two finite pixel coordinates")
        if not isinstance(self.text, str) or len(self.text) > MAX_TEXT_CHARS:
            raise JudgeappError(f"drawing text must be a string of at most {MAX_TEXT_CHARS} chars")
        if self.kind == "text" and not self.text.strip():
            raise JudgeappError("a text shape needs some text")

    @property
    def radius_px(self) -> float:
        """A circle's radius (the distance from its centre to its edge point)."""
        (x0, y0), (x1, y1) = self.points[0], self.points[-1]
        return math.hypot(x1 - x0, y1 - y0)


Drawing = tuple[Shape, ...]


def _is_coordinate(value) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_COORD_PX
    )


def check_drawing(shapes) -> Drawing:
    """The shapes as a Drawing, or a JudgeappError saying what is wrong."""
    shapes = tuple(shapes)
    if len(shapes) > MAX_SHAPES:
        raise JudgeappError(f"a drawing holds at most {MAX_SHAPES} shapes, not {len(shapes)}")
    if not all(isinstance(s, Shape) for s in shapes):
        raise JudgeappError("a drawing is a list of shapes")
    return shapes


def drawing_to_list(drawing: Drawing) -> list[dict]:
    """Plain data for JSON: [{"kind": "arrow", "points": [[x, y], [x, y]], "text": ""}, ...]."""
    return [
        {"kind": s.kind, "points": [[float(x), float(y)] for x, y in s.points], "text": s.text}
        for s in drawing
    ]


def drawing_from_list(items) -> Drawing:
    """The drawing `drawing_to_list` wrote; JudgeappError for anything else."""
    if not isinstance(items, list):
        raise JudgeappError("a drawing is a list of shapes")
    shapes = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("points"), list):
            raise JudgeappError(f"drawing shape {item!r:.80} is not a kind with points")
        points = tuple(tuple(p) if isinstance(p, list) else (math.nan,) for p in item["points"])
        shapes.append(Shape(str(item.get("kind")), points, item.get("text", "")))
    return check_drawing(shapes)


def drawing_to_json(drawing: Drawing) -> str:
    """'' for no drawing (what the library stores for a mark without one)."""
    return json.dumps(drawing_to_list(drawing), separators=(",", ":")) if drawing else ""


def drawing_from_json(text: str) -> Drawing:
    if not text:
        return ()
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        raise JudgeappError("a mark's drawing is not valid JSON") from None
    return drawing_from_list(items)


def describe(drawing: Drawing) -> str:
    """'2 shapes: arrow, text "knee"' for tables and reports; '' for none."""
    if not drawing:
        return ""
    parts = [f'text "{s.text}"' if s.kind == "text" else s.kind for s in drawing]
    noun = "shape" if len(drawing) == 1 else "shapes"
    return f"{len(drawing)} {noun}: {', '.join(parts)}"

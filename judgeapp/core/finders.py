"""The person finders a user can choose, and every word the app says about each: one table.

Here, not in `detect/` (which loads OpenCV), so that the command line's choices, the settings
dialog, the score panel, the Models window and the reports read the same rows cheaply. A new
finder is one row here plus its module and one branch in `detect.factory.make_detector`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finder:
    """kind: the name in settings, on the command line and in results' provenance.
    name: what the score panel calls it. phrase: the same inside a sentence ("People found
    by ..."). short: a word or two before "athlete finder". choice: the settings dialog's line.
    """

    kind: str
    name: str
    phrase: str
    short: str
    choice: str


FINDERS = (
    Finder(
        "auto",
        "automatic",
        "the best finder installed",
        "best installed",
        "Automatic (the best finder installed: pose model, YOLO, built-in)",
    ),
    Finder(
        "pose",
        "pose model (BlazePose)",
        "the pose model (BlazePose)",
        "pose model",
        "Pose model (BlazePose; finds and measures the body)",
    ),
    Finder("yolo", "YOLO", "YOLO", "YOLO", "YOLO (install it in Analysis ▸ Models…)"),
    Finder(
        "hog",
        "built-in (OpenCV HOG)",
        "the built-in finder (OpenCV HOG)",
        "built-in",
        "Built-in (needs no download)",
    ),
    Finder(
        "none",
        "none (whole frames)",
        "no finder (whole frames)",
        "no",
        "None: look at whole frames (for comparisons)",
    ),
)
DETECTOR_KINDS = tuple(f.kind for f in FINDERS)
_BY_KIND = {f.kind: f for f in FINDERS}


def finder(kind: str) -> Finder:
    """The row of `kind`; an unknown kind (a result from a newer version) gets its own name
    in every field."""
    return _BY_KIND.get(kind) or Finder(kind, kind, kind, kind, kind)

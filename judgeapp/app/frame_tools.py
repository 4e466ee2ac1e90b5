"""A coach's frame tools, without Qt: how the picture is turned, a stopwatch, a frame as a file.

`Orientation` is the one definition of "mirrored" and "rotated": the player's view, a saved
frame and a copied frame all turn the picture the same way (rotate clockwise by quarter turns,
then mirror left-right as seen on screen), so what a coach saves is what they saw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from judgeapp.core.drawing import SHOW_S, Drawing, Shape
from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import atomic_path
from judgeapp.core.marks import Mark

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MIN_DRAG_PX = 3.0  # a shorter drag is a slip of the hand, not a line


@dataclass(frozen=True)
class Orientation:
    """How the picture is turned on screen: `quarter_turns` clockwise, then mirrored."""

    mirrored: bool = False
    quarter_turns: int = 0  # 0-3, clockwise

    @property
    def identity(self) -> bool:
        return not self.mirrored and self.quarter_turns == 0

    def rotated(self) -> Orientation:
        """A further quarter turn clockwise (four turns come back upright)."""
        return replace(self, quarter_turns=(self.quarter_turns + 1) % 4)

    def toggled_mirror(self) -> Orientation:
        return replace(self, mirrored=not self.mirrored)

    def shown_size(self, width: int, height: int) -> tuple[int, int]:
        """The (width, height) of a width x height picture once turned."""
        return (height, width) if self.quarter_turns % 2 else (width, height)

    def apply(self, image: np.ndarray) -> np.ndarray:
        """The image (H x W [x C]) as it shows on screen with this orientation."""
        turned = np.rot90(image, k=-self.quarter_turns) if self.quarter_turns else image
        turned = turned[:, ::-1] if self.mirrored else turned
        return np.ascontiguousarray(turned)

    def text(self) -> str:
        """'' when upright, else e.g. 'mirrored, rotated 90°' (for the status bar)."""
        parts = ["mirrored"] if self.mirrored else []
        if self.quarter_turns:
            parts.append(f"rotated {90 * self.quarter_turns}°")
        return ", ".join(parts)


@dataclass(frozen=True)
class Stopwatch:
    """The time between two moments of a video, started and stopped at the playhead."""

    start_s: float | None = None
    stop_s: float | None = None

    def pressed(self, time_s: float) -> Stopwatch:
        """One press: start (or start again after a reading), else stop at `time_s`."""
        if self.start_s is None or self.stop_s is not None:
            return Stopwatch(start_s=time_s)
        return replace(self, stop_s=time_s)

    @property
    def running(self) -> bool:
        return self.start_s is not None and self.stop_s is None

    def elapsed_s(self, now_s: float | None = None) -> float | None:
        """Seconds from start to stop (or to `now_s` while running); never negative."""
        if self.start_s is None:
            return None
        end_s = self.stop_s if self.stop_s is not None else now_s
        return None if end_s is None else abs(end_s - self.start_s)

    def text(self, fps: float, now_s: float | None = None) -> str:
        """'Stopwatch 1.24 s (31 frames), 0:03.20 to 0:04.44'; '' before the first press."""
        elapsed = self.elapsed_s(now_s)
        if elapsed is None:
            return ""
        frames = round(elapsed * fps) if fps > 0 else 0
        start, end = sorted((self.start_s, self.stop_s if self.stop_s is not None else now_s))
        running = " running" if self.running else ""
        return (
            f"Stopwatch{running} {elapsed:.2f} s ({frames} frames), "
            f"{clock_text(start)} to {clock_text(end)}"
        )


def clock_text(time_s: float) -> str:
    """0:03.20 (minutes:seconds.hundredths)."""
    minutes, seconds = divmod(max(time_s, 0.0), 60.0)
    return f"{int(minutes)}:{seconds:05.2f}"


def frame_file_name(video: str | Path, index: int, time_s: float, overlays: bool) -> str:
    """A default name that says which frame it is: routine_0m03.20s_f80.png."""
    minutes, seconds = divmod(max(time_s, 0.0), 60.0)
    tag = "_overlays" if overlays else ""
    return f"{Path(video).stem}_{int(minutes)}m{seconds:05.2f}s_f{index}{tag}.png"


def save_frame_image(path: str | Path, rgb: np.ndarray) -> Path:
    """Write an RGB frame as PNG or JPEG (by suffix), whole or not at all."""
    from PIL import Image

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise JudgeappError(f"{path}: save a frame as .png or .jpg, not {suffix or 'no suffix'}")
    image = Image.fromarray(np.ascontiguousarray(rgb[..., :3]), "RGB")
    with atomic_path(path, suffix=suffix) as tmp:  # a full disk: one line, no partial file
        image.save(tmp, format="PNG" if suffix == ".png" else "JPEG", quality=95)
    return path


def shape_from_drag(
    kind: str, start: tuple[float, float], end: tuple[float, float], text: str = ""
) -> Shape | None:
    """The shape a drag from `start` to `end` (video pixels) draws; None for a drag too short
    to be meant (a text needs only its point, and its text)."""
    if kind == "text":
        return Shape("text", (start,), text) if text.strip() else None
    if abs(end[0] - start[0]) + abs(end[1] - start[1]) < MIN_DRAG_PX:
        return None
    return Shape(kind, (start, end))


def drawings_due(marks: list[Mark], time_s: float) -> Drawing:
    """The shapes of every mark whose drawing shows at `time_s` (its time, for SHOW_S)."""
    return tuple(
        shape
        for mark in sorted(marks, key=lambda m: (m.time_s, m.id))
        if mark.time_s <= time_s < mark.time_s + SHOW_S
        for shape in mark.drawing
    )

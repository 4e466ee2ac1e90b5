"""Finding a Unicode TrueType font on this computer, for the PDF and for drawn images.

Judges type names and notes in any language; the PDF's built-in fonts cover Latin-1 only.
We use a common system font where one exists and fall back to the built-in fonts (with
characters they lack replaced) where none does.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"

# (regular, bold) pairs in order of preference.
_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (Path("/usr/share/fonts/TTF/DejaVuSans.ttf"), Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf")),
    (
        Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ),
    (
        Path("/System/Library/Fonts/Supplemental/Arial.ttf"),
        Path("/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ),
    (Path("/Library/Fonts/Arial.ttf"), Path("/Library/Fonts/Arial Bold.ttf")),
    (_WINDOWS_FONTS / "arial.ttf", _WINDOWS_FONTS / "arialbd.ttf"),
    (_WINDOWS_FONTS / "segoeui.ttf", _WINDOWS_FONTS / "segoeuib.ttf"),
)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path


@functools.cache
def unicode_font() -> FontFiles | None:
    """The first system font pair found (a missing bold face reuses the regular), or None."""
    for regular, bold in _CANDIDATES:
        if regular.is_file():
            return FontFiles(regular, bold if bold.is_file() else regular)
    return None


@functools.cache
def image_font(size_px: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A PIL font of `size_px` for drawing text into images (Pillow's own font if none found)."""
    files = unicode_font()
    if files is not None:
        try:
            return ImageFont.truetype(str(files.bold if bold else files.regular), size_px)
        except OSError:
            pass
    return ImageFont.load_default(size=size_px)

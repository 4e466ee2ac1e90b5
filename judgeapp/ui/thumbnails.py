"""The crops panel's pictures are made in the application layer (app/thumbnails.py, no Qt):
they cut athlete boxes with the reports' crop rule. Kept here under the old name for callers
that import `judgeapp.ui.thumbnails`."""

from __future__ import annotations

from judgeapp.app.thumbnails import THUMB_HEIGHT_PX, load_thumbnails, thumb_frame, thumb_image

__all__ = ["THUMB_HEIGHT_PX", "load_thumbnails", "thumb_frame", "thumb_image"]

"""The comparison window's overlay size control: B drawn smaller or larger over A."""

from __future__ import annotations

import numpy as np
import pytest
from test_ui_compare import clips, on_screen, window  # noqa: F401 - the shared fixtures
from ui_helpers import qimage_to_rgb

from judgeapp.app.compare import overlay_placement


def _view_pixel(view, image_a, ax: float, ay: float) -> np.ndarray:
    """The overlay view's pixel showing A's pixel (ax, ay) (the view's own fit of A)."""
    scale = min(view.width() / image_a.width(), view.height() / image_a.height())
    x0 = (view.width() - image_a.width() * scale) / 2
    y0 = (view.height() - image_a.height() * scale) / 2
    picture = qimage_to_rgb(view.grab().toImage())
    return picture[int(y0 + ay * scale), int(x0 + ax * scale)].astype(int)


def test_size_slider_scales_b_over_a(qtbot, window) -> None:  # noqa: F811
    on_screen(qtbot, window)
    window.overlay_button.setChecked(True)
    window.opacity_slider.setValue(100)  # B alone where it covers A
    window.seek(1.0)
    on_screen(qtbot, window)
    qtbot.waitUntil(lambda: window.overlay_view.image_b is not None, timeout=15_000)
    view = window.overlay_view
    a = view.image_a
    a_rgb = qimage_to_rgb(a)
    high = (a.width() / 2, a.height() * 0.1)  # inside B at full size, above it at half size
    assert np.abs(_view_pixel(view, a, *high) - a_rgb[int(high[1]), int(high[0])]).max() > 30
    window.scale_slider.setValue(50)
    settings = window.transport.comparison.overlay
    assert settings.scale == pytest.approx(0.5) and view.settings == settings
    x, y, w, h = overlay_placement((a.width(), a.height()), (9, 16), settings)
    assert y > high[1]  # B now starts below that point
    assert np.abs(_view_pixel(view, a, *high) - a_rgb[int(high[1]), int(high[0])]).max() < 30

"""Geometric preprocessing: the crops and resizes each profile's weights expect."""

from __future__ import annotations

import numpy as np

from judgeapp.features.preprocess import center_crop_or_pad, paper_frame, s3d_frame, square_crop

RED = (255, 0, 0)
GREY = (128, 128, 128)


def _framed(height: int, width: int, border: float) -> np.ndarray:
    """A grey frame with a red border, `border` of the height (width) at top and bottom (sides)."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = RED
    dy, dx = round(border * height), round(border * width)
    frame[dy : height - dy, dx : width - dx] = GREY
    return frame


def test_s3d_resizes_to_256_and_crops_the_centre_224() -> None:
    # A border of 5% on each side lies inside the 16/256 = 6.25% the centre crop drops.
    out = s3d_frame(_framed(720, 1280, border=0.05))
    assert out.shape == (224, 224, 3) and out.dtype == np.uint8
    assert (np.abs(out.astype(int) - GREY).max(axis=2) <= 2).all()
    # A 9% border reaches into the crop.
    out = s3d_frame(_framed(720, 1280, border=0.09))
    assert (out[0, 112] == RED).all() and (out[112, 0] == RED).all()


def test_paper_crops_224x300_of_a_landscape_frame() -> None:
    # 1280x720 -> 398x224; the 300-wide centre drops 49 columns each side (12.3% of the width).
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[:] = GREY
    frame[:, :200] = RED
    frame[:, -200:] = RED  # 15.6% of the width: partly inside the window
    out = paper_frame(frame)
    assert out.shape == (224, 224, 3)
    assert (out[:, 0] == RED).all() and (out[:, -1] == RED).all()
    frame[:, :] = GREY
    frame[:, :140] = RED  # 10.9%: cropped away
    out = paper_frame(frame)
    assert (np.abs(out.astype(int) - GREY).max(axis=2) <= 2).all()


def test_paper_pads_a_portrait_frame_with_black() -> None:
    # 400x100 (h x w) -> 56x224; padded to 300 wide, squeezed to 224: a ~42 px picture centred.
    frame = np.full((400, 100, 3), 255, np.uint8)
    out = paper_frame(frame)
    assert out.shape == (224, 224, 3)
    assert (out[:, :80] == 0).all() and (out[:, -80:] == 0).all()
    assert (out[:, 100:124] == 255).all()


def test_center_crop_or_pad_matches_torchvision() -> None:
    import torch
    from torchvision.transforms.functional import center_crop

    rng = np.random.default_rng(1)
    for height, width in [(224, 301), (224, 299), (225, 300), (224, 56), (223, 57), (230, 410)]:
        image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        ours = center_crop_or_pad(image, 224, 300)
        theirs = center_crop(torch.from_numpy(image).permute(2, 0, 1), [224, 300])
        assert np.array_equal(ours, theirs.permute(1, 2, 0).numpy()), (height, width)


def test_square_crop_keeps_colour_and_dtype() -> None:
    crop = np.zeros((50, 30, 3), np.uint8)
    crop[:] = (10, 200, 30)
    out = square_crop(crop)
    assert out.shape == (224, 224, 3) and out.dtype == np.uint8 and out.flags.c_contiguous
    assert (out == (10, 200, 30)).all()


def test_shrinking_averages_instead_of_aliasing() -> None:
    # A 1-pixel checkerboard is mid grey once shrunk; point sampling would keep black and white.
    yy, xx = np.mgrid[0:1080, 0:1920]
    board = np.repeat((((yy + xx) % 2) * 255).astype(np.uint8)[..., None], 3, axis=2)
    out = s3d_frame(board)
    assert np.abs(out.astype(int) - 127.5).max() <= 2

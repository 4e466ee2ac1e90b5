"""Geometric preprocessing on the CPU, right after decoding: full frames shrink to 224x224 at once.

Every function takes and returns RGB uint8 arrays [H, W, 3]. Normalisation (mean, std) is not
here: it runs on the device inside the backbones.
"""

from __future__ import annotations

import cv2
import numpy as np

SIZE = 224


def check_rgb_uint8(image: np.ndarray, what: str = "image") -> None:
    """Raise ValueError unless `image` is a non-empty [H, W, 3] uint8 array."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise ValueError(f"{what}: expected a uint8 numpy array, got {type(image).__name__}")
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"{what}: expected shape [H, W, 3], got {list(image.shape)}")


def resize_rgb(image: np.ndarray, width: int, height: int, shrink_area: bool = True) -> np.ndarray:
    """Resize to width x height.

    Shrinking uses area averaging (no aliasing) when `shrink_area`, else plain bilinear
    (INTER_LINEAR); enlarging is always bilinear. OpenCV's area averaging is several times
    faster for whole-number factors, so a large shrink first averages k x k blocks (k = the
    whole part of the factor), then area-resizes the remaining factor below 2.
    """
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    if not (shrink_area and width <= w and height <= h):
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
    k = min(w // width, h // height)
    if k >= 2:
        image = cv2.resize(image, (w // k, h // k), interpolation=cv2.INTER_AREA)
        if image.shape[:2] == (height, width):
            return image
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def center_crop_or_pad(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """The centred height x width window; sides shorter than the window are padded with black.

    Same placement as torchvision's `center_crop` (which the ACTION-NET authors' extraction
    uses): padding splits floor before / ceil after, and a crop's offset is the rounded half
    (round half to even) of the excess.
    """
    h, w = image.shape[:2]
    pad_h, pad_w = max(height - h, 0), max(width - w, 0)
    if pad_h or pad_w:
        image = cv2.copyMakeBorder(
            image,
            pad_h // 2,
            pad_h - pad_h // 2,
            pad_w // 2,
            pad_w - pad_w // 2,
            cv2.BORDER_CONSTANT,
            value=(0, 0, 0),
        )
        h, w = image.shape[:2]
    top = int(round((h - height) / 2.0))
    left = int(round((w - width) / 2.0))
    return np.ascontiguousarray(image[top : top + height, left : left + width])


def s3d_frame(frame: np.ndarray) -> np.ndarray:
    """torchvision S3D KINETICS400_V1: resize to 256x256 (aspect not kept), centre crop 224.

    The weights entry's own transform resizes with bilinear interpolation without antialias;
    we shrink with area averaging instead, which is what a 256x256 bilinear resize sees on the
    low-resolution Kinetics clips, without the aliasing a full-HD frame would suffer.
    """
    check_rgb_uint8(frame, "frame")
    return center_crop_or_pad(resize_rgb(frame, 256, 256), SIZE, SIZE)


def paper_frame(frame: np.ndarray) -> np.ndarray:
    """The ACTION-NET authors' I3D geometry: height 224 keeping the aspect, centre 224x300, 224x224.

    As in their extraction script: the first resize is OpenCV's bilinear (INTER_LINEAR) to
    width round(w / h * 224); the 224x300 (h x w) centre window is padded with black on both
    sides when the frame is narrower than 300 (torchvision's CenterCrop pads with zeros), so a
    portrait video keeps its whole picture at the same horizontal squeeze as a landscape one;
    the last 300 -> 224 squeeze averages areas (their PIL bilinear resize is antialiased too).
    """
    check_rgb_uint8(frame, "frame")
    h, w = frame.shape[:2]
    width = max(int(w / h * SIZE + 0.5), 1)
    scaled = resize_rgb(frame, width, SIZE, shrink_area=False)
    window = center_crop_or_pad(scaled, SIZE, 300)
    return resize_rgb(window, SIZE, SIZE)


def square_crop(crop: np.ndarray) -> np.ndarray:
    """An athlete crop resized to 224x224 (aspect not kept), as both profiles' static streams do."""
    check_rgb_uint8(crop, "crop")
    return np.ascontiguousarray(resize_rgb(crop, SIZE, SIZE))

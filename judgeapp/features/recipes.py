"""The current version of every feature profile's recipe, without importing PyTorch.

A recipe version changes whenever what a profile computes changes (a resize, a sampling
position, a network detail): features, cached entries and stored results of another version
are never mixed with the current one. `profiles.Profile.recipe` reads this table; the GUI reads
it to decide whether a stored result is still what an analysis would give today.
"""

from __future__ import annotations

RECIPE_VERSIONS: dict[str, int] = {
    "torchvision": 1,
    # 1: OpenCV resizing, samples from t = 0, I3D batch-norm eps 1e-3.
    # 2: the authors' code (docs/training.md): eps 1e-5, PIL bilinear resizing, last frame of
    #    each 0.2 s / 1 s interval, JPEG round trip of the 1 fps frames.
    # 3: their frame buffer too: the stride stretched by whole frames on short videos, and the
    #    last segment that ends with a blank frame (video.sampling, features.blank_tail).
    "paper": 3,
    # 1: GDLT's rg_swintx.py (features/swin.py); 25 fps by nearest frame for other rates.
    "vst": 1,
}


# Profiles whose features have a dynamic stream only (no athlete crops).
DYNAMIC_ONLY_PROFILES = frozenset({"vst"})

# (dynamic, static) feature sizes of each profile (static 0: no static stream); the
# `profiles.Profile` dims, for deciding without PyTorch whether a head fits a profile.
FEATURE_SIZES: dict[str, tuple[int, int]] = {
    "torchvision": (1024, 2048),
    "paper": (1024, 2048),
    "vst": (1024, 0),
}


def current_recipe(profile: str) -> int | None:
    """The recipe version this judgeapp computes for `profile` (None: an unknown profile)."""
    return RECIPE_VERSIONS.get(profile)

"""Proving a weights file usable when no full published hash can vouch for it.

A file whose full SHA-256 is published is the published file once its hash matches. A file
with only a hash prefix (torchvision's S3D) or no hash at all (the authors' I3D) could be
anything of the right name, so before it is installed it is loaded the way an analysis loads
it: read without unpickling code (`torch.load(weights_only=True)`) and put into the network of
the profile that uses it with `strict=True`, which checks every name and shape.
"""

from __future__ import annotations

from pathlib import Path

from judgeapp.core.errors import WeightsError
from judgeapp.weights.loading import read_state_dict
from judgeapp.weights.registry import WeightsFile


def needs_loading(entry: WeightsFile) -> bool:
    """Whether only loading `entry` can show that a file is it (no full published hash)."""
    return entry.hash_check != "sha256"


def prove_usable(entry: WeightsFile, path: Path, label: str) -> None:
    """Load `path` as the profile that uses `entry` would; WeightsError naming `label` if not.

    Files with a full published hash pass untouched (the hash check already proved them).
    """
    if not needs_loading(entry):
        return
    from judgeapp.features.profiles import PROFILES  # imports torch: only when installing
    from judgeapp.weights.convert import CONVERSIONS, convert_file

    try:
        if entry.name in CONVERSIONS:  # published in another layout: converted, then loaded
            convert_file(entry, path)
            return
        state = read_state_dict(path)
        for profile in PROFILES.values():
            if profile.dynamic_weights == entry.name:
                profile.build_dynamic(state)
                return
            if profile.static_weights == entry.name:
                profile.build_static(state)
                return
    except WeightsError as exc:
        message = str(exc).replace(str(path), label)
        if not message.startswith(label):
            message = f"{label}: {message}"
        raise WeightsError(message) from None
    raise WeightsError(
        f"{label}: no feature profile uses {entry.name} and it has no published hash, so "
        "nothing can prove it usable"
    )

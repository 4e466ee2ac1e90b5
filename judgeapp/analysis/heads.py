"""Finding and loading the head an analysis scores with."""

from __future__ import annotations

from pathlib import Path

from judgeapp.core.errors import CheckpointError, ProfileMismatchError
from judgeapp.core.paths import cache_dir
from judgeapp.model import ActionNet, ModelCard, load_checkpoint, random_head

RANDOM = "random"


def installed_heads_dir() -> Path:
    """Where model packs put trained heads (`judgeapp models install`)."""
    return cache_dir() / "heads"


def find_installed_head(profile: str | None) -> Path | None:
    """The newest installed head checkpoint for `profile` (any profile when None)."""
    folder = installed_heads_dir()
    if not folder.is_dir():
        return None
    candidates = sorted(folder.glob("*.safetensors"), key=lambda p: p.stat().st_mtime)
    for path in reversed(candidates):
        try:
            _, card = load_checkpoint(path)
        except CheckpointError:
            continue
        if profile is None or card.profile == profile:
            return path
    return None


def load_head(
    model: str | None, profile: str | None, default_profile: str, dims_for
) -> tuple[ActionNet, ModelCard, str]:
    """The head for an analysis, its card and the profile the features must use.

    model: a checkpoint path, "random" or None (the installed head, if any).
    dims_for: profile name -> (dynamic_dim, static_dim), for a random head.
    """
    if model == RANDOM:
        name = profile or default_profile
        dynamic_dim, static_dim = dims_for(name)
        head, card = random_head(name, dynamic_dim, static_dim, seed=0)
        return head, card, name
    if model is None:
        found = find_installed_head(profile)
        if found is None:
            raise CheckpointError(
                f"no trained model installed in {installed_heads_dir()}: pass --model CKPT, "
                "install a model pack (judgeapp models install PACK), train one "
                "(judgeapp train), or use --model random for an untrained head"
            )
        model = str(found)
    head, card = load_checkpoint(model)
    if profile is not None and card.profile != profile:
        raise ProfileMismatchError(
            f"{model}: this head was trained on '{card.profile}' features, "
            f"not '{profile}'; use --profile {card.profile}"
        )
    return head, card, card.profile

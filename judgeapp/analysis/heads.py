"""Finding and loading the head an analysis scores with."""

from __future__ import annotations

from pathlib import Path

from judgeapp.core.errors import CheckpointError, ProfileMismatchError
from judgeapp.model import ActionNet, ModelCard, random_head
from judgeapp.model.model_set import ModelSet, load_scoring_model
from judgeapp.weights.heads import heads_dir, newest_head

RANDOM = "random"


def installed_heads_dir() -> Path:
    """Where installed trained heads live (`judgeapp.weights.heads.heads_dir`)."""
    return heads_dir()


def find_installed_head(profile: str | None) -> Path | None:
    """The newest installed head checkpoint for `profile` (any profile when None).

    Only the files' headers (model cards) are read; a file that is no readable head is skipped.
    """
    found = newest_head(profile)
    return None if found is None else found.path


def no_head_message(profile: str | None) -> str:
    """What to do when no head is installed (for `profile`, when given)."""
    which = f"for the '{profile}' profile " if profile else ""
    return (
        f"no trained model {which}installed in {heads_dir()}: pass --model CKPT, install a "
        "model pack that holds a trained head (judgeapp models install PACK) or a head file "
        "(judgeapp models install HEAD.safetensors), train one (judgeapp train), or use "
        "--model random for an untrained head"
    )


def head_path(model: str | None, profile: str | None) -> Path | None:
    """The checkpoint file an analysis with `model` uses (None for the random head).

    model: a checkpoint path, "random" or None (the newest installed head for `profile`).
    """
    if model == RANDOM:
        return None
    if model is None:
        found = find_installed_head(profile)
        if found is None:
            raise CheckpointError(no_head_message(profile))
        return found
    return Path(model)


def load_head(
    model: str | None, profile: str | None, default_profile: str, dims_for
) -> tuple[ActionNet | ModelSet, ModelCard, str]:
    """The head (or model set) for an analysis, its card and the profile the features must use.

    model: a checkpoint or model set path, "random" or None (the newest installed head, if
    any). For a set the card is its main card (`SetCard.main_card`).
    dims_for: profile name -> (dynamic_dim, static_dim), for a random head.
    """
    if model == RANDOM:
        name = profile or default_profile
        dynamic_dim, static_dim = dims_for(name)
        # A profile without a static stream (static_dim 0) gets the GDLT head, which needs none.
        kind = "gdlt" if static_dim == 0 else "actionnet"
        head, card = random_head(name, dynamic_dim, static_dim, seed=0, kind=kind)
        return head, card, name
    model = str(head_path(model, profile))
    head, card = load_scoring_model(model)
    if profile is not None and card.profile != profile:
        raise ProfileMismatchError(
            f"{model}: this model was trained on '{card.profile}' features, "
            f"not '{profile}'; use --profile {card.profile}"
        )
    return head, card, card.profile

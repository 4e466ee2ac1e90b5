"""Loading the head an analysis scores with (which head it is: `weights.head_resolver`)."""

from __future__ import annotations

from judgeapp.core.errors import CheckpointError, ProfileMismatchError
from judgeapp.model import ActionNet, ModelCard, random_head
from judgeapp.model.model_set import ModelSet, load_scoring_model
from judgeapp.weights.head_resolver import HeadChoice, resolve_head


def load_head(
    model: str | None,
    profile: str | None,
    default_profile: str,
    dims_for,
    choice: HeadChoice | None = None,
) -> tuple[ActionNet | ModelSet, ModelCard, str]:
    """The head (or model set) for an analysis, its card and the profile the features must use.

    model: a checkpoint or model set path, "random" or None (the installed head,
    `resolve_head`). choice: that head when the caller resolved it already (the heads folder
    is then not read again). For a set the card is its main card (`SetCard.main_card`).
    dims_for: profile name -> (dynamic_dim, static_dim), for a random head.
    """
    choice = choice or resolve_head(model, profile)
    if choice.untrained:
        name = profile or default_profile
        dynamic_dim, static_dim = dims_for(name)
        # A profile without a static stream (static_dim 0) gets the GDLT head, which needs none.
        kind = "gdlt" if static_dim == 0 else "actionnet"
        head, card = random_head(name, dynamic_dim, static_dim, seed=0, kind=kind)
        return head, card, name
    if choice.path is None:
        raise CheckpointError(choice.missing)
    head, card = load_scoring_model(str(choice.path))
    if profile is not None and card.profile != profile:
        raise ProfileMismatchError(
            f"{choice.path}: this model was trained on '{card.profile}' features, "
            f"not '{profile}'; use --profile {card.profile}"
        )
    return head, card, card.profile

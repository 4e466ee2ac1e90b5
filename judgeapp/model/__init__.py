"""The ACTION-NET head, its ablation variants, and its checkpoints with their model cards.

The card, the head configuration and `read_model_card` need no PyTorch and are imported at
once; the network and the checkpoint functions import torch on first use, so code that only
reads model cards (the GUI listing installed heads) never pays for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from judgeapp.model.card import ModelCard, card_is_calibrated
from judgeapp.model.config import HeadConfig
from judgeapp.model.header import read_model_card

if TYPE_CHECKING:
    from judgeapp.model.checkpoint import load_checkpoint, random_head, save_checkpoint
    from judgeapp.model.head import ActionNet, ActionNetOutput

_LAZY = {
    "ActionNet": "judgeapp.model.head",
    "ActionNetOutput": "judgeapp.model.head",
    "load_checkpoint": "judgeapp.model.checkpoint",
    "random_head": "judgeapp.model.checkpoint",
    "save_checkpoint": "judgeapp.model.checkpoint",
}

__all__ = [
    "ActionNet",
    "ActionNetOutput",
    "HeadConfig",
    "ModelCard",
    "card_is_calibrated",
    "load_checkpoint",
    "random_head",
    "read_model_card",
    "save_checkpoint",
]


def __getattr__(name: str) -> Any:
    """Import the torch-based names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

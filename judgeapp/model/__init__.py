"""The ACTION-NET head, its ablation variants, and its checkpoints with their model cards."""

from judgeapp.model.card import ModelCard, card_is_calibrated
from judgeapp.model.checkpoint import load_checkpoint, random_head, save_checkpoint
from judgeapp.model.config import HeadConfig
from judgeapp.model.head import ActionNet, ActionNetOutput

__all__ = [
    "ActionNet",
    "ActionNetOutput",
    "HeadConfig",
    "ModelCard",
    "card_is_calibrated",
    "load_checkpoint",
    "random_head",
    "save_checkpoint",
]

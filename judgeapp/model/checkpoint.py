"""Head checkpoints: safetensors files whose metadata holds the JSON model card.

Loading never unpickles: a pickle or a PyTorch zip archive is recognised by its first bytes and
refused before any library reads it, and safetensors itself only parses JSON and raw tensors.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from judgeapp.core.errors import CheckpointError
from judgeapp.core.files import atomic_path
from judgeapp.model.card import ModelCard
from judgeapp.model.gdlt import GDLTHead
from judgeapp.model.gdlt_config import GDLTConfig
from judgeapp.model.head import ActionNet
from judgeapp.model.header import CARD_KEY, card_from_metadata, check_file_kind, one_line

__all__ = ["CARD_KEY", "load_checkpoint", "random_head", "save_checkpoint"]


def save_checkpoint(path: str | Path, model: ActionNet | GDLTHead, card: ModelCard) -> ModelCard:
    """Write the head's weights and its card to `path` atomically; return the card written.

    The card's `head` is set from the model's own configuration, so they cannot disagree.
    """
    card = dataclasses.replace(card, head=model.config.to_dict())
    tensors = {
        name: tensor.detach().to("cpu").contiguous().clone()
        for name, tensor in model.state_dict().items()
    }
    with atomic_path(path, suffix=".safetensors") as tmp:
        save_file(tensors, str(tmp), metadata={CARD_KEY: card.to_json()})
    return card


def read_safetensors(path: Path) -> tuple[dict[str, str], dict[str, torch.Tensor]]:
    """A checkpoint file's metadata and tensors (on the CPU), after its kind is checked.

    Raises CheckpointError, one line naming the file, for a missing, empty, truncated or
    non-safetensors file (heads and model sets alike).
    """
    check_file_kind(path)
    try:
        with safe_open(str(path), framework="pt", device="cpu") as reader:
            metadata = reader.metadata() or {}
            tensors = {name: reader.get_tensor(name) for name in reader.keys()}
    except (SafetensorError, OSError, ValueError) as exc:
        reason = one_line(exc)
        raise CheckpointError(f"{path}: not a readable safetensors file ({reason})") from None
    return metadata, tensors


def load_checkpoint(
    path: str | Path, device: str | torch.device = "cpu"
) -> tuple[ActionNet | GDLTHead, ModelCard]:
    """Read a head checkpoint; returns the head (in eval mode, on `device`) and its card.

    Raises CheckpointError, one line naming the file, for a missing, empty, truncated or
    non-safetensors file, a missing or invalid card, or weights that do not fit the card's head.
    """
    path = Path(path)
    metadata, tensors = read_safetensors(path)
    card = card_from_metadata(path, metadata)
    try:
        # Sizes come from the card: check them against the file's tensors on the meta device
        # (no memory) before anything of that size is allocated.
        with torch.device("meta"):
            skeleton = head_from_config(card.head_config)
    except (ValueError, TypeError, RuntimeError, OverflowError) as exc:
        raise CheckpointError(f"{path}: invalid model card ({one_line(exc)[:200]})") from None
    state = _matching_state(path, skeleton, tensors)
    model = head_from_config(card.head_config)
    model.load_state_dict(state, strict=True)
    return model.to(device).eval(), card


def head_from_config(config) -> ActionNet | GDLTHead:
    """The network a card's head configuration describes (ACTION-NET or GDLT)."""
    if isinstance(config, GDLTConfig):
        return GDLTHead.from_config(config)
    return ActionNet.from_config(config)


def random_head(
    profile: str,
    dynamic_dim: int,
    static_dim: int,
    seed: int = 0,
    routine: str = "unknown",
    target: str = "total",
    score_max: float = 25.0,
    kind: str = "actionnet",
) -> tuple[ActionNet | GDLTHead, ModelCard]:
    """An untrained head with seeded random weights, and a card that says so: the paper's
    ACTION-NET, or GDLT (kind "gdlt", the dynamic stream only; static_dim is then unused)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "gdlt":
            model = GDLTHead(dynamic_dim=dynamic_dim)
        else:
            model = ActionNet(dynamic_dim=dynamic_dim, static_dim=static_dim)
    card = ModelCard(
        name=f"random-{profile}-seed{seed}",
        head=model.config.to_dict(),
        profile=profile,
        routine=routine,
        target=target,
        score_max=score_max,
        trained_on="nothing: random initial weights",
        seed=seed,
        backbones_pretrained=None,
        trained=False,
    )
    return model.eval(), card


def _matching_state(
    path: Path, model: ActionNet | GDLTHead, tensors: dict[str, torch.Tensor]
) -> dict[str, torch.Tensor]:
    """The file's tensors, checked against the head's own names, shapes and dtypes."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    if missing:
        raise CheckpointError(
            f"{path}: weights do not match the card's head: {len(missing)} missing "
            f"(first: {missing[0]})"
        )
    unexpected = sorted(set(tensors) - set(expected))
    if unexpected:
        raise CheckpointError(
            f"{path}: weights do not match the card's head: {len(unexpected)} unexpected "
            f"(first: {unexpected[0]})"
        )
    state = {}
    for name, reference in expected.items():
        tensor = tensors[name]
        if tensor.shape != reference.shape:
            raise CheckpointError(
                f"{path}: weights do not match the card's head: {name} is "
                f"{list(tensor.shape)}, expected {list(reference.shape)}"
            )
        if not tensor.is_floating_point() and reference.is_floating_point():
            raise CheckpointError(f"{path}: {name} holds {tensor.dtype}, not floating point")
        if not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"{path}: {name} holds NaN or infinite values")
        state[name] = tensor.to(reference.dtype)
    return state

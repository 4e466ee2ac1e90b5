"""Model sets: several targets, several members (seeds) each, in one safetensors file.

`save_model_set` writes the members' tensors (`TARGET.INDEX.PARAM`) and the set card
(`judgeapp.model_set` metadata); `load_model_set` reads it back through the same checks as a
one-head checkpoint (no pickle, names, shapes, dtypes, finite values). `predict_set` runs every
member through the one prediction path (`model.predict.score_videos`) on the same features, so
the backbones run once per video whatever the set's size.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

from judgeapp.core.errors import CheckpointError
from judgeapp.core.files import atomic_path
from judgeapp.core.results import TargetScore
from judgeapp.model.card import ModelCard
from judgeapp.model.checkpoint import _matching_state, head_from_config, read_safetensors
from judgeapp.model.gdlt import GDLTHead
from judgeapp.model.head import ActionNet
from judgeapp.model.header import SET_KEY, one_line, set_card_from_metadata
from judgeapp.model.intervals import bounds, spread_only
from judgeapp.model.predict import VideoScore, card_window, score_videos
from judgeapp.model.set_card import SetCard

Head = ActionNet | GDLTHead


@dataclass
class ModelSet:
    """A loaded model set: its card and, per target, the member heads (in the card's order)."""

    card: SetCard
    heads: dict[str, list[Head]]

    @property
    def main_card(self) -> ModelCard:
        return self.card.main_card()

    def to(self, device: str | torch.device) -> ModelSet:
        for heads in self.heads.values():
            for head in heads:
                head.to(device)
        return self


def save_model_set(path: str | Path, card: SetCard, heads: dict[str, list[Head]]) -> SetCard:
    """Write a set atomically; each member card's `head` is set from its network."""
    if set(heads) != set(card.targets) or any(len(heads[t]) != len(card.targets[t]) for t in heads):
        raise ValueError("a model set needs one network per member card")
    targets = {
        t: tuple(
            dataclasses.replace(c, head=h.config.to_dict())
            for c, h in zip(card.targets[t], heads[t], strict=True)
        )
        for t in card.targets
    }
    card = dataclasses.replace(card, targets=targets)
    tensors = {
        f"{target}.{index}.{name}": tensor.detach().to("cpu").contiguous().clone()
        for target, members in heads.items()
        for index, head in enumerate(members)
        for name, tensor in head.state_dict().items()
    }
    with atomic_path(path, suffix=".safetensors") as tmp:
        save_file(tensors, str(tmp), metadata={SET_KEY: card.to_json()})
    return card


def is_model_set(path: str | Path) -> bool:
    """Whether `path` is a safetensors file whose metadata holds a set card (header only)."""
    from judgeapp.model.header import read_set_card

    return read_set_card(path) is not None


def load_model_set(path: str | Path, device: str | torch.device = "cpu") -> ModelSet:
    """Read a model set; CheckpointError, one line naming the file, for anything wrong."""
    path = Path(path)
    metadata, tensors = read_safetensors(path)
    card = set_card_from_metadata(path, metadata)
    heads: dict[str, list[Head]] = {}
    used: set[str] = set()
    for target, members in card.targets.items():
        heads[target] = []
        for index, member in enumerate(members):
            prefix = f"{target}.{index}."
            own = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
            used.update(prefix + k for k in own)
            try:
                with torch.device("meta"):
                    skeleton = head_from_config(member.head_config)
            except (ValueError, TypeError, RuntimeError, OverflowError) as exc:
                raise CheckpointError(
                    f"{path}: invalid member card {target} {index} ({one_line(exc)[:200]})"
                ) from None
            state = _matching_state(Path(f"{path} [{target} {index}]"), skeleton, own)
            head = head_from_config(member.head_config)
            head.load_state_dict(state, strict=True)
            heads[target].append(head.to(device).eval())
    stray = sorted(set(tensors) - used)
    if stray:
        raise CheckpointError(
            f"{path}: {len(stray)} tensors belong to no member of the set (first: {stray[0]})"
        )
    return ModelSet(card, heads)


def load_scoring_model(
    path: str | Path, device: str | torch.device = "cpu"
) -> tuple[Head | ModelSet, ModelCard]:
    """A one-head checkpoint or a model set, whichever `path` holds, with its (main) card."""
    from judgeapp.model.checkpoint import load_checkpoint

    if is_model_set(path):
        model_set = load_model_set(path, device)
        return model_set, model_set.main_card
    return load_checkpoint(path, device)


@dataclass
class TargetPredictions:
    """One target's predictions for V videos: members [V, K] in score units, and each video's
    attention averaged over the members (lists of per-video arrays over all instances)."""

    members: np.ndarray
    dynamic_attention: list[np.ndarray]
    static_attention: list[np.ndarray]
    score_max: float

    @property
    def mean(self) -> np.ndarray:
        return self.members.mean(axis=1)


def predict_set(
    model_set: ModelSet,
    dynamic: list[np.ndarray],
    static: list[np.ndarray],
    device: str | torch.device = "cpu",
) -> dict[str, TargetPredictions]:
    """Every member on the same features; per target the members' scores and mean attention."""
    out = {}
    for target, heads in model_set.heads.items():
        cards = model_set.card.targets[target]
        scores, dyn, stat = [], [], []
        for head, card in zip(heads, cards, strict=True):
            predicted = score_videos(head, card, dynamic, static, device)
            scores.append(np.clip(predicted.scores, 0.0, card.score_max))
            pairs = [
                predicted.video_attention(v, len(dynamic[v]), len(static[v]))
                for v in range(len(dynamic))
            ]
            dyn.append([p[0] for p in pairs])
            stat.append([p[1] for p in pairs])
        out[target] = TargetPredictions(
            members=np.stack(scores, axis=1),
            dynamic_attention=[np.mean([m[v] for m in dyn], axis=0) for v in range(len(dynamic))],
            static_attention=[np.mean([m[v] for m in stat], axis=0) for v in range(len(static))],
            score_max=cards[0].score_max,
        )
    return out


def target_interval(
    model_set: ModelSet, target: str, members: np.ndarray
) -> tuple[float, float, float]:
    """One video's (value, low, high) for `target` from its members' scores [K]."""
    score_max = model_set.card.targets[target][0].score_max
    value = float(np.clip(np.mean(members), 0.0, score_max))
    calibration = model_set.card.intervals.get(target)
    if calibration is None:
        low, high = spread_only(members, score_max)
    else:
        lows, highs = bounds(
            np.asarray(members)[None, :], calibration.scale, calibration.spread_floor, score_max
        )
        low, high = float(lows[0]), float(highs[0])
    return value, min(low, value), max(high, value)


def score_set_video(
    model_set: ModelSet, dynamic: np.ndarray, static: np.ndarray
) -> tuple[VideoScore, dict[str, TargetScore]]:
    """One video through every member: the main target's VideoScore (its value and mean
    attention, for the result's `score` / `dynamic` / `static`) and every target's score."""
    predictions = predict_set(model_set, [dynamic], [static])
    scores = {}
    for target, predicted in predictions.items():
        value, low, high = target_interval(model_set, target, predicted.members[0])
        calibration = model_set.card.intervals.get(target)
        scores[target] = TargetScore(
            value=value,
            low=low,
            high=high,
            members=tuple(float(m) for m in predicted.members[0]),
            score_max=predicted.score_max,
            coverage=None if calibration is None else calibration.coverage,
            mean_width=None if calibration is None else calibration.mean_width,
            dynamic=tuple(float(w) for w in predicted.dynamic_attention[0]),
            static=tuple(float(w) for w in predicted.static_attention[0]),
        )
    main = model_set.card.main_target
    window = card_window(model_set.card.targets[main][0])
    dyn_start = _first_start(len(dynamic), window.segments)
    stat_start = _first_start(len(static), window.frames)
    return (
        VideoScore(
            score=scores[main].value,
            dynamic_attention=predictions[main].dynamic_attention[0].astype(np.float32),
            static_attention=predictions[main].static_attention[0].astype(np.float32),
            dynamic_start=dyn_start,
            static_start=stat_start,
            window_segments=min(window.segments or len(dynamic), len(dynamic)),
            window_frames=min(window.frames or len(static), len(static)),
        ),
        scores,
    )


def _first_start(length: int, window: int | None) -> int:
    """Where a centred window of `window` instances starts in a video of `length`."""
    if window is None or window >= length:
        return 0
    return (length - window) // 2

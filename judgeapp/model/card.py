"""The model card: what a head checkpoint is, what it was trained on and how well it did."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from judgeapp.model.config import HeadConfig
from judgeapp.model.gdlt_config import GDLTConfig, head_config_from_dict

CARD_FORMAT_VERSION = 1
MAX_CARD_CHARS = 1 << 20  # a real card is about 1 KB
TARGETS = ("total", "difficulty", "execution")


def now_iso() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ModelCard:
    """Metadata stored as JSON inside every head checkpoint.

    head: HeadConfig.to_dict() of the head. profile: the feature profile the head expects.
    routine: apparatus or sport ("ball", "clubs", ..., "unknown"). target: which score it
    predicts; score_max: the range the sigmoid output is multiplied by. trained_on: a
    description of the training data; protocol: the training settings. val/test_spearman: the
    validation and test rank correlations (None when not measured). backbones_pretrained: whether
    the features it was trained on came from pretrained backbones (None: unknown or untrained).
    trained: False for a randomly initialised head.
    """

    name: str
    head: dict[str, Any]
    profile: str
    routine: str = "unknown"
    target: str = "total"
    score_max: float = 25.0
    trained_on: str = ""
    protocol: dict[str, Any] = field(default_factory=dict)
    val_spearman: float | None = None
    test_spearman: float | None = None
    seed: int | None = None
    created: str = field(default_factory=now_iso)
    backbones_pretrained: bool | None = None
    trained: bool = False
    format_version: int = CARD_FORMAT_VERSION

    def __post_init__(self) -> None:
        _check_type("format_version", self.format_version, int)
        if self.format_version != CARD_FORMAT_VERSION:
            raise ValueError(
                f"model card format_version {self.format_version} is not supported "
                f"(this judgeapp reads version {CARD_FORMAT_VERSION})"
            )
        for name in ("name", "profile", "routine", "target", "trained_on", "created"):
            _check_type(name, getattr(self, name), str)
        if not self.name or not self.profile:
            raise ValueError("model card needs a non-empty name and profile")
        if self.target not in TARGETS:
            raise ValueError(f"model card target must be one of {TARGETS}, not {self.target!r}")
        _check_type("score_max", self.score_max, float)
        if not (math.isfinite(self.score_max) and self.score_max > 0):
            raise ValueError(f"model card score_max must be positive, not {self.score_max!r}")
        object.__setattr__(self, "score_max", float(self.score_max))
        _check_type("head", self.head, dict)
        head_config_from_dict(self.head)
        _check_type("protocol", self.protocol, dict)
        for name in ("val_spearman", "test_spearman"):
            value = getattr(self, name)
            if value is not None:
                _check_type(name, value, float)
                object.__setattr__(self, name, float(value))
        if self.seed is not None:
            _check_type("seed", self.seed, int)
        if self.backbones_pretrained is not None:
            _check_type("backbones_pretrained", self.backbones_pretrained, bool)
        _check_type("trained", self.trained, bool)

    @property
    def head_config(self) -> HeadConfig | GDLTConfig:
        """ACTION-NET's configuration, or GDLT's when the head dict says `"kind": "gdlt"`."""
        return head_config_from_dict(self.head)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        """Rebuild from `to_dict()`; missing, unknown or badly typed fields raise ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"model card must be a JSON object, not {type(data).__name__}")
        if "format_version" not in data:
            raise ValueError("model card has no format_version")
        _check_type("format_version", data["format_version"], int)
        if data["format_version"] != CARD_FORMAT_VERSION:
            raise ValueError(
                f"model card format_version {data['format_version']} is not supported "
                f"(this judgeapp reads version {CARD_FORMAT_VERSION})"
            )
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"model card has unknown fields: {', '.join(unknown)}")
        missing = sorted(names - set(data))
        if missing:
            raise ValueError(f"model card lacks fields: {', '.join(missing)}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        return cls.from_dict(card_json(text, "model card", MAX_CARD_CHARS))


def card_json(text: str, what: str, max_chars: int) -> Any:
    """The JSON of a card (`what` names it in the messages); one that is too long, malformed or
    nested too deeply raises ValueError."""
    if len(text) > max_chars:
        raise ValueError(f"{what} is larger than {max_chars} characters")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ValueError(f"{what} JSON is nested too deeply") from None


# Where each graph of the head comes from, in the words every card carries (`describe_head`).
# How far apart the two graphs' scores are on the same weights: docs/training.md (measured).
ADJACENCY_TEXT = {
    "feature": (
        "graph from the paper's text (eq. 1: exp(-||f_i - f_j|| / K) on the embeddings, with "
        "self-loops), judgeapp's default; the authors' released code uses the temporal graph"
    ),
    "temporal": (
        "graph from the authors' released code (exp(-|i - j| / K) on the instances' positions, "
        "no self-loops); the paper's text (eq. 1) describes the feature-distance graph"
    ),
}
POOLING_TEXT = {
    "attention": "context-aware attention (TCG-U + ATT-U), the paper's head",
    "average": "average pooling of [f; h] instead of attention (Table 3)",
    "sau": "simple attention unit on the embedding, no graph (Table 3)",
    "lstm_sau": "LSTM (256) context + simple attention unit (Table 3)",
    "bilstm_sau": "Bi-LSTM (128 + 128) context + simple attention unit (Table 3)",
    "rta": "RTA's three-filter attention (Doughty et al. 2019) on the embedding (Table 3)",
    "avg_svr": "average pooling + linear SVR (Table 1 baseline)",
    "max_svr": "max pooling + linear SVR (Table 1 baseline)",
    "lstm": "LSTM (256) + one FC layer (Table 1 baseline)",
    "bilstm": "Bi-LSTM (128) + one FC layer (Table 1 baseline)",
}
GRAPH_POOLINGS = ("attention", "average")


def describe_head(head: dict[str, Any]) -> str:
    """A card's head in plain words: the kind, its streams, its pooling and, for heads with a
    graph, whether that graph is the paper's text or the authors' released code."""
    config = head_config_from_dict(head)
    if isinstance(config, GDLTConfig):
        return "GDLT head (Xu et al. 2022), dynamic stream"
    streams = " and ".join(config.streams)
    text = f"ACTION-NET family, {streams} stream{'s' if len(config.streams) > 1 else ''}: "
    text += POOLING_TEXT[config.pooling]
    if config.pooling in GRAPH_POOLINGS:
        text += f"; {ADJACENCY_TEXT[config.adjacency]}"
    return text


def card_is_calibrated(card: ModelCard, backbones_pretrained: bool) -> bool:
    """Whether scores from this head mean anything: a trained head on pretrained backbones.

    A head trained on features of random backbones (card.backbones_pretrained is False) is not
    calibrated either; None (unknown, e.g. the authors' released features) counts as pretrained.
    """
    return bool(card.trained and backbones_pretrained and card.backbones_pretrained is not False)


def card_recipe(card: ModelCard) -> int | None:
    """The recipe version of the features the head was trained on, when its card records one
    (features judgeapp extracted); None for the authors' released features or older cards."""
    data = (card.protocol or {}).get("data")
    train = data.get("train") if isinstance(data, dict) else None
    recipe = train.get("recipe") if isinstance(train, dict) else None
    return recipe if isinstance(recipe, int) and not isinstance(recipe, bool) else None


def _check_type(name: str, value: Any, kind: type) -> None:
    """Raise ValueError unless value is of `kind` (int accepted for float, bool never for int)."""
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and isinstance(value, int) and abs(value) > 2**1023:  # beyond any float
            raise ValueError(f"model card field {name} is out of range")
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ValueError(f"model card field {name} must be {kind.__name__}, not {value!r}")

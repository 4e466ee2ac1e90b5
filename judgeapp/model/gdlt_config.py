"""The configuration of a GDLT-style head (torch-free, as model cards are read without torch),
and the one function that turns any card's `head` dict into its configuration."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from judgeapp.model.config import HeadConfig

GDLT = "gdlt"
ACTIONNET = "actionnet"
HEAD_KINDS = (ACTIONNET, GDLT)


@dataclass(frozen=True)
class GDLTConfig:
    """Constructor arguments of `GDLTHead`; the defaults are the published RG model (README:
    2 decoder layers, 4 queries, dropout 0.3; options.py: 256 hidden, 1 head, 1 encoder layer)."""

    dynamic_dim: int = 1024
    hidden_dim: int = 256
    heads: int = 1
    encoder_layers: int = 1
    decoder_layers: int = 2
    queries: int = 4
    dropout: float = 0.3
    kind: str = GDLT

    def __post_init__(self) -> None:
        for name in ("dynamic_dim", "hidden_dim", "heads", "encoder_layers", "decoder_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if isinstance(self.queries, bool) or not isinstance(self.queries, int) or self.queries < 2:
            raise ValueError(f"queries must be an integer >= 2, not {self.queries!r}")
        if self.hidden_dim % self.heads:
            raise ValueError(f"hidden_dim {self.hidden_dim} is not divisible by heads {self.heads}")
        drop = self.dropout
        if isinstance(drop, bool) or not isinstance(drop, int | float) or not 0 <= drop < 1:
            raise ValueError(f"dropout must be in [0, 1), not {drop!r}")
        object.__setattr__(self, "dropout", float(drop))
        if self.kind != GDLT:
            raise ValueError(f"kind must be {GDLT!r}, not {self.kind!r}")

    @property
    def streams(self) -> tuple[str, ...]:
        return ("dynamic",)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GDLTConfig:
        if not isinstance(data, dict):
            raise ValueError(f"head configuration must be an object, not {type(data).__name__}")
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown gdlt head configuration keys: {', '.join(unknown)}")
        return cls(**data)


def head_config_from_dict(data: dict[str, Any]) -> HeadConfig | GDLTConfig:
    """A card's head configuration: GDLT when it says `"kind": "gdlt"`, else ACTION-NET's."""
    if isinstance(data, dict) and data.get("kind") == GDLT:
        return GDLTConfig.from_dict(data)
    return HeadConfig.from_dict(data)


def head_kind(data: dict[str, Any]) -> str:
    """ "gdlt" or "actionnet" for a card's head dict."""
    return GDLT if isinstance(data, dict) and data.get("kind") == GDLT else ACTIONNET

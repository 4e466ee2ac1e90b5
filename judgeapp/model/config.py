"""The configuration of an ACTION-NET head: everything needed to rebuild it from a checkpoint."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

STREAMS = ("dynamic", "static")
ADJACENCIES = ("feature", "temporal")
POOLINGS = (
    "attention",
    "average",
    "sau",
    # Table 3's other attention variants (model/baselines.py).
    "lstm_sau",
    "bilstm_sau",
    "rta",
    # Table 1's baselines (model/baselines.py).
    "avg_svr",
    "max_svr",
    "lstm",
    "bilstm",
)

# How a head's Linear layers start: "xavier" is the authors' trainer (xavier_uniform weights,
# zero biases; Table 1 was obtained with it), "pytorch" PyTorch's default initialisation.
INIT_SCHEMES = ("xavier", "pytorch")


@dataclass(frozen=True)
class HeadConfig:
    """Constructor arguments of `ActionNet`; the defaults are the paper's head.

    adjacency: "feature" (paper eq. 1, exp(-||f_i - f_j|| / K) plus self-loops) or
        "temporal" (authors' released code, exp(-|i - j| / K), no added self-loops).
    kernel_scale: K of the exponential kernel.
    streams: which streams feed the regressor, always stored in the order (dynamic, static).
    pooling: "attention" (context-aware attention, the paper), "average" (mean over instances of
        [f_i; h_i], ablation) or "sau" (simple attention unit on the embedding f_i alone, no GCN,
        ablation); "lstm_sau" / "bilstm_sau" (an LSTM / Bi-LSTM for context, then a simple
        attention unit), "rta" (three attention filters, Doughty et al. 2019): Table 3;
        "avg_svr" / "max_svr" (pooling + linear SVR), "lstm" / "bilstm" (one FC layer on the
        last state): Table 1's baselines. model/baselines.py describes them.
    dropout: dropout probability in the score regressor.
    """

    dynamic_dim: int = 1024
    static_dim: int = 2048
    adjacency: str = "feature"
    kernel_scale: float = 1.0
    streams: tuple[str, ...] = STREAMS
    pooling: str = "attention"
    dropout: float = 0.5

    def __post_init__(self) -> None:
        for name in ("dynamic_dim", "static_dim"):
            value = getattr(self, name)
            # 0 only for a static stream the head does not use (a dynamic-only profile).
            unused = name == "static_dim" and "static" not in tuple(self.streams)
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or value < (0 if unused else 1)
            ):
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if self.adjacency not in ADJACENCIES:
            raise ValueError(f"adjacency must be one of {ADJACENCIES}, not {self.adjacency!r}")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, not {self.pooling!r}")
        scale = self.kernel_scale
        if (
            isinstance(scale, bool)
            or not isinstance(scale, int | float)
            or not (math.isfinite(scale) and scale > 0)
        ):
            raise ValueError(f"kernel_scale must be a positive number, not {scale!r}")
        object.__setattr__(self, "kernel_scale", float(scale))
        drop = self.dropout
        if isinstance(drop, bool) or not isinstance(drop, int | float) or not 0 <= drop < 1:
            raise ValueError(f"dropout must be in [0, 1), not {drop!r}")
        object.__setattr__(self, "dropout", float(drop))
        streams = self.streams
        if isinstance(streams, str):
            streams = (streams,)
        streams = tuple(streams)
        unknown = [s for s in streams if s not in STREAMS]
        if unknown or not streams or len(set(streams)) != len(streams):
            raise ValueError(
                f"streams must be a non-empty selection of {STREAMS} without repeats, "
                f"not {self.streams!r}"
            )
        object.__setattr__(self, "streams", tuple(s for s in STREAMS if s in streams))

    def input_dim(self, stream: str) -> int:
        """Feature size of one instance of `stream` as the backbone delivers it."""
        return self.dynamic_dim if stream == "dynamic" else self.static_dim

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (streams as a list)."""
        data = asdict(self)
        data["streams"] = list(self.streams)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HeadConfig:
        """Rebuild from `to_dict()` output; unknown keys or bad values raise ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"head configuration must be an object, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown head configuration keys: {', '.join(unknown)}")
        values = dict(data)
        if "streams" in values:
            streams = values["streams"]
            if not isinstance(streams, list | tuple) or not all(
                isinstance(s, str) for s in streams
            ):
                raise ValueError(f"streams must be a list of names, not {streams!r}")
            values["streams"] = tuple(streams)
        return cls(**values)

"""ACTION-NET: the two-stream context-aware attention head and its score regressor (eq. 1-6)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from judgeapp.model.baselines import score_regressor, stream_encoder
from judgeapp.model.config import STREAMS, HeadConfig

REGRESSOR_HIDDEN = 128


@dataclass(frozen=True)
class ActionNetOutput:
    """What the head returns for a batch of B videos.

    score: [B], sigmoid output in (0, 1) (the linear SVR baselines: unbounded); multiply by the
        score range for points.
    dynamic_attention / static_attention: [B, N] / [B, M]; each video's weights sum to 1 over
        its valid instances and are exactly 0 on padding. A stream the head does not use gets
        all-zero weights (it looked at none of its instances), shaped like its input, or
        [B, 0] when no input was given.
    dynamic_feature / static_feature: [B, D] pooled stream features (D = 512, 256 for the
        "sau" ablation, 0 for an unused stream).
    """

    score: torch.Tensor
    dynamic_attention: torch.Tensor
    static_attention: torch.Tensor
    dynamic_feature: torch.Tensor
    static_feature: torch.Tensor


class ActionNet(nn.Module):
    """The ACTION-NET head of Zeng et al. (ACM MM 2020); defaults are the paper's.

    Each used stream: embedding FC+ReLU, FC+ReLU (in -> in/2 -> 256), TCG-U (two 256x256 GCN
    layers on the exponential-kernel graph), ATT-U (512 -> 128 -> 1, softmax over instances),
    weighted sum of [f_i; h_i]. Regressor: concat -> FC 128, ReLU, dropout -> FC 1 -> sigmoid.
    See HeadConfig for the options (adjacency, kernel_scale, streams, pooling, dropout); the
    comparison heads of Tables 1 and 3 are poolings too (model/baselines.py).
    """

    def __init__(
        self,
        dynamic_dim: int = 1024,
        static_dim: int = 2048,
        adjacency: str = "feature",
        kernel_scale: float = 1.0,
        streams: tuple[str, ...] = STREAMS,
        pooling: str = "attention",
        dropout: float = 0.5,
    ):
        super().__init__()
        config = HeadConfig(
            dynamic_dim=dynamic_dim,
            static_dim=static_dim,
            adjacency=adjacency,
            kernel_scale=kernel_scale,
            streams=streams,
            pooling=pooling,
            dropout=dropout,
        )
        self._config = config
        self.encoders = nn.ModuleDict(
            {stream: stream_encoder(config, stream) for stream in config.streams}
        )
        fused_dim = sum(encoder.feature_dim for encoder in self.encoders.values())
        self.regressor = score_regressor(config, fused_dim, REGRESSOR_HIDDEN)

    @classmethod
    def from_config(cls, config: HeadConfig) -> ActionNet:
        return cls(**{**config.to_dict(), "streams": config.streams})

    @property
    def config(self) -> HeadConfig:
        return self._config

    def forward(
        self,
        dynamic: torch.Tensor | None,
        static: torch.Tensor | None,
        dynamic_mask: torch.Tensor | None = None,
        static_mask: torch.Tensor | None = None,
    ) -> ActionNetOutput:
        """Score a batch: dynamic [B, N, Dd], static [B, M, Ds], masks [B, N] / [B, M] bool.

        A mask marks the real instances (True) of zero-padded videos; None means all are real.
        A stream the head does not use may be given (it is ignored) or None.
        """
        inputs = {"dynamic": (dynamic, dynamic_mask), "static": (static, static_mask)}
        batch = self._batch_size(inputs)
        features: dict[str, torch.Tensor] = {}
        attention: dict[str, torch.Tensor] = {}
        for stream in STREAMS:
            instances, mask = inputs[stream]
            if stream in self.encoders:
                mask = self._checked_mask(stream, instances, mask)
                out = self.encoders[stream](instances, mask)
                features[stream], attention[stream] = out.feature, out.attention
            else:
                features[stream], attention[stream] = self._unused(instances, batch)
        fused = torch.cat([features[s] for s in self.config.streams], dim=1)
        score = self.regressor(fused).squeeze(1)
        return ActionNetOutput(
            score=score,
            dynamic_attention=attention["dynamic"],
            static_attention=attention["static"],
            dynamic_feature=features["dynamic"],
            static_feature=features["static"],
        )

    def _batch_size(self, inputs: dict) -> int:
        sizes = set()
        for stream in self.config.streams:
            instances = inputs[stream][0]
            if instances is None:
                raise ValueError(f"this head uses the {stream} stream but got no {stream} input")
            if instances.dim() != 3:
                raise ValueError(
                    f"{stream} input must be [batch, instances, features], "
                    f"not {tuple(instances.shape)}"
                )
            sizes.add(instances.shape[0])
        if len(sizes) != 1:
            raise ValueError(f"dynamic and static inputs have different batch sizes {sizes}")
        return sizes.pop()

    def _checked_mask(
        self, stream: str, instances: torch.Tensor, mask: torch.Tensor | None
    ) -> torch.Tensor:
        batch, count, dim = instances.shape
        expected = self.config.input_dim(stream)
        if dim != expected:
            raise ValueError(f"{stream} features are {dim}-d but this head expects {expected}-d")
        if mask is None:
            mask = torch.ones(batch, count, dtype=torch.bool, device=instances.device)
        if mask.shape != (batch, count) or mask.dtype != torch.bool:
            raise ValueError(
                f"{stream}_mask must be a bool tensor of shape {(batch, count)}, "
                f"not {mask.dtype} {tuple(mask.shape)}"
            )
        if count == 0 or not bool(mask.any(dim=1).all()):
            raise ValueError(f"every video needs at least one {stream} instance")
        return mask

    @staticmethod
    def _unused(instances: torch.Tensor | None, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Feature [B, 0] and all-zero attention for a stream this head ignores."""
        if instances is None:
            empty = torch.zeros(batch, 0)
            return empty, empty.clone()
        count = instances.shape[1] if instances.dim() >= 2 else 0
        feature = instances.new_zeros(batch, 0)
        return feature, instances.new_zeros(batch, count)

"""A GDLT-style head (Xu et al., "Likert Scoring with Grade Decoupling for Long-term Action
Assessment", CVPR 2022), written from the paper and checked against the authors' code.

Clip features [B, N, D] are projected (1x1 conv = per-clip linear, batch norm, ReLU, linear,
batch norm) to `hidden` dims, encoded by a post-norm transformer encoder, and `queries` learned
grade prototypes attend over the clips in a transformer decoder. Each decoded prototype k gives
one logit (the diagonal of a hidden -> queries linear layer); sigmoids normalised to sum 1 are the
video's membership in the grades, and the score is the membership-weighted mean of the grade
values linspace(0, 1, queries), in [0, 1] like ACTION-NET's sigmoid.

The per-clip weight judgeapp shows (timeline, crops, reports) is the last decoder layer's
cross-attention of every prototype over the clips, weighted by the prototype's grade membership:
it sums to 1 over the valid clips. Padded clips are masked out exactly (key padding masks, batch
norm statistics over valid clips only), which the authors' code, trained on zero-padded
fixed-length crops, does not do; on unpadded input both compute the same.

The forward contract is ActionNet's (`model.predict` scores both through one path).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from judgeapp.model.gdlt_config import GDLTConfig
from judgeapp.model.head import ActionNetOutput


@dataclass(frozen=True)
class GDLTOutput(ActionNetOutput):
    """ActionNet's output plus the decoded prototypes [B, queries, hidden] (the triplet loss's
    embeddings) and the grade memberships [B, queries]."""

    embed: torch.Tensor | None = None
    grades: torch.Tensor | None = None


class _EncoderLayer(nn.Module):
    """Post-norm self-attention + feed-forward (ReLU) block."""

    def __init__(self, dim: int, heads: int, ff_dim: int, dropout: float) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.ff = nn.Sequential(
            nn.Linear(dim, ff_dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ff_dim, dim)
        )
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.drop1, self.drop2 = nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        attended, _ = self.attn(x, x, x, key_padding_mask=padding, need_weights=False)
        x = self.norm1(x + self.drop1(attended))
        return self.norm2(x + self.drop2(self.ff(x)))


class _DecoderLayer(nn.Module):
    """Post-norm query self-attention, cross-attention over the clips, feed-forward; returns the
    cross-attention weights (averaged over heads) too."""

    def __init__(self, dim: int, heads: int, ff_dim: int, dropout: float) -> None:
        super().__init__()
        self.self_attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.cross_attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.ff = nn.Sequential(
            nn.Linear(dim, ff_dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ff_dim, dim)
        )
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(dim) for _ in range(3))
        self.drop1, self.drop2, self.drop3 = (nn.Dropout(dropout) for _ in range(3))

    def forward(
        self, q: torch.Tensor, memory: torch.Tensor, padding: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        attended, _ = self.self_attn(q, q, q, need_weights=False)
        q = self.norm1(q + self.drop1(attended))
        attended, weights = self.cross_attn(q, memory, memory, key_padding_mask=padding)
        q = self.norm2(q + self.drop2(attended))
        return self.norm3(q + self.drop3(self.ff(q))), weights


class GDLTHead(nn.Module):
    """The GDLT head on the dynamic stream only (see the module docstring)."""

    def __init__(self, **options: Any) -> None:
        super().__init__()
        config = GDLTConfig(**options)
        self._config = config
        dim, hidden = config.dynamic_dim, config.hidden_dim
        self.in_proj = nn.Sequential(
            nn.Linear(dim, dim // 2),
            nn.BatchNorm1d(dim // 2),
            nn.ReLU(),
            nn.Linear(dim // 2, hidden),
            nn.BatchNorm1d(hidden),
        )
        ff_dim = 3 * hidden
        args = (hidden, config.heads, ff_dim, config.dropout)
        self.encoder = nn.ModuleList(_EncoderLayer(*args) for _ in range(config.encoder_layers))
        self.encoder_norm = nn.LayerNorm(hidden)
        self.decoder = nn.ModuleList(_DecoderLayer(*args) for _ in range(config.decoder_layers))
        self.decoder_norm = nn.LayerNorm(hidden)
        self.prototype = nn.Embedding(config.queries, hidden)
        self.regressor = nn.Linear(hidden, config.queries)
        self.register_buffer("grade_values", torch.linspace(0, 1, config.queries), persistent=False)
        self._reset_transformer()

    def _reset_transformer(self) -> None:
        """As the authors' Transformer: xavier_uniform on every matrix of the encoder/decoder."""
        for module in (self.encoder, self.decoder, self.encoder_norm, self.decoder_norm):
            for param in module.parameters():
                if param.dim() > 1:
                    nn.init.xavier_uniform_(param)

    @classmethod
    def from_config(cls, config: GDLTConfig) -> GDLTHead:
        return cls(**config.to_dict())

    @property
    def config(self) -> GDLTConfig:
        return self._config

    def forward(
        self,
        dynamic: torch.Tensor | None,
        static: torch.Tensor | None = None,
        dynamic_mask: torch.Tensor | None = None,
        static_mask: torch.Tensor | None = None,
    ) -> GDLTOutput:
        """Score a batch: dynamic [B, N, D] clip features, mask [B, N] bool (True = a real clip).

        `static` is ignored (this head has no static stream); its attention comes back all zero.
        """
        if dynamic is None or dynamic.dim() != 3:
            shape = None if dynamic is None else tuple(dynamic.shape)
            raise ValueError(f"dynamic input must be [batch, clips, features], not {shape}")
        batch, count, dim = dynamic.shape
        if dim != self.config.dynamic_dim:
            raise ValueError(
                f"dynamic features are {dim}-d but this head expects {self.config.dynamic_dim}-d"
            )
        if dynamic_mask is None:
            dynamic_mask = torch.ones(batch, count, dtype=torch.bool, device=dynamic.device)
        if count == 0 or not bool(dynamic_mask.any(dim=1).all()):
            raise ValueError("every video needs at least one dynamic instance")
        x = dynamic.new_zeros(batch, count, self.config.hidden_dim)
        x[dynamic_mask] = self.in_proj(dynamic[dynamic_mask])
        padding = ~dynamic_mask
        for layer in self.encoder:
            x = layer(x, padding)
        memory = self.encoder_norm(x)
        q = self.prototype.weight.unsqueeze(0).expand(batch, -1, -1)
        cross = None
        for layer in self.decoder:
            q, cross = layer(q, memory, padding)
        q = self.decoder_norm(q)
        logits = torch.diagonal(self.regressor(q), dim1=-2, dim2=-1)  # [B, queries]
        membership = torch.sigmoid(logits)
        membership = membership / membership.sum(dim=1, keepdim=True)
        score = (membership * self.grade_values).sum(dim=1)
        clip_weights = torch.einsum("bk,bkn->bn", membership, cross)
        clip_weights = clip_weights.masked_fill(padding, 0.0)
        static_count = static.shape[1] if static is not None and static.dim() >= 2 else 0
        return GDLTOutput(
            score=score,
            dynamic_attention=clip_weights,
            static_attention=dynamic.new_zeros(batch, static_count),
            dynamic_feature=q.mean(dim=1),
            static_feature=dynamic.new_zeros(batch, 0),
            embed=q,
            grades=membership,
        )


def triplet_loss(embed: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """GDLT's hardest-triplet loss on the decoded prototypes [B, K, C], cosine distance.

    Every prototype of every video is an anchor; the same prototype in the other videos is a
    positive (its farthest one counts), any other prototype a negative (its nearest counts):
    mean over anchors of relu(hardest positive - hardest negative + margin).
    """
    batch, queries, channels = embed.shape
    flat = F.normalize(embed.reshape(batch * queries, channels), dim=-1)
    distance = 1.0 - flat @ flat.T
    labels = torch.arange(queries, device=embed.device).repeat(batch)
    same = labels[:, None] == labels[None, :]
    itself = torch.eye(len(labels), dtype=torch.bool, device=embed.device)
    positive = (distance * (same & ~itself)).max(dim=1).values
    negative = distance.masked_fill(same, math.inf).min(dim=1).values
    return F.relu(positive - negative + margin).mean()

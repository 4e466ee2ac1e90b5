"""The context-aware attention module of one stream (paper eq. 1-5) and its ablations."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from judgeapp.model.graph import GraphContext

EMBED_DIM = 256
ATTENTION_HIDDEN = 128


def masked_softmax(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over instances [B, N] in which masked-out instances get exactly zero weight."""
    return torch.softmax(logits.masked_fill(~mask, float("-inf")), dim=1)


def masked_mean_weights(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Uniform weights 1/n over each video's n valid instances, 0 on padding [B, N]."""
    weights = mask.to(dtype)
    return weights / weights.sum(dim=1, keepdim=True)


def embedding_layers(in_dim: int, hidden_dim: int) -> nn.Sequential:
    """The stream embedding: FC in -> hidden, ReLU, FC hidden -> 256, ReLU (f_i of the paper)."""
    return nn.Sequential(
        nn.Linear(in_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, EMBED_DIM), nn.ReLU()
    )


class AttentionUnit(nn.Module):
    """ATT-U: FC in->128, ReLU, FC 128->1; one logit per instance.

    The paper does not print the activation; the authors' code uses ReLU, and so do we.
    """

    def __init__(self, in_dim: int):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_dim, ATTENTION_HIDDEN), nn.ReLU(), nn.Linear(ATTENTION_HIDDEN, 1)
        )

    def forward(self, instances: torch.Tensor) -> torch.Tensor:
        return self.layers(instances).squeeze(-1)


@dataclass(frozen=True)
class StreamOutput:
    """One stream's pooled feature [B, D] and instance weights [B, N] (zero on padding)."""

    feature: torch.Tensor
    attention: torch.Tensor


class StreamEncoder(nn.Module):
    """Embedding, TCG-U context, ATT-U and pooling for one stream.

    pooling="attention": the paper; weights from ATT-U on [f_i; h_i] (512-d), feature 512-d.
    pooling="average": the same [f_i; h_i] averaged over the valid instances (no ATT-U).
    pooling="sau": no TCG-U; ATT-U on the embedding f_i alone (256-d), feature 256-d.
    """

    def __init__(
        self, in_dim: int, hidden_dim: int, pooling: str, adjacency: str, kernel_scale: float
    ):
        super().__init__()
        self.pooling = pooling
        self.embedding = embedding_layers(in_dim, hidden_dim)
        self.context = (
            None if pooling == "sau" else GraphContext(EMBED_DIM, adjacency, kernel_scale)
        )
        self.feature_dim = EMBED_DIM if pooling == "sau" else 2 * EMBED_DIM
        self.attention = None if pooling == "average" else AttentionUnit(self.feature_dim)

    def forward(self, instances: torch.Tensor, mask: torch.Tensor) -> StreamOutput:
        """instances [B, N, in_dim], mask [B, N] bool (True = real instance).

        Padded instances are zeroed first, so whatever they hold (even NaN) cannot leak.
        """
        instances = instances.masked_fill(~mask.unsqueeze(2), 0.0)
        embedded = self.embedding(instances)
        if self.context is None:
            fused = embedded
        else:
            fused = torch.cat([embedded, self.context(embedded, mask)], dim=2)
        if self.attention is None:
            weights = masked_mean_weights(mask, fused.dtype)
        else:
            weights = masked_softmax(self.attention(fused), mask)
        feature = torch.bmm(weights.unsqueeze(1), fused).squeeze(1)
        return StreamOutput(feature=feature, attention=weights)

"""The paper's comparison heads (Table 1) and attention variants (Table 3), as stream encoders
and score regressors that `ActionNet` assembles from its `HeadConfig.pooling`.

Table 1's baselines, on one stream's features (or both, concatenated):
- "avg_svr" / "max_svr": average or max pooling of the raw instance features, then a linear
  SVR. The SVR is fitted by scikit-learn (training/svr.py) and stored as tensors: the
  standardisation (mean, scale) and the linear map (coefficients, intercept). Its output is the
  linear score / score_max, with no sigmoid.
- "lstm" / "bilstm": an LSTM (hidden 256) or a Bi-LSTM (hidden 128 per direction) over the raw
  features; the last state (both directions' last states for the Bi-LSTM) goes to one fully
  connected layer and a sigmoid.

Table 3's attention variants (the embedding f_i of ACTION-NET first, then the paper's regressor):
- "lstm_sau" / "bilstm_sau": an LSTM (256) or Bi-LSTM (128 + 128) over the embeddings gives
  the context h_i in place of TCG-U; a simple attention unit (ATT-U, 256 -> 128 -> 1, softmax)
  weighs the h_i.
- "rta": the multi-filter attention of Doughty et al. (CVPR 2019, "The Pros and Cons:
  Rank-aware Temporal Attention"): three attention filters, each an ATT-U with its own softmax
  over the instances; the three weighted sums of f_i are concatenated (768-d). The weights
  judgeapp shows are the mean of the three filters'.

Heads without attention report uniform weights (average pooling, LSTMs) or, for max pooling,
each instance's share of the feature dimensions whose maximum it holds; both sum to 1.
Padding: windows hold their real instances first (model/windows.py), so an LSTM runs over
exactly the real ones (packed sequences) and a padded video gets the unpadded one's output.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from judgeapp.model.attention import (
    EMBED_DIM,
    AttentionUnit,
    StreamEncoder,
    StreamOutput,
    embedding_layers,
    masked_mean_weights,
    masked_softmax,
)
from judgeapp.model.config import HeadConfig

SVR_POOLINGS = ("avg_svr", "max_svr")
RNN_POOLINGS = ("lstm", "bilstm")
RNN_SAU_POOLINGS = ("lstm_sau", "bilstm_sau")
RTA = "rta"
RTA_FILTERS = 3
# Hidden units per direction: the LSTM 256, the Bi-LSTM 128 (256 with both directions).
RNN_HIDDEN = {"lstm": 256, "bilstm": 128, "lstm_sau": 256, "bilstm_sau": 128}


def _lengths(mask: torch.Tensor) -> torch.Tensor:
    return mask.sum(dim=1).to("cpu", torch.int64)


class PoolEncoder(nn.Module):
    """Average or max pooling of the raw instance features over the valid instances."""

    def __init__(self, in_dim: int, how: str) -> None:
        super().__init__()
        self.how = how
        self.feature_dim = in_dim

    def forward(self, instances: torch.Tensor, mask: torch.Tensor) -> StreamOutput:
        instances = instances.masked_fill(~mask.unsqueeze(2), 0.0)
        if self.how == "avg_svr":
            weights = masked_mean_weights(mask, instances.dtype)
            feature = torch.bmm(weights.unsqueeze(1), instances).squeeze(1)
            return StreamOutput(feature=feature, attention=weights)
        masked = instances.masked_fill(~mask.unsqueeze(2), float("-inf"))
        feature, where = masked.max(dim=1)  # [B, D], the instance holding each maximum
        counts = torch.zeros_like(mask, dtype=instances.dtype)
        counts.scatter_add_(1, where, torch.ones_like(where, dtype=instances.dtype))
        return StreamOutput(feature=feature, attention=counts / instances.shape[2])


class RecurrentEncoder(nn.Module):
    """Table 1's LSTM / Bi-LSTM on the raw features; the feature is the last state (256-d)."""

    def __init__(self, in_dim: int, kind: str) -> None:
        super().__init__()
        bidirectional = kind == "bilstm"
        self.rnn = nn.LSTM(
            in_dim, RNN_HIDDEN[kind], batch_first=True, bidirectional=bidirectional
        )
        self.feature_dim = RNN_HIDDEN[kind] * (2 if bidirectional else 1)

    def forward(self, instances: torch.Tensor, mask: torch.Tensor) -> StreamOutput:
        instances = instances.masked_fill(~mask.unsqueeze(2), 0.0)
        packed = pack_padded_sequence(
            instances, _lengths(mask), batch_first=True, enforce_sorted=False
        )
        _, (last, _) = self.rnn(packed)  # last: [directions, B, hidden]
        feature = torch.cat(list(last), dim=1)
        return StreamOutput(feature=feature, attention=masked_mean_weights(mask, feature.dtype))


class RecurrentSAUEncoder(nn.Module):
    """Table 3's LSTM + SAU / Bi-LSTM + SAU: embedding f_i, LSTM context h_i (256-d), ATT-U on
    h_i, weighted sum of h_i."""

    def __init__(self, in_dim: int, hidden_dim: int, kind: str) -> None:
        super().__init__()
        bidirectional = kind == "bilstm_sau"
        self.embedding = embedding_layers(in_dim, hidden_dim)
        self.rnn = nn.LSTM(
            EMBED_DIM, RNN_HIDDEN[kind], batch_first=True, bidirectional=bidirectional
        )
        self.feature_dim = RNN_HIDDEN[kind] * (2 if bidirectional else 1)
        self.attention = AttentionUnit(self.feature_dim)

    def forward(self, instances: torch.Tensor, mask: torch.Tensor) -> StreamOutput:
        instances = instances.masked_fill(~mask.unsqueeze(2), 0.0)
        embedded = self.embedding(instances)
        packed = pack_padded_sequence(
            embedded, _lengths(mask), batch_first=True, enforce_sorted=False
        )
        context, _ = pad_packed_sequence(
            self.rnn(packed)[0], batch_first=True, total_length=instances.shape[1]
        )
        weights = masked_softmax(self.attention(context), mask)
        feature = torch.bmm(weights.unsqueeze(1), context).squeeze(1)
        return StreamOutput(feature=feature, attention=weights)


class MultiFilterEncoder(nn.Module):
    """RTA's multi-filter attention on the embedding: RTA_FILTERS ATT-Us, each with its own
    softmax over the instances; the weighted sums of f_i are concatenated."""

    def __init__(self, in_dim: int, hidden_dim: int, filters: int = RTA_FILTERS) -> None:
        super().__init__()
        self.embedding = embedding_layers(in_dim, hidden_dim)
        self.filters = nn.ModuleList(AttentionUnit(EMBED_DIM) for _ in range(filters))
        self.feature_dim = EMBED_DIM * filters

    def forward(self, instances: torch.Tensor, mask: torch.Tensor) -> StreamOutput:
        instances = instances.masked_fill(~mask.unsqueeze(2), 0.0)
        embedded = self.embedding(instances)
        weights = torch.stack([masked_softmax(f(embedded), mask) for f in self.filters], dim=1)
        pooled = torch.bmm(weights, embedded)  # [B, filters, 256]
        return StreamOutput(feature=pooled.flatten(1), attention=weights.mean(dim=1))


class LinearScoreRegressor(nn.Module):
    """The SVR's prediction: standardise with the training statistics, then w . x + b.

    mean / scale are buffers, saved with the weights; the output is linear (no sigmoid)."""

    def __init__(self, in_dim: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(in_dim))
        self.register_buffer("scale", torch.ones(in_dim))
        self.linear = nn.Linear(in_dim, 1)

    def forward(self, fused: torch.Tensor) -> torch.Tensor:
        return self.linear((fused - self.mean) / self.scale)


def stream_encoder(config: HeadConfig, stream: str) -> nn.Module:
    """The encoder of one stream for `config.pooling` (ACTION-NET's own or a comparison's)."""
    in_dim = config.input_dim(stream)
    hidden_dim = max(1, in_dim // 2)
    pooling = config.pooling
    if pooling in SVR_POOLINGS:
        return PoolEncoder(in_dim, pooling)
    if pooling in RNN_POOLINGS:
        return RecurrentEncoder(in_dim, pooling)
    if pooling in RNN_SAU_POOLINGS:
        return RecurrentSAUEncoder(in_dim, hidden_dim, pooling)
    if pooling == RTA:
        return MultiFilterEncoder(in_dim, hidden_dim)
    return StreamEncoder(
        in_dim=in_dim,
        hidden_dim=hidden_dim,
        pooling=pooling,
        adjacency=config.adjacency,
        kernel_scale=config.kernel_scale,
    )


def score_regressor(config: HeadConfig, fused_dim: int, hidden: int) -> nn.Module:
    """The regressor on the fused stream features: the SVR's linear map, Table 1's one FC layer
    (LSTMs), or the paper's FC hidden, ReLU, dropout, FC 1 (everything else); sigmoid but for
    the SVR."""
    if config.pooling in SVR_POOLINGS:
        return LinearScoreRegressor(fused_dim)
    if config.pooling in RNN_POOLINGS:
        return nn.Sequential(nn.Linear(fused_dim, 1), nn.Sigmoid())
    return nn.Sequential(
        nn.Linear(fused_dim, hidden),
        nn.ReLU(),
        nn.Dropout(config.dropout),
        nn.Linear(hidden, 1),
        nn.Sigmoid(),
    )

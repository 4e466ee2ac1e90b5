"""Running a head over a whole labelled split: scores and attention per video, batched."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from judgeapp.model import ActionNet
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.windows import PackedSplit, WindowSize

PREDICT_BATCH = 64


@dataclass
class Predictions:
    """Per video: the score (in score units) and the attention over its centred window.

    dynamic_attention [V, segments], static_attention [V, frames]: zero on padding.
    dynamic_start / static_start [V]: the index of the window's first instance in the video.
    """

    scores: np.ndarray
    dynamic_attention: np.ndarray
    static_attention: np.ndarray
    dynamic_start: np.ndarray
    static_start: np.ndarray


def predict_packed(
    model: ActionNet, packed: PackedSplit, score_max: float, batch_size: int = PREDICT_BATCH
) -> Predictions:
    """Centred-window predictions for every video of an already packed split."""
    was_training = model.training
    model.eval()
    scores, dyn_att, stat_att = [], [], []
    everything = torch.arange(len(packed), device=packed.device)
    try:
        with torch.inference_mode():
            for videos in everything.split(batch_size):
                dynamic, dynamic_mask, static, static_mask = packed.batch(videos, None)
                out = model(dynamic, static, dynamic_mask, static_mask)
                scores.append(out.score.double().cpu().numpy() * score_max)
                dyn_att.append(out.dynamic_attention.float().cpu().numpy())
                stat_att.append(out.static_attention.float().cpu().numpy())
    finally:
        model.train(was_training)
    dyn_start, stat_start = packed.centred_starts()
    return Predictions(
        scores=np.concatenate(scores),
        dynamic_attention=np.concatenate(dyn_att),
        static_attention=np.concatenate(stat_att),
        dynamic_start=dyn_start.cpu().numpy(),
        static_start=stat_start.cpu().numpy(),
    )


def predict(
    model: ActionNet,
    data: FeatureSet,
    score_max: float,
    window: WindowSize,
    device: str | torch.device = "cpu",
    batch_size: int = PREDICT_BATCH,
) -> Predictions:
    """Score every video of `data` on its centred window (the paper's test protocol)."""
    packed = PackedSplit(data.dynamic, data.static, window, device)
    return predict_packed(model, packed, score_max, batch_size)

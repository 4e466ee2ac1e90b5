"""Fitting Table 1's pooling + linear SVR baselines (heads with pooling "avg_svr" / "max_svr").

The head's own pooling (model/baselines.py) turns each video's window into one vector, so the
features the SVR is fitted on are exactly those it predicts from. scikit-learn's LinearSVR is
fitted on the standardised vectors with the score / score_max as target; its coefficients,
intercept and the standardisation are then written into the head's tensors. Nothing is pickled:
the head is saved with safetensors and scored through `model.predict` like every other head.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from judgeapp.model import ActionNet
from judgeapp.model.predict import predict_packed
from judgeapp.model.windows import PackedSplit
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.metrics import spearman
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.trainer import TrainOutcome, training_split

SVR_MAX_ITER = 100_000


def pooled_features(model: ActionNet, packed: PackedSplit) -> np.ndarray:
    """Each video's pooled window [V, D] (the streams the head uses, concatenated), through the
    head's own encoders on the centred window."""
    everything = torch.arange(len(packed), device=packed.device)
    dynamic, dynamic_mask, static, static_mask = packed.batch(everything, None)
    inputs = {"dynamic": (dynamic, dynamic_mask), "static": (static, static_mask)}
    with torch.inference_mode():
        parts = [
            model.encoders[s](*inputs[s]).feature.double().cpu().numpy()
            for s in model.config.streams
        ]
    return np.concatenate(parts, axis=1)


def fit_linear_svr(
    features: np.ndarray, targets: np.ndarray, c: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardise `features` and fit a linear SVR (epsilon 0); returns mean, scale,
    coefficients and intercept (all float64)."""
    from sklearn.svm import LinearSVR

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    svr = LinearSVR(C=c, epsilon=0.0, dual=True, max_iter=SVR_MAX_ITER, random_state=seed)
    svr.fit((features - mean) / scale, targets)
    return mean, scale, np.asarray(svr.coef_, dtype=np.float64), float(svr.intercept_[0])


def train_svr(
    data: FeatureSet, config: TrainConfig, score_max: float, device: str = "cpu"
) -> TrainOutcome:
    """Fit a pooling + linear SVR head on `data` (its windows as `config.scoring_window`).

    `config.head` must name pooling "avg_svr" or "max_svr"; `config.svr_c` is the SVR's C.
    With config.val_fraction > 0 that share is held out and its Spearman reported (an SVR has
    no epochs to choose).
    """
    started = time.perf_counter()
    train_set, val_set = training_split(data, config, score_max)
    model = ActionNet(dynamic_dim=data.dynamic_dim, static_dim=data.static_dim, **config.head)
    model = model.to(device).eval()
    packed = PackedSplit(train_set.dynamic, train_set.static, config.scoring_window, device)
    mean, scale, coef, intercept = fit_linear_svr(
        pooled_features(model, packed), train_set.scores / score_max, config.svr_c, config.seed
    )
    regressor = model.regressor
    with torch.no_grad():
        regressor.mean.copy_(torch.from_numpy(mean))
        regressor.scale.copy_(torch.from_numpy(scale))
        regressor.linear.weight.copy_(torch.from_numpy(coef).reshape(1, -1))
        regressor.linear.bias.fill_(intercept)
    val_rho = None
    if len(val_set):
        val_packed = PackedSplit(val_set.dynamic, val_set.static, config.scoring_window, device)
        val_rho = spearman(predict_packed(model, val_packed, score_max).scores, val_set.scores)
    return TrainOutcome(
        model=model,
        config=config,
        score_max=score_max,
        history=[],
        best_epoch=0,
        val_spearman=None if val_rho is None or np.isnan(val_rho) else val_rho,
        train_names=train_set.names,
        val_names=val_set.names,
        seconds=time.perf_counter() - started,
    )

"""Training a model set: K members (seeds) per target on the same features and one
validation split, then each target's interval calibrated on that split (`model.intervals`).

Every member is an ordinary training run (`runs.train_run`, its own full model card); the
validation split is drawn once (`TrainConfig.split_seed`) so all members of all targets hold
out the same videos, and the interval's coverage and width are measured on them.
"""

from __future__ import annotations

import numpy as np

from judgeapp.model.intervals import DEFAULT_NOMINAL, IntervalCalibration, calibrate
from judgeapp.model.predict import score_videos
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.runs import RunResult
from judgeapp.training.trainer import split_validation


def validation_members(
    runs: list[RunResult], data: FeatureSet, config: TrainConfig, device: str = "cpu"
) -> tuple[np.ndarray, np.ndarray]:
    """The members' scores [V, K] on the set's validation videos, and their true scores [V]."""
    split_seed = config.seed if config.split_seed is None else config.split_seed
    _, val_idx = split_validation(len(data), config.val_fraction, split_seed)
    val = data.subset(val_idx)
    members = [
        score_videos(r.outcome.model, r.card, val.dynamic, val.static, device).scores for r in runs
    ]
    return np.clip(np.stack(members, axis=1), 0.0, runs[0].card.score_max), val.scores


def calibrate_target(
    runs: list[RunResult],
    data: FeatureSet,
    config: TrainConfig,
    device: str = "cpu",
    nominal: float = DEFAULT_NOMINAL,
) -> IntervalCalibration | None:
    """A target's interval calibration on the validation split (None without one)."""
    if config.val_fraction <= 0:
        return None
    members, truth = validation_members(runs, data, config, device)
    return calibrate(members, truth, runs[0].card.score_max, nominal)

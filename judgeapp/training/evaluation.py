"""Evaluating trained heads on labelled feature sets, and the paper's Table 1 layout."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from judgeapp.core.errors import JudgeappError, ProfileMismatchError
from judgeapp.model import ActionNet, ModelCard
from judgeapp.model.predict import Predictions, score_videos
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.metrics import Metrics, compute_metrics, fisher_z_mean

AVERAGE_ROW = "average (Fisher z)"


@dataclass
class Evaluation:
    """One head on one labelled set: its metrics, predictions and the videos' names."""

    routine: str
    metrics: Metrics
    names: list[str]
    targets: np.ndarray
    predictions: Predictions

    def to_dict(self) -> dict:
        return {
            "routine": self.routine,
            **self.metrics.to_dict(),
            "videos": [
                {"name": n, "score": float(t), "predicted": round(float(p), 4)}
                for n, t, p in zip(self.names, self.targets, self.predictions.scores, strict=True)
            ],
        }


def check_profile(card: ModelCard, features_profile: str | None, model_path: str | Path) -> None:
    """Refuse features of another profile than the one the head was trained on."""
    if features_profile is not None and features_profile != card.profile:
        raise ProfileMismatchError(
            f"{model_path}: this head was trained on '{card.profile}' features, but the "
            f"features' manifest says '{features_profile}'; extract them with "
            f"--profile {card.profile}"
        )


def check_dims(model: ActionNet, data: FeatureSet, model_path: str | Path) -> None:
    """Refuse features whose sizes differ from the head's inputs."""
    config = model.config
    if (data.dynamic_dim, data.static_dim) != (config.dynamic_dim, config.static_dim):
        raise JudgeappError(
            f"{model_path}: the head expects {config.dynamic_dim}-d dynamic and "
            f"{config.static_dim}-d static features, the feature set has "
            f"{data.dynamic_dim}-d and {data.static_dim}-d"
        )


def evaluate(
    model: ActionNet,
    card: ModelCard,
    data: FeatureSet,
    device: str = "cpu",
    routine: str | None = None,
) -> Evaluation:
    """Score every video of `data` through the head's window (`model.predict.score_videos`,
    the path `judgeapp score` takes too) and compare with its label."""
    if len(data) == 0:
        raise JudgeappError("no labelled videos to evaluate")
    predictions = score_videos(model, card, data.dynamic, data.static, device)
    targets = data.scores
    return Evaluation(
        routine=routine or card.routine,
        metrics=compute_metrics(predictions.scores, targets),
        names=data.names,
        targets=targets,
        predictions=predictions,
    )


def split_by_routine(data: FeatureSet) -> dict[str, FeatureSet]:
    """The videos of each routine, in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index, label in enumerate(data.labels):
        groups.setdefault(label.routine, []).append(index)
    return {routine: data.subset(indices) for routine, indices in groups.items()}


def _fmt(value: float, digits: int = 3) -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.{digits}f}")
    )


def summary_row(evaluations: list[Evaluation]) -> dict:
    """Fisher-z means of the correlations; MAE averaged over all videos; total n."""
    total = sum(e.metrics.n for e in evaluations)
    mae = sum(e.metrics.mae * e.metrics.n for e in evaluations) / total if total else math.nan
    return {
        "spearman": fisher_z_mean([e.metrics.spearman for e in evaluations]),
        "pearson": fisher_z_mean([e.metrics.pearson for e in evaluations]),
        "mae": mae,
        "n": total,
    }


def format_table(evaluations: list[Evaluation]) -> str:
    """A table like the paper's Table 1: one row per routine, then the Fisher-z average."""
    lines = [f"{'routine':<20} {'Spearman':>9} {'Pearson':>8} {'MAE':>7} {'n':>5}"]
    for e in evaluations:
        m = e.metrics
        lines.append(
            f"{e.routine:<20} {_fmt(m.spearman):>9} {_fmt(m.pearson):>8} "
            f"{_fmt(m.mae, 2):>7} {m.n:>5}"
        )
    if len(evaluations) > 1:
        s = summary_row(evaluations)
        lines.append(
            f"{AVERAGE_ROW:<20} {_fmt(s['spearman']):>9} {_fmt(s['pearson']):>8} "
            f"{_fmt(s['mae'], 2):>7} {s['n']:>5}"
        )
    return "\n".join(lines)

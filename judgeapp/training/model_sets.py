"""Training a model set: K members (seeds) per target on the same features and one
validation split, then each target's interval calibrated on that split (`model.intervals`).

Every member is an ordinary training run (`runs.train_run`, its own full model card); the
validation split is drawn once (`TrainConfig.split_seed`) so all members of all targets hold
out the same videos, and the interval's coverage and width are measured on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from judgeapp.core.errors import JudgeappError
from judgeapp.model.intervals import DEFAULT_NOMINAL, IntervalCalibration, calibrate
from judgeapp.model.predict import Predictions, score_videos
from judgeapp.training.evaluation import Evaluation
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.metrics import Metrics, compute_metrics
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.runs import RunResult
from judgeapp.training.trainer import validation_split


def validation_members(
    runs: list[RunResult], data: FeatureSet, config: TrainConfig, device: str = "cpu"
) -> tuple[np.ndarray, np.ndarray]:
    """The members' scores [V, K] on the set's validation videos, and their true scores [V]."""
    _, val = validation_split(data, config)
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


@dataclass
class SetEvaluation:
    """One target of a model set on a labelled set: the members' mean against the labels, and
    how often the interval held the label (coverage) and how wide it was (mean width)."""

    target: str
    metrics: Metrics
    coverage: float | None
    mean_width: float | None
    nominal: float | None
    names: list[str]
    truth: np.ndarray
    values: np.ndarray  # the members' mean per video, in score units

    def evaluation(self, routine: str) -> Evaluation:
        """As one head's Evaluation (table rows, Fisher-z averages, per-video JSON)."""
        empty = np.zeros((len(self.values), 0), dtype=np.float32)
        starts = np.zeros(len(self.values), dtype=np.int64)
        predictions = Predictions(self.values, empty, empty, starts, starts)
        return Evaluation(routine, self.metrics, self.names, self.truth, predictions)

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            **self.metrics.to_dict(),
            "coverage": self.coverage,
            "mean_width": self.mean_width,
            "nominal": self.nominal,
        }


def evaluate_set(
    model_set, data_of: dict[str, FeatureSet], device: str = "cpu"
) -> dict[str, SetEvaluation]:
    """Every target of `model_set` on its labelled videos (`data_of[target]`), through the one
    prediction path; intervals as `judgeapp score` makes them (`model_set.target_interval`)."""
    from judgeapp.model.model_set import predict_set, target_interval

    out = {}
    for target, data in data_of.items():
        if len(data) == 0:
            raise JudgeappError("no labelled videos to evaluate")
        predicted = predict_set(model_set, data.dynamic, data.static, device)[target]
        intervals = [target_interval(model_set, target, m) for m in predicted.members]
        values = np.array([v for v, _, _ in intervals])
        calibration = model_set.card.intervals.get(target)
        pairs = zip(intervals, data.scores, strict=True)
        inside = [low <= y <= high for (_, low, high), y in pairs]
        out[target] = SetEvaluation(
            target=target,
            metrics=compute_metrics(values, data.scores),
            coverage=float(np.mean(inside)),
            mean_width=float(np.mean([high - low for _, low, high in intervals])),
            nominal=None if calibration is None else calibration.nominal,
            names=data.names,
            truth=data.scores,
            values=values,
        )
    return out


def format_set_table(routine: str, evaluations: dict[str, SetEvaluation]) -> str:
    """One row per target: Spearman, Pearson, MAE, n, the interval's coverage and width."""
    lines = [
        f"{'routine':<12} {'target':<11} {'Spearman':>9} {'Pearson':>8} {'MAE':>7} {'n':>5} "
        f"{'coverage':>9} {'width':>7}"
    ]
    for target, e in evaluations.items():
        m = e.metrics
        nominal = "" if e.nominal is None else f" of {e.nominal:.0%}"
        lines.append(
            f"{routine:<12} {target:<11} {m.spearman:>9.3f} {m.pearson:>8.3f} {m.mae:>7.2f} "
            f"{m.n:>5} {e.coverage:>9.3f} {e.mean_width:>7.2f}{nominal}"
        )
    return "\n".join(lines)

"""An honest estimate of a head trained on few videos: k-fold cross-validation.

Folds are made of groups: the athlete when the library records one (a model must never be
judged on an athlete it saw in training: it would be judged on recognising the athlete), else
the video. Every video is scored once, by heads that never saw it (out-of-fold); over those
scores we report Spearman's rho with a bootstrap interval (videos resampled), the mean absolute
error, and, with two or more seeds per fold, how often the calibrated interval held the panel's
score (`model.intervals.calibrate` on the out-of-fold members, leave-one-out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken
from judgeapp.model.card import ModelCard
from judgeapp.model.intervals import DEFAULT_NOMINAL, IntervalCalibration, calibrate
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.metrics import compute_metrics, spearman

if TYPE_CHECKING:  # the folds' training imports PyTorch; the constants here do not
    from judgeapp.training.protocol import TrainConfig
    from judgeapp.training.trainer import EpochCallback

DEFAULT_FOLDS = 5
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_LEVEL = 0.95
# Below this many scored videos the estimate is too rough to trust (docs/training.md, "Train on
# your own videos": the 95 % bootstrap interval of Spearman on the planted data is wider than
# 0.5 below 20 videos, so the estimate could not tell a useful model from a useless one).
MIN_VIDEOS = 20

# on_step(done, total): training runs finished of all the cross-validation runs
StepCallback = Callable[[int, int], None]


def group_folds(groups: Sequence[str], folds: int, seed: int = 0) -> list[np.ndarray]:
    """Test indices of each fold; all videos of a group in one fold, fold sizes balanced.

    Groups are shuffled (seeded), then the largest go first, each to the fold with the fewest
    videos so far. Fewer groups than folds: one fold per group.
    """
    names = list(dict.fromkeys(groups))
    if len(names) < 2:
        raise JudgeappError("cross-validation needs at least two videos (or athletes)")
    folds = min(folds, len(names))
    rng = np.random.default_rng(seed)
    order = [names[i] for i in rng.permutation(len(names))]
    members = {g: [i for i, x in enumerate(groups) if x == g] for g in order}
    order.sort(key=lambda g: -len(members[g]))  # stable: ties keep the shuffled order
    buckets: list[list[int]] = [[] for _ in range(folds)]
    for group in order:
        smallest = min(range(folds), key=lambda f: (len(buckets[f]), f))
        buckets[smallest].extend(members[group])
    return [np.array(sorted(b), dtype=np.int64) for b in buckets]


def bootstrap_interval(
    predicted: np.ndarray,
    truth: np.ndarray,
    samples: int = BOOTSTRAP_SAMPLES,
    level: float = BOOTSTRAP_LEVEL,
    seed: int = 0,
) -> tuple[float, float]:
    """The percentile bootstrap interval of Spearman's rho (videos drawn with replacement)."""
    predicted, truth = np.asarray(predicted, float), np.asarray(truth, float)
    rng = np.random.default_rng(seed)
    rhos = []
    for _ in range(samples):
        pick = rng.integers(0, len(truth), len(truth))
        rho = spearman(predicted[pick], truth[pick])
        if not math.isnan(rho):
            rhos.append(rho)
    if not rhos:
        return math.nan, math.nan
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(rhos, [tail, 100 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class CVEstimate:
    """What cross-validation says about a target's heads on this data."""

    target: str
    videos: int
    folds: int
    seeds: int
    spearman: float
    low: float
    high: float
    mae: float
    coverage: float | None = None  # share of panel scores inside the interval
    nominal: float | None = None
    mean_width: float | None = None

    def spearman_text(self) -> str:
        """`0.62 [0.41, 0.78]` (rho and its 95 % bootstrap interval)."""
        if math.isnan(self.spearman):
            return "undefined (constant scores)"
        return f"{self.spearman:.2f} [{self.low:.2f}, {self.high:.2f}]"

    def text(self) -> str:
        """One line: Spearman with its interval, MAE, and the interval's coverage."""
        line = (
            f"{self.target}: cross-validated Spearman {self.spearman_text()}, "
            f"MAE {self.mae:.2f} ({self.folds} folds, {self.videos} videos)"
        )
        if self.coverage is not None and self.nominal is not None:
            line += f", {self.nominal:.0%} interval held {self.coverage:.0%} of panel scores"
        return line

    def to_dict(self) -> dict:
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in self.__dict__.items()
        }

    @classmethod
    def from_dict(cls, data: dict) -> CVEstimate:
        values = {k: (math.nan if v is None and k in ("spearman", "low", "high", "mae") else v)
                  for k, v in data.items()}  # fmt: skip
        return cls(**values)


@dataclass
class CVOutcome:
    """Out-of-fold member scores [V, K], the truth [V], the fold of each video, the estimate,
    and the interval calibrated on the out-of-fold scores (None with one seed)."""

    estimate: CVEstimate
    members: np.ndarray
    truth: np.ndarray
    fold_of: np.ndarray
    calibration: IntervalCalibration | None


def draft_card(model, config: TrainConfig, score_max: float, profile: str, routine: str,
               target: str) -> ModelCard:  # fmt: skip
    """The card a fold's head is scored through (its window; nothing is saved)."""
    return ModelCard(
        name=f"cv-{routine}-{target}-seed{config.seed}",
        head=model.config.to_dict(),
        profile=profile,
        routine=routine,
        target=target,
        score_max=score_max,
        protocol={"window": config.to_dict()["window"]},
    )


def cross_validate(
    data: FeatureSet,
    groups: Sequence[str],
    config: TrainConfig,
    score_max: float,
    *,
    profile: str,
    routine: str,
    target: str,
    folds: int = DEFAULT_FOLDS,
    seeds: int = 1,
    device: str = "cpu",
    cancel: CancelToken | None = None,
    on_step: StepCallback | None = None,
    on_epoch: EpochCallback | None = None,
    nominal: float = DEFAULT_NOMINAL,
) -> CVOutcome:
    """Train `seeds` heads per fold on the other folds, score the fold's videos with them."""
    import dataclasses

    from judgeapp.model.predict import score_videos
    from judgeapp.training.trainer import train_head

    if len(groups) != len(data):
        raise ValueError(f"{len(groups)} groups for {len(data)} videos")
    test_folds = group_folds(groups, folds, config.seed)
    members = np.full((len(data), seeds), np.nan)
    fold_of = np.zeros(len(data), dtype=np.int64)
    total = len(test_folds) * seeds
    done = 0
    for f, test_idx in enumerate(test_folds):
        fold_of[test_idx] = f
        train_idx = np.setdiff1d(np.arange(len(data)), test_idx)
        train, test = data.subset(train_idx), data.subset(test_idx)
        for k in range(seeds):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            run_config = dataclasses.replace(config, seed=config.seed + k, val_fraction=0.0)
            outcome = train_head(train, run_config, score_max, device, on_epoch, cancel)
            card = draft_card(outcome.model, run_config, score_max, profile, routine, target)
            scores = score_videos(outcome.model, card, test.dynamic, test.static, device).scores
            members[test_idx, k] = np.clip(scores, 0.0, score_max)
            done += 1
            if on_step is not None:
                on_step(done, total)
    truth = data.scores
    mean = members.mean(axis=1)
    metrics = compute_metrics(mean, truth)
    low, high = bootstrap_interval(mean, truth, seed=config.seed)
    calibration = calibrate(members, truth, score_max, nominal) if seeds >= 2 else None
    estimate = CVEstimate(
        target=target,
        videos=len(data),
        folds=len(test_folds),
        seeds=seeds,
        spearman=metrics.spearman,
        low=low,
        high=high,
        mae=metrics.mae,
        coverage=None if calibration is None else calibration.coverage,
        nominal=None if calibration is None else calibration.nominal,
        mean_width=None if calibration is None else calibration.mean_width,
    )
    return CVOutcome(estimate, members, truth, fold_of, calibration)

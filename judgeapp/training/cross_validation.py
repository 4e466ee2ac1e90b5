"""An honest estimate of a head trained on few videos: k-fold cross-validation.

Folds are made of groups: the athlete when the library records one (a model must never be
judged on an athlete it saw in training: it would be judged on recognising the athlete), else
the video. Every video is scored once, by heads that never saw it (out-of-fold). We report
Spearman's rho within folds with its interval (`within_fold_spearman`), the mean absolute
error over all videos, and, with two or more seeds per fold, how often the calibrated interval
held the panel's score (`model.intervals.calibrate` on the out-of-fold members, leave-one-out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
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
# Folds hold at least this many videos where the data allow: a fold's Spearman then varies
# enough to carry information (two videos can only rank +1 or -1).
MIN_FOLD_VIDEOS = 3
INTERVAL_LEVEL = 0.95
ESTIMATOR = "within folds"
# Below this many scored videos the estimate is too rough to trust (docs/training.md, "Train on
# your own videos": a model whose true rank correlation is about 0.6 is told from chance, its
# interval above zero, in 80 % of libraries of 30 videos but only in half of those of 20).
MIN_VIDEOS = 30

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


def fold_count(videos: int, folds: int) -> int:
    """Folds to use: at most `folds`, each of at least MIN_FOLD_VIDEOS videos where possible."""
    return max(2, min(folds, videos // MIN_FOLD_VIDEOS))


def within_fold_spearman(
    predicted: np.ndarray, truth: np.ndarray, fold_of: np.ndarray, level: float = INTERVAL_LEVEL
) -> tuple[float, float, float]:
    """Spearman's rho within each fold, averaged with weights n - 1, and its interval.

    Why within folds: a head that learnt nothing predicts about the mean of its training folds,
    which is high exactly where the held-out fold's scores are low, so ranking all out-of-fold
    scores together reads "no skill" as a rho below zero (-0.37 on the shuffled demo in
    docs/training.md). Within one fold every video is scored by the same heads, so without a
    signal each fold's rho is a chance rho centred on zero, of variance 1 / (n - 1): the mean
    with weights n - 1 has variance 1 / W, W the sum of the weights. The interval is the
    normal one in Fisher's z space with that variance, widened by (1 + rho^2 / 2) as Bonett and
    Wright (2000) give for Spearman. Small folds make the mean lean towards zero under a real
    signal, never away from it. Folds of fewer than MIN_FOLD_VIDEOS videos or with constant
    scores carry no weight; with none left the result is NaN. Returns (rho, low, high).
    """
    predicted, truth = np.asarray(predicted, float), np.asarray(truth, float)
    weighted, weights = 0.0, 0
    for fold in np.unique(fold_of):
        inside = fold_of == fold
        n = int(inside.sum())
        rho = spearman(predicted[inside], truth[inside]) if n >= MIN_FOLD_VIDEOS else math.nan
        if not math.isnan(rho):
            weighted += (n - 1) * rho
            weights += n - 1
    if weights == 0:
        return math.nan, math.nan, math.nan
    rho = weighted / weights
    z = math.atanh(float(np.clip(rho, -0.999, 0.999)))
    half = NormalDist().inv_cdf(0.5 + level / 2) * math.sqrt((1 + rho * rho / 2) / weights)
    return rho, math.tanh(z - half), math.tanh(z + half)


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
    # how rho was computed: ESTIMATOR, or "all folds pooled" (out-of-fold scores ranked together,
    # a bootstrap interval) in estimates written before it, which read low without a signal
    estimator: str = ESTIMATOR

    def spearman_text(self) -> str:
        """`0.62 [0.41, 0.78]` (rho and its 95 % interval), marked when computed the old way."""
        if math.isnan(self.spearman):
            return "undefined (constant scores or folds too small)"
        text = f"{self.spearman:.2f} [{self.low:.2f}, {self.high:.2f}]"
        if self.estimator != ESTIMATOR:
            text += f" ({self.estimator}: reads low without skill)"
        return text

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
        values.setdefault("estimator", "all folds pooled")  # written before within-fold estimates
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
    test_folds = group_folds(groups, fold_count(len(data), folds), config.seed)
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
    rho, low, high = within_fold_spearman(mean, truth, fold_of)
    calibration = calibrate(members, truth, score_max, nominal) if seeds >= 2 else None
    estimate = CVEstimate(
        target=target,
        videos=len(data),
        folds=len(test_folds),
        seeds=seeds,
        spearman=rho,
        low=low,
        high=high,
        mae=metrics.mae,
        coverage=None if calibration is None else calibration.coverage,
        nominal=None if calibration is None else calibration.nominal,
        mean_width=None if calibration is None else calibration.mean_width,
    )
    return CVOutcome(estimate, members, truth, fold_of, calibration)

"""Agreement between predicted and true scores: Spearman, Pearson, mean absolute error.

Spearman's rank correlation is the paper's measure; the average over routines is the mean in
Fisher's z space (z = artanh(rho)), mapped back with tanh.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Metrics:
    """Agreement on `n` videos; mae is in score units. A correlation is NaN when undefined."""

    spearman: float
    pearson: float
    mae: float
    n: int

    def to_dict(self) -> dict:
        return {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in asdict(self).items()
        }


def _correlation(fn, predicted: np.ndarray, target: np.ndarray) -> float:
    if len(predicted) < 2 or np.ptp(predicted) == 0 or np.ptp(target) == 0:
        return float("nan")
    return float(fn(predicted, target)[0])


def compute_metrics(predicted: np.ndarray, target: np.ndarray) -> Metrics:
    """Spearman's rho, Pearson's r and the mean absolute error of `predicted` against `target`."""
    predicted = np.asarray(predicted, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if predicted.shape != target.shape:
        raise ValueError(f"{predicted.shape} predictions for {target.shape} targets")
    from scipy import stats  # a second to import: not paid by the windows that only show metrics

    return Metrics(
        spearman=_correlation(stats.spearmanr, predicted, target),
        pearson=_correlation(stats.pearsonr, predicted, target),
        mae=float(np.mean(np.abs(predicted - target))) if len(target) else float("nan"),
        n=int(len(target)),
    )


def spearman(predicted: np.ndarray, target: np.ndarray) -> float:
    """Spearman's rho (NaN when either side is constant)."""
    return compute_metrics(predicted, target).spearman


def fisher_z_mean(rhos: list[float]) -> float:
    """The average of correlations in Fisher's z space (the paper's average over routines)."""
    values = np.clip(
        np.asarray([r for r in rhos if not math.isnan(r)], dtype=np.float64), -0.999999, 0.999999
    )
    if len(values) == 0:
        return float("nan")
    return float(np.tanh(np.mean(np.arctanh(values))))


def mean_std(values: list[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value) of finite values."""
    finite = np.asarray([v for v in values if not math.isnan(v)], dtype=np.float64)
    if len(finite) == 0:
        return float("nan"), float("nan")
    std = float(np.std(finite, ddof=1)) if len(finite) > 1 else 0.0
    return float(np.mean(finite)), std

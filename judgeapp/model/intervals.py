"""Intervals for a model set's target: the members' mean, widened by their spread.

A target's K members (the same head trained with K seeds) give K scores per video. The interval
is `mean +- scale * (sd + spread_floor)`, clipped to [0, score_max], where sd is the members'
sample standard deviation on that video. `scale` is calibrated at training on the validation
split (split-conformal: the smallest scale whose interval holds the true score for the
`nominal` share of validation videos, with the usual (n + 1) finite-sample correction), so the
interval reaches the stated share on new videos like the validation ones. `spread_floor` (the
validation videos' mean sd) keeps the interval from collapsing where the members happen to agree;
with one member (sd always 0) the interval is a fixed width of `scale` score units.

No torch here: the set card's reader and the GUI use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_NOMINAL = 0.9
METHOD = "split-conformal on the validation split: mean +- scale * (members' sd + spread_floor)"


@dataclass(frozen=True)
class IntervalCalibration:
    """How a target's interval is made, and what it was worth on the validation split.

    nominal: the share of videos the interval is meant to hold the true score for.
    scale, spread_floor: half-width = scale * (sd + spread_floor), in score units.
    coverage: leave-one-out share of validation videos inside their interval (each video's
    interval calibrated on the others, so the figure is not its own calibration);
    mean_width: the mean width (high - low) on the validation videos, in score units;
    videos: how many validation videos it was measured on.
    """

    nominal: float
    scale: float
    spread_floor: float
    coverage: float
    mean_width: float
    videos: int
    method: str = METHOD

    def __post_init__(self) -> None:
        for name in ("nominal", "scale", "spread_floor", "coverage", "mean_width"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"interval field {name} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"interval field {name} must be finite and >= 0, not {value}")
            object.__setattr__(self, name, float(value))
        if not 0 < self.nominal < 1 or self.coverage > 1:
            raise ValueError("interval nominal and coverage must be shares in [0, 1]")
        if isinstance(self.videos, bool) or not isinstance(self.videos, int) or self.videos < 1:
            raise ValueError(f"interval field videos must be a positive count, not {self.videos!r}")
        if not isinstance(self.method, str):
            raise ValueError("interval field method must be a string")


def member_spread(members: np.ndarray) -> np.ndarray:
    """The members' sample standard deviation per video ([V, K] -> [V]; 0 for K = 1)."""
    members = np.asarray(members, dtype=np.float64)
    if members.shape[-1] < 2:
        return np.zeros(members.shape[:-1])
    return members.std(axis=-1, ddof=1)


def _unit(sd: np.ndarray, spread_floor: float) -> np.ndarray:
    return sd + spread_floor if spread_floor > 0 else np.ones_like(sd)


def _conformal_scale(ratios: np.ndarray, nominal: float) -> float:
    """The ceil((n + 1) * nominal)-th smallest ratio (the largest when that exceeds n)."""
    ordered = np.sort(ratios)
    rank = min(math.ceil((len(ordered) + 1) * nominal), len(ordered))
    return float(ordered[rank - 1])


def calibrate(
    members: np.ndarray, truth: np.ndarray, score_max: float, nominal: float = DEFAULT_NOMINAL
) -> IntervalCalibration:
    """Calibrate a target's interval on validation videos: members [V, K] and truth [V]."""
    members = np.asarray(members, dtype=np.float64)
    truth = np.asarray(truth, dtype=np.float64)
    if members.ndim != 2 or len(members) != len(truth) or len(truth) < 2:
        raise ValueError("calibrating an interval needs members [V, K] and V >= 2 true scores")
    sd = member_spread(members)
    floor = float(sd.mean())
    unit = _unit(sd, floor)
    ratios = np.abs(truth - members.mean(axis=1)) / unit
    scale = _conformal_scale(ratios, nominal)
    lows, highs = bounds(members, scale, floor, score_max)
    return IntervalCalibration(
        nominal=nominal,
        scale=scale,
        spread_floor=floor,
        coverage=_leave_one_out_coverage(ratios, nominal),
        mean_width=float(np.mean(highs - lows)),
        videos=len(truth),
    )


def _leave_one_out_coverage(ratios: np.ndarray, nominal: float) -> float:
    """The share of videos inside the interval calibrated on all the other videos."""
    n = len(ratios)
    order = np.argsort(ratios, kind="stable")
    ordered = ratios[order]
    rank = min(math.ceil(n * nominal), n - 1)  # (n - 1 + 1) * nominal among the n - 1 others
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    # Without video i, the rank-th smallest of the others is ordered[rank] when i sits below it
    # in the full order, else ordered[rank - 1].
    scale = np.where(position < rank, ordered[min(rank, n - 1)], ordered[rank - 1])
    return float(np.mean(ratios <= scale))


def bounds(
    members: np.ndarray, scale: float, spread_floor: float, score_max: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per video (members [V, K]): the interval's low and high, clipped to [0, score_max]."""
    members = np.asarray(members, dtype=np.float64)
    mean = members.mean(axis=-1)
    half = scale * _unit(member_spread(members), spread_floor)
    return np.clip(mean - half, 0.0, score_max), np.clip(mean + half, 0.0, score_max)


def spread_only(members: np.ndarray, score_max: float) -> tuple[float, float]:
    """One video's min..max of its members, for a set without a calibration (no validation
    split at training): the members' range, nothing more."""
    members = np.clip(np.asarray(members, dtype=np.float64), 0.0, score_max)
    return float(members.min()), float(members.max())

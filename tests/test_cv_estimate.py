"""The cross-validated estimate is unbiased when there is nothing to learn and stays clearly
positive when there is: real heads trained through `cross_validate` on tiny synthetic sets."""

from __future__ import annotations

import numpy as np
import pytest
from training_helpers import one_thread  # noqa: F401 - fixture

from judgeapp.training.cross_validation import (
    bootstrap_interval,
    cross_validate,
    fold_centred,
    within_fold_spearman,
)
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.labels import Label
from judgeapp.training.metrics import spearman
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.synthetic import SyntheticSpec, make_videos

pytestmark = pytest.mark.usefixtures("one_thread")

SPEC = SyntheticSpec(videos=30, dynamic_dim=16, static_dim=32, segments=(3, 5), frames=(4, 6))
CONFIG = TrainConfig(epochs=12, batch_size=8, segments=4, frames=5)


def _set(shuffle_seed: int | None) -> FeatureSet:
    """The synthetic videos; with a shuffle seed their scores are permuted (no signal left)."""
    videos = make_videos(SPEC, seed=0)
    scores = np.array([v.score for v in videos])
    if shuffle_seed is not None:
        scores = np.random.default_rng(shuffle_seed).permutation(scores)
    return FeatureSet(
        [Label(v.name, "tiny", float(s)) for v, s in zip(videos, scores, strict=True)],
        [v.dynamic for v in videos],
        [v.static for v in videos],
    )


def _cv(data: FeatureSet):
    return cross_validate(
        data, data.names, CONFIG, SPEC.score_max, profile="tiny", routine="tiny", target="total"
    )


def test_centring_removes_each_folds_mean() -> None:
    values = np.array([1.0, 3.0, 10.0, 20.0, 30.0])
    fold_of = np.array([0, 0, 1, 1, 1])
    assert fold_centred(values, fold_of).tolist() == [-1.0, 1.0, -10.0, 0.0, 10.0]


def test_a_model_that_predicts_its_training_mean_is_not_ranked_below_zero() -> None:
    """The no-skill head in numbers: each fold gets its training folds' mean plus noise that
    is unrelated to the scores. Pooled ranks come out reversed; within folds they do not."""
    pooled, within = [], []
    for trial in range(200):
        rng = np.random.default_rng(trial)
        truth = rng.uniform(5.0, 20.0, 30)
        fold_of = np.arange(30) % 5
        predicted = np.empty(30)
        for fold in range(5):
            inside = fold_of == fold
            predicted[inside] = truth[~inside].mean() + rng.normal(0.0, 0.3, inside.sum())
        pooled.append(spearman(predicted, truth))
        within.append(within_fold_spearman(predicted, truth, fold_of))
    assert np.mean(pooled) < -0.2
    assert abs(np.mean(within)) < 0.05


def test_bootstrap_keeps_each_fold_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(3)
    truth = rng.uniform(0.0, 25.0, 40)
    fold_of = np.arange(40) % 5
    predicted = truth + rng.normal(0.0, 4.0, 40)
    rho = within_fold_spearman(predicted, truth, fold_of)
    low, high = bootstrap_interval(predicted, truth, fold_of, samples=500)
    assert 0.3 < low < rho < high <= 1.0


def test_no_signal_gives_an_estimate_near_zero_whose_interval_covers_it() -> None:
    """Heads trained on shuffled scores: the pooled out-of-fold Spearman of the very same
    scores is clearly negative on average, the reported (within-fold) estimate is not."""
    pooled, reported, covered = [], [], 0
    for shuffle_seed in range(4):
        outcome = _cv(_set(shuffle_seed))
        pooled.append(spearman(outcome.members.mean(axis=1), outcome.truth))
        estimate = outcome.estimate
        reported.append(estimate.spearman)
        covered += estimate.low <= 0.0 <= estimate.high
    print("pooled", np.round(pooled, 2), "reported", np.round(reported, 2))
    assert np.mean(pooled) < -0.15  # the set shows the bias the estimate must not have
    assert abs(np.mean(reported)) < 0.12
    assert covered == 4


def test_planted_signal_stays_clearly_positive() -> None:
    estimate = _cv(_set(None)).estimate
    print(estimate.text())
    assert estimate.spearman > 0.5 and estimate.low > 0.1

"""The cross-validated estimate: Spearman within folds, unbiased without a signal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from judgeapp.model.set_card import SetCard
from judgeapp.training.cross_validation import (
    CVEstimate,
    fold_count,
    within_fold_spearman,
)
from judgeapp.training.metrics import spearman


def test_within_fold_rho_and_interval_on_constructed_folds() -> None:
    # fold 0 ranks as 1,2,3,5,4 (sum of d^2 = 2: rho 0.9); fold 1 as 3,1,2,5,4 (8: rho 0.6)
    truth = np.array([1, 2, 3, 4, 5, 10, 20, 30, 40, 50], float)
    predicted = np.array([1, 2, 3, 5, 4, 30, 10, 20, 50, 40], float)
    fold_of = np.array([0] * 5 + [1] * 5)
    rho, low, high = within_fold_spearman(predicted, truth, fold_of)
    # rho = (4 * 0.9 + 4 * 0.6) / 8 = 0.75; z = atanh 0.75 +- 1.95996 * sqrt((1 + 0.75^2 / 2) / 8)
    assert rho == pytest.approx(0.75)
    assert low == pytest.approx(0.18638, abs=1e-4)
    assert high == pytest.approx(0.94220, abs=1e-4)


def test_a_fold_of_fewer_than_three_videos_carries_no_weight() -> None:
    truth = np.arange(7, dtype=float)
    predicted = np.array([0, 1, 2, 4, 3, 6, 5], float)  # fold 1 reversed, but only 2 videos
    alone = within_fold_spearman(predicted[:5], truth[:5], np.zeros(5, int))
    both = within_fold_spearman(predicted, truth, np.array([0] * 5 + [1] * 2))
    assert both == pytest.approx(alone) and alone[0] == pytest.approx(0.9)
    assert all(math.isnan(v) for v in within_fold_spearman(truth[:2], truth[:2], np.zeros(2, int)))


def _no_skill_heads(rng: np.random.Generator, videos: int, folds: int):
    """Out-of-fold scores of heads that learnt nothing: each predicts its training folds' mean
    with a little noise; the truth is unrelated to anything the heads saw."""
    truth = rng.normal(15.0, 3.0, videos)
    fold_of = rng.permutation(np.arange(videos) % folds)
    predicted = np.empty(videos)
    for f in range(folds):
        inside = fold_of == f
        predicted[inside] = truth[~inside].mean() + rng.normal(0.0, 0.5, inside.sum())
    return predicted, truth, fold_of


def test_without_a_signal_the_estimate_centres_on_zero_and_its_interval_holds_it() -> None:
    rng = np.random.default_rng(0)
    within, pooled, held = [], [], 0
    runs = 300
    for _ in range(runs):
        predicted, truth, fold_of = _no_skill_heads(rng, 40, 5)
        rho, low, high = within_fold_spearman(predicted, truth, fold_of)
        within.append(rho)
        pooled.append(spearman(predicted, truth))
        held += low <= 0.0 <= high
    # all folds ranked together read "no skill" as clearly below zero; within folds it does not
    assert np.mean(pooled) < -0.1
    assert abs(np.mean(within)) < 0.04
    assert 0.9 <= held / runs <= 0.99  # a 95 % interval


def test_with_a_signal_the_estimate_finds_it() -> None:
    rng = np.random.default_rng(1)
    truth = rng.normal(15.0, 3.0, 40)
    fold_of = np.arange(40) % 5
    predicted = truth + rng.normal(0.0, 1.5, 40) + 3.0 * fold_of  # each fold's heads shifted
    rho, low, high = within_fold_spearman(predicted, truth, fold_of)
    assert 0.6 < low < rho < high


def test_folds_hold_at_least_three_videos_where_possible() -> None:
    assert [fold_count(n, 5) for n in (5, 8, 9, 12, 14, 15, 40)] == [2, 2, 3, 4, 4, 5, 5]


def _estimate(**changes) -> CVEstimate:
    values = dict(target="total", videos=40, folds=5, seeds=2, spearman=0.71, low=0.55,
                  high=0.82, mae=3.1)  # fmt: skip
    return CVEstimate(**{**values, **changes})


def test_an_estimate_written_before_within_folds_says_it_reads_low() -> None:
    new = _estimate()
    assert CVEstimate.from_dict(new.to_dict()) == new
    assert new.spearman_text() == "0.71 [0.55, 0.82]"
    old = new.to_dict()
    del old["estimator"]
    assert "reads low without skill" in CVEstimate.from_dict(old).spearman_text()


def test_the_library_line_marks_a_pooled_estimate(tmp_path) -> None:
    from judgeapp.model.card import ModelCard

    card = ModelCard(name="m", head={}, profile="paper", routine="ball", target="total",
                     score_max=25.0)  # fmt: skip
    new = _estimate().to_dict()
    old = {k: v for k, v in new.items() if k != "estimator"}
    for estimate, marked in ((new, False), (old, True)):
        library = {"videos": 40, "routine": "ball", "estimates": {"total": estimate}}
        line = SetCard("s", "paper", "ball", {"total": (card,)}, library=library).library_line()
        assert line.startswith("trained on 40 videos of this library; cross-validated Spearman ")
        assert ("reads low without skill" in line) == marked

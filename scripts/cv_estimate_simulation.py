"""How the cross-validated Spearman behaves, on simulated out-of-fold scores (no training).

Each simulated head predicts the mean of its training folds, plus `skill` times the held-out
video's distance from that mean, plus noise: skill 0 is a head that learnt nothing. For each
number of videos it draws many libraries (5 folds, scores ~ N(15, 3)) and reports, for the
within-fold estimate that judgeapp uses and for all folds pooled: the mean rho, how often the
95 % interval holds zero, how often it lies above zero, and its median width. The basis of
MIN_VIDEOS (docs/training.md).

    .venv/bin/python scripts/cv_estimate_simulation.py [--draws 1000] [--json F]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from judgeapp.training.cross_validation import DEFAULT_FOLDS, fold_count, within_fold_spearman
from judgeapp.training.metrics import spearman

NOISE = 2.0  # score points; with skill 0.5 the within-fold rank correlation is about 0.6


def simulated_library(rng: np.random.Generator, videos: int, skill: float):
    """(out-of-fold predictions, panel scores, fold of each video) of one simulated library."""
    truth = rng.normal(15.0, 3.0, videos)
    folds = fold_count(videos, DEFAULT_FOLDS)
    fold_of = rng.permutation(np.arange(videos) % folds)
    predicted = np.empty(videos)
    for f in range(folds):
        inside = fold_of == f
        centre = truth[~inside].mean()
        predicted[inside] = centre + skill * (truth[inside] - centre)
        predicted[inside] += rng.normal(0.0, NOISE if skill else 0.5, inside.sum())
    return predicted, truth, fold_of


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    figures = []
    for skill in (0.0, 0.5, 1.0):
        for videos in (12, 15, 20, 25, 30, 35, 40, 60):
            rows = [simulated_library(rng, videos, skill) for _ in range(args.draws)]
            within = np.array([within_fold_spearman(p, t, f) for p, t, f in rows])
            pooled = np.array([spearman(p, t) for p, t, _ in rows])
            row = {
                "skill": skill,
                "videos": videos,
                "within_mean": round(float(np.nanmean(within[:, 0])), 3),
                "pooled_mean": round(float(np.nanmean(pooled)), 3),
                "holds_zero": round(float(np.mean((within[:, 1] <= 0) & (within[:, 2] >= 0))), 3),
                "above_zero": round(float(np.mean(within[:, 1] > 0)), 3),
                "median_width": round(float(np.nanmedian(within[:, 2] - within[:, 1])), 3),
            }
            figures.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The library training loop end to end on generated videos whose panel score is known.

Writes N small videos (96x72, 10 fps, 4 s) of a figure swinging across the frame whose arm span
(its amplitude) is the routine's quality: panel total = 5 + 15 x amplitude. Analyses them into a
fresh library (random backbone weights, no detector: works offline), imports the scores from a
CSV through the import preview, trains a model set from the library with k-fold
cross-validation, installs it, then trains again on several shufflings of the scores (chance
level: the estimate should centre on zero and its interval hold zero). Finally it measures how
wide the interval of Spearman is for fewer videos, and how often it excludes zero (the basis of
MIN_VIDEOS). Everything runs in a temporary data and cache folder.

    .venv/bin/python scripts/library_training_demo.py [--videos 40] [--shuffles 5] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# The background is the backbones' input mean (ImageNet's, BGR) and the figure a little lighter:
# backbones with random weights (offline) then give features of moderate size that grow with
# the figure's area, as pretrained ones give features of moderate size.
BACKGROUND = (104, 116, 124)
FIGURE = (134, 146, 154)


def write_videos(folder: Path, count: int, seed: int) -> list[tuple[Path, float, str]]:
    """(path, amplitude, athlete) of each generated video."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    width, height, fps, frames = 96, 72, 10, 40
    for i in range(count):
        amplitude = float(rng.uniform(0.0, 1.0))
        phase = float(rng.uniform(0, 2 * np.pi))
        path = folder / f"routine{i:02d}.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
        for f in range(frames):
            frame = np.empty((height, width, 3), np.uint8)
            frame[:] = BACKGROUND
            x = int(width / 2 + 20 * np.sin(2 * np.pi * f / fps * 0.8 + phase))
            span = int(4 + 22 * amplitude)  # arms: half-width of the bar
            cv2.rectangle(frame, (x - 4, 18), (x + 4, 62), FIGURE, -1)  # body
            cv2.rectangle(frame, (x - span, 26), (x + span, 32), FIGURE, -1)  # arms
            writer.write(frame)
        writer.release()
        out.append((path, amplitude, f"athlete{i % 10}"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=80)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shuffles", type=int, default=5, help="shuffled-score runs")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="judgeapp-library-demo-"))
    os.environ["JUDGEAPP_DATA_DIR"] = str(root / "data")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(root / "cache")
    os.environ["JUDGEAPP_OFFLINE"] = "1"
    import numpy as np
    import torch

    from judgeapp.analysis import AnalysisOptions, analyze
    from judgeapp.analysis.backbone_pool import BackbonePool
    from judgeapp.app.library_training import (
        LibraryTrainRequest,
        install_trained,
        library_profiles,
        library_videos,
        train_from_library,
    )
    from judgeapp.app.score_import import apply_import, preview_import
    from judgeapp.store.library import Library
    from judgeapp.training.cross_validation import within_fold_spearman

    torch.set_num_threads(args.threads)
    figures: dict = {"videos": args.videos, "epochs": args.epochs, "seeds": args.seeds}
    started = time.perf_counter()
    made = write_videos(root / "videos", args.videos, seed=0)
    options = AnalysisOptions(
        pretrained=False, model="random", device="cpu", detector="none", engine="torch"
    )
    pool = BackbonePool()
    library = Library.open(root / "data" / "library.sqlite3")
    for path, _, _ in made:
        library.save_analysis(analyze(path, options, pool=pool))
    figures["analyse_s"] = round(time.perf_counter() - started, 1)
    print(f"analysed {len(made)} videos into {library.path} ({figures['analyse_s']} s)")

    csv_file = root / "panel.csv"
    lines = ["name,total,routine,athlete"]
    lines += [f"{p.name},{5 + 15 * a:.2f},swing,{who}" for p, a, who in made]
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preview = preview_import(library, csv_file)
    print(preview.summary())
    assert preview.can_apply, preview.problem_text()
    apply_import(library, preview)
    videos = library_videos(library)
    profiles = library_profiles(library)
    request = LibraryTrainRequest(
        routine="swing",
        targets=("total",),
        seeds=args.seeds,
        folds=args.folds,
        epochs=args.epochs,
        options=AnalysisOptions(pretrained=False, device="cpu", detector="none", engine="torch"),
    )
    results = {}
    runs = [("planted", None)] + [(f"shuffled{k}", k) for k in range(1, args.shuffles + 1)]
    for label, shuffle in runs:
        t0 = time.perf_counter()
        trained = train_from_library(
            videos,
            LibraryTrainRequest(**{**request.__dict__, "shuffle_seed": shuffle}),
            profiles=profiles,
            library_label=str(library.path),
        )
        estimate = trained.estimates["total"]
        results[label] = {**estimate.to_dict(), "seconds": round(time.perf_counter() - t0, 1)}
        print(f"{label}: {estimate.text()}")
        if label == "planted":
            members, truth, fold_of = trained.out_of_fold["total"]
            print(trained.card.describe())
            print(f"installed {install_trained(trained).name}")
        else:
            trained.discard()
    figures.update(results)

    shuffled = [results[label] for label, shuffle in runs if shuffle is not None]
    if shuffled:
        figures["shuffled_mean_spearman"] = round(
            float(np.mean([r["spearman"] for r in shuffled])), 3
        )
        figures["shuffled_intervals_holding_zero"] = sum(
            r["low"] <= 0 <= r["high"] for r in shuffled
        )
        print(
            f"shuffled: mean Spearman {figures['shuffled_mean_spearman']}, "
            f"{figures['shuffled_intervals_holding_zero']} of {len(shuffled)} intervals hold zero"
        )

    # The interval of Spearman against the number of videos: the planted set's out-of-fold
    # scores on random subsets of n videos (each keeps its fold), 200 draws each: the median
    # width and how often the interval excludes zero.
    rng = np.random.default_rng(0)
    predicted = members.mean(axis=1)
    by_n = {}
    for n in (12, 15, 20, 25, 30, 35, 40):
        if n > len(truth):
            continue
        drawn = []
        for _ in range(200):
            pick = rng.choice(len(truth), size=n, replace=False)
            drawn.append(within_fold_spearman(predicted[pick], truth[pick], fold_of[pick]))
        drawn = np.array(drawn)
        by_n[n] = {
            "median_rho": round(float(np.nanmedian(drawn[:, 0])), 3),
            "median_width": round(float(np.nanmedian(drawn[:, 2] - drawn[:, 1])), 3),
            "share_excluding_zero": round(float(np.mean(drawn[:, 1] > 0)), 3),
        }
    figures["interval_by_videos"] = by_n
    print("the interval by videos (planted):", by_n)
    figures["total_s"] = round(time.perf_counter() - started, 1)
    library.close()
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

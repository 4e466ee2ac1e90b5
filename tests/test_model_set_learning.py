"""`judgeapp train --target all --seeds 3` on a synthetic RG-style set: difficulty and
execution are carried by different planted instances (own markers, own score patterns) in both
streams, total = D + E. The set's D and E heads must rank their own targets and attend to their
own instances, and the intervals must hold the stated share of held-out videos.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from training_helpers import one_thread  # noqa: F401  (fixture)

from judgeapp.cli import main
from judgeapp.model.model_set import load_model_set, predict_set, target_interval
from judgeapp.training.metrics import spearman
from judgeapp.training.synthetic import (
    SyntheticSpec,
    make_judged_videos,
    write_rg_labels,
    write_videos,
)

SPEC = SyntheticSpec(dynamic_dim=32, static_dim=48, segments=(10, 16), frames=(12, 20), carriers=2)
TRAIN_ARGS = [
    "--routine", "video", "--target", "all", "--seeds", "3", "--epochs", "18",
    "--batch-size", "16", "--lr-attention", "0.05", "--lr-regressor", "0.25",
    "--segments", "16", "--frames", "20", "--val-fraction", "0.3", "--device", "cpu",
]  # fmt: skip


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, one_thread) -> dict:  # noqa: F811
    root = tmp_path_factory.mktemp("judged")
    train = make_judged_videos(SyntheticSpec(**{**SPEC.__dict__, "videos": 160}), seed=1)
    test = make_judged_videos(SyntheticSpec(**{**SPEC.__dict__, "videos": 200}), seed=2)
    write_videos(root / "features", train + test)
    write_rg_labels(root / "train.txt", train)
    write_rg_labels(root / "test.txt", test)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([
            "train", "--features", str(root / "features"), "--labels", str(root / "train.txt"),
            *TRAIN_ARGS, "--out", str(root / "set.safetensors"),
        ])  # fmt: skip
    assert code == 0, err.getvalue()
    epochs = defaultdict(list)  # the epochs each member reported, one stderr line each
    for member, epoch in re.findall(r"\[video (\w+ seed \d)\] epoch (\d+)/18 ", err.getvalue()):
        epochs[member].append(int(epoch))
    model_set = load_model_set(root / "set.safetensors")
    predictions = predict_set(model_set, [v.dynamic for v in test], [v.static for v in test])
    return {
        "root": root,
        "test": test,
        "set": model_set,
        "pred": predictions,
        "epochs": dict(epochs),
    }


def test_the_set_has_three_targets_of_three_members(trained: dict) -> None:
    card = trained["set"].card
    assert set(card.targets) == {"difficulty", "execution", "total"}
    assert all(len(m) == 3 for m in card.targets.values())
    assert [c.seed for c in card.targets["execution"]] == [0, 1, 2]
    assert {c.score_max for c in card.targets["difficulty"]} == {20.0}
    # one validation split for every member: the same held-out videos
    held_out = {
        tuple(c.protocol["data"]["validation"]["videos"])
        for cards in card.targets.values()
        for c in cards
    }
    assert len(held_out) == 1
    for calibration in card.intervals.values():
        assert calibration.videos == 48 and calibration.nominal == 0.9
    # every member ran its 18 epochs on the 112 videos left for training
    members = [f"{t} seed {s}" for t in ("difficulty", "execution", "total") for s in range(3)]
    assert trained["epochs"] == {m: list(range(1, 19)) for m in members}
    for cards in card.targets.values():
        for c in cards:
            assert c.protocol["epochs"] == 18 and 1 <= c.protocol["best_epoch"] <= 18
            assert len(c.protocol["data"]["train"]["videos"]) == 112


def test_each_head_ranks_its_own_target(trained: dict) -> None:
    test = trained["test"]
    for target in ("difficulty", "execution", "total"):
        truth = np.array([getattr(v, target) for v in test])
        rho = spearman(trained["pred"][target].mean, truth)
        assert rho >= 0.8, (target, rho)
    # and not the other one (D and E are independent)
    rho_cross = spearman(trained["pred"]["difficulty"].mean, np.array([v.execution for v in test]))
    assert abs(rho_cross) < 0.3, rho_cross


def _own_share(trained: dict, target: str, carriers_of: str, stream: str) -> float:
    """Mean share of the target's attention on `carriers_of`'s instances, over uniform."""
    ratios = []
    for v, video in enumerate(trained["test"]):
        weights = getattr(trained["pred"][target], f"{stream}_attention")[v]
        where = video.carriers[carriers_of][stream]
        ratios.append(weights[where].sum() / (len(where) / len(weights)))
    return float(np.mean(ratios))


@pytest.mark.parametrize("stream", ["dynamic", "static"])
def test_d_and_e_heads_attend_to_their_own_instances(trained: dict, stream: str) -> None:
    for own, other in (("difficulty", "execution"), ("execution", "difficulty")):
        mine = _own_share(trained, own, own, stream)
        theirs = _own_share(trained, own, other, stream)
        assert mine > 1.5 and mine > 2 * theirs, (own, stream, mine, theirs)


def test_intervals_hold_the_stated_share_of_held_out_videos(trained: dict) -> None:
    model_set, test = trained["set"], trained["test"]
    for target, calibration in model_set.card.intervals.items():
        inside, widths = 0, []
        for v, video in enumerate(test):
            members = trained["pred"][target].members[v]
            value, low, high = target_interval(model_set, target, members)
            assert 0 <= low <= value <= high <= model_set.card.targets[target][0].score_max
            inside += int(low <= getattr(video, target) <= high)
            widths.append(high - low)
        coverage = inside / len(test)
        # 200 held-out videos: one standard error of a 90 % share is 2.1 points
        assert abs(coverage - calibration.nominal) <= 0.07, (target, coverage)
        assert abs(calibration.coverage - calibration.nominal) <= 0.12, calibration
        assert np.mean(widths) == pytest.approx(calibration.mean_width, rel=0.35)


def test_evaluate_reports_each_target_with_coverage(trained: dict, capsys) -> None:
    root = trained["root"]
    capsys.readouterr()
    code = main([
        "evaluate", "--model", str(root / "set.safetensors"), "--features",
        str(root / "features"), "--labels", str(root / "test.txt"), "--device", "cpu",
        "--json", "-",
    ])  # fmt: skip
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert {"spearman", "pearson", "mae", "n"} <= set(report) and report["n"] == 200
    assert set(report["targets"]) == {"difficulty", "execution", "total"}
    total = report["targets"]["total"]
    assert report["spearman"] == pytest.approx(total["spearman"])
    for entry in report["targets"].values():
        assert entry["n"] == 200 and entry["spearman"] >= 0.8
        assert abs(entry["coverage"] - 0.9) <= 0.07 and entry["mean_width"] > 0


def test_seeds_for_one_target_also_write_a_one_target_set(tmp_path: Path, one_thread) -> None:  # noqa: F811
    videos = make_judged_videos(SyntheticSpec(**{**SPEC.__dict__, "videos": 30}), seed=3)
    write_videos(tmp_path / "features", videos)
    write_rg_labels(tmp_path / "train.txt", videos)
    out = tmp_path / "d.safetensors"
    code = main([
        "train", "--features", str(tmp_path / "features"), "--labels",
        str(tmp_path / "train.txt"), "--routine", "video", "--target", "difficulty",
        "--seeds", "2", "--epochs", "2", "--val-fraction", "0.3", "--segments", "10",
        "--frames", "12", "--device", "cpu", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    one = load_model_set(tmp_path / "d.set.safetensors")
    assert list(one.card.targets) == ["difficulty"] and len(one.heads["difficulty"]) == 2
    assert one.card.intervals["difficulty"].videos == 9
    assert one.card.main_card().target == "difficulty"


def test_ablate_reports_every_target(trained: dict, capsys) -> None:
    root = trained["root"]
    capsys.readouterr()
    code = main([
        "ablate", "--features", str(root / "features"), "--labels", str(root / "train.txt"),
        "--test-labels", str(root / "test.txt"), "--routine", "video", "--target", "all",
        "--variants", "full,average", "--epochs", "2", "--segments", "16", "--frames", "20",
        "--device", "cpu", "--json", "-",
    ])  # fmt: skip
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["targets"]) == {"difficulty", "execution", "total"}
    assert (
        report["target"] == "total"
        and report["variants"] == (report["targets"]["total"]["variants"])
    )
    for entry in report["targets"].values():
        assert [v["variant"] for v in entry["variants"]] == ["full", "average"]
        assert all(v["test_n"] == 200 and v["test_mae_mean"] > 0 for v in entry["variants"])
    # each target was trained on its own column: the difficulty and execution runs differ
    d, e = (report["targets"][t]["variants"][0] for t in ("difficulty", "execution"))
    assert d != e

"""Training end to end through the CLI on a synthetic feature set in the authors' layout.

Each video's score is carried by two marked instances per stream at random positions; every other
instance holds a random decoy amount of the score pattern, so only attention on the marked
instances reads the score well. The features are smaller than the real ones (128/256-d instead
of 1024/2048) so that a run takes seconds; everything else is the real path: .npy files, a CSV
of labels, `judgeapp train`, a safetensors checkpoint, `judgeapp evaluate --json`.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from training_helpers import one_thread  # noqa: F401  (fixture)

from judgeapp.cli import main
from judgeapp.model import load_checkpoint
from judgeapp.model.predict import score_videos
from judgeapp.training.feature_set import load_feature_set
from judgeapp.training.labels import load_labels
from judgeapp.training.synthetic import (
    SyntheticSpec,
    make_videos,
    write_labels_csv,
    write_videos,
)

SPEC = SyntheticSpec(dynamic_dim=128, static_dim=256, segments=(4, 16), frames=(8, 32))
# A short run: higher learning rates than the paper's 400-epoch protocol, smaller batches.
TRAIN_ARGS = [
    "--routine", "synthetic", "--score-max", "25", "--epochs", "60", "--batch-size", "16",
    "--lr-attention", "0.05", "--lr-regressor", "0.25", "--segments", "16", "--frames", "32",
    "--device", "cpu", "--seed", "0",
]  # fmt: skip


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, one_thread) -> dict:  # noqa: F811
    root = tmp_path_factory.mktemp("synthetic")
    train = make_videos(SyntheticSpec(**{**SPEC.__dict__, "videos": 100}), seed=1)
    test = make_videos(SyntheticSpec(**{**SPEC.__dict__, "videos": 100}), seed=2)
    write_videos(root / "features", train + test)
    write_labels_csv(root / "train.csv", train)
    write_labels_csv(root / "test.csv", test)
    shuffled = np.random.default_rng(7).permutation([v.score for v in train])
    (root / "shuffled.csv").write_text(
        "name,score\n"
        + "".join(f"{v.name},{s:.2f}\n" for v, s in zip(train, shuffled, strict=True))
    )
    return {"root": root, "train": train, "test": test}


def _train(root: Path, labels: str, out: str) -> list[int]:
    """Train; return the epochs the command reported, in order (one stderr line each)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([
            "train", "--features", str(root / "features"), "--labels", str(root / labels),
            "--test-labels", str(root / "test.csv"), *TRAIN_ARGS, "--out", str(root / out),
        ])  # fmt: skip
    assert code == 0, err.getvalue()
    return [int(n) for n in re.findall(r"\] epoch (\d+)/60 ", err.getvalue())]


def _evaluate(root: Path, model: str, capsys) -> dict:
    capsys.readouterr()
    code = main([
        "evaluate", "--model", str(root / model), "--features", str(root / "features"),
        "--labels", str(root / "test.csv"), "--device", "cpu", "--json", "-",
    ])  # fmt: skip
    assert code == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def trained(synthetic: dict) -> dict:
    epochs = _train(synthetic["root"], "train.csv", "head.safetensors")
    return {**synthetic, "epochs": epochs}


def test_training_reaches_high_spearman(trained: dict, capsys) -> None:
    # How long this takes is benchmarks/training.py's business; here: what was learnt, on what.
    report = _evaluate(trained["root"], "head.safetensors", capsys)
    assert report["spearman"] >= 0.9, report["spearman"]
    assert report["n"] == 100
    _, card = load_checkpoint(trained["root"] / "head.safetensors")
    assert card.trained and card.routine == "synthetic" and card.score_max == 25
    assert card.test_spearman == pytest.approx(report["spearman"])
    # all 60 epochs ran and, with nothing held out for validation, the last one is kept
    assert trained["epochs"] == list(range(1, 61))
    assert card.protocol["epochs"] == 60 and card.protocol["best_epoch"] == 60
    data = card.protocol["data"]
    assert sorted(data["train"]["videos"]) == sorted(v.name for v in trained["train"])
    assert data["validation"]["videos"] == []
    assert sorted(data["test"]["videos"]) == sorted(v.name for v in trained["test"])


def test_attention_falls_on_the_carrying_instances(trained: dict) -> None:
    root, test = trained["root"], trained["test"]
    model, card = load_checkpoint(root / "head.safetensors")
    data = load_feature_set(root / "features", load_labels(root / "test.csv", "total", "x"))
    out = score_videos(model, card, data.dynamic, data.static)
    assert out.dynamic_attention.shape[1] == 16 and out.static_attention.shape[1] == 32
    for stream, attention in (("dynamic", out.dynamic_attention), ("static", out.static_attention)):
        ratios = []
        for video, weights in zip(test, attention, strict=True):
            carriers = getattr(video, f"{stream}_carriers")
            count = len(getattr(video, stream))
            assert weights[count:].sum() == 0  # padding gets no weight
            ratios.append(weights[carriers].sum() / (len(carriers) / count))
        # The carriers' share of the attention, as a multiple of the uniform share.
        assert np.mean(ratios) > 2.0, (stream, np.mean(ratios))


def test_shuffled_scores_learn_nothing(synthetic: dict, capsys) -> None:
    assert _train(synthetic["root"], "shuffled.csv", "shuffled.safetensors") == list(range(1, 61))
    report = _evaluate(synthetic["root"], "shuffled.safetensors", capsys)
    assert abs(report["spearman"]) < 0.3, report["spearman"]


def test_evaluate_json_has_the_contract_keys(trained: dict, capsys) -> None:
    report = _evaluate(trained["root"], "head.safetensors", capsys)
    assert {"spearman", "pearson", "mae", "n"} <= set(report)
    assert isinstance(report["n"], int) and isinstance(report["mae"], float)
    names = {v.name for v in trained["test"]}
    assert {v["name"] for v in report["videos"]} == names


def test_evaluate_refuses_features_of_another_profile(trained: dict, capsys) -> None:
    root = trained["root"]
    manifest = root / "features" / "manifest.json"
    manifest.write_text(json.dumps({"profile": "torchvision", "videos": {}}))
    try:
        code = main([
            "evaluate", "--model", str(root / "head.safetensors"),
            "--features", str(root / "features"), "--labels", str(root / "test.csv"),
        ])  # fmt: skip
    finally:
        manifest.unlink()
    assert code == 1
    err = capsys.readouterr().err
    assert "trained on 'paper' features" in err and "'torchvision'" in err

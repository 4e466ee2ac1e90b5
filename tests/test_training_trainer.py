"""The trainer's protocol, reproducibility, validation, seeds and the ablate command (tiny sets)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from training_helpers import one_thread  # noqa: F401  (fixture)

from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.model import load_checkpoint
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.labels import Label
from judgeapp.training.metrics import compute_metrics, fisher_z_mean
from judgeapp.training.protocol import TrainConfig, default_lr_steps, paper_epochs
from judgeapp.training.synthetic import (
    SyntheticSpec,
    make_videos,
    write_labels_csv,
    write_videos,
)
from judgeapp.training.trainer import split_validation, train_head

pytestmark = pytest.mark.usefixtures("one_thread")

TINY = SyntheticSpec(videos=24, dynamic_dim=16, static_dim=32, segments=(3, 6), frames=(4, 9))


def _feature_set(seed: int = 0, videos: int = 24) -> FeatureSet:
    vids = make_videos(dataclasses.replace(TINY, videos=videos), seed=seed)
    return FeatureSet(
        [Label(v.name, "tiny", v.score) for v in vids],
        [v.dynamic for v in vids],
        [v.static for v in vids],
    )


def test_paper_protocol_defaults() -> None:
    config = TrainConfig()
    assert (config.batch_size, config.lr_attention, config.lr_regressor) == (32, 0.01, 0.05)
    assert (config.momentum, config.weight_decay, config.segments, config.frames) == (
        0.9, 1e-4, 26, 80,
    )  # fmt: skip
    assert [paper_epochs(r) for r in ("ball", "clubs", "hoop", "ribbon")] == [400, 300, 500, 300]
    # The authors' MultiStepLR.step(epoch) with 1-based epochs: the rate drops at 1-based epoch
    # E - 100 and E - 50, i.e. 0-based E - 101 and E - 51.
    assert default_lr_steps(400) == (299, 349) and default_lr_steps(500) == (399, 449)
    hoop = TrainConfig(epochs=500)
    assert hoop.lr_factor(398) == 1.0 and hoop.lr_factor(399) == pytest.approx(0.1)
    assert hoop.lr_factor(448) == pytest.approx(0.1) and hoop.lr_factor(449) == pytest.approx(0.01)
    assert config.init == "xavier" and config.to_dict()["init"] == "xavier"
    assert config.to_dict()["window"] == {"policy": "centred", "segments": 26, "frames": 80}
    assert TrainConfig(segments=None, frames=None).to_dict()["window"] == {"policy": "whole"}
    assert TrainConfig(epochs=40).steps == (30, 35)
    assert TrainConfig(epochs=40, lr_steps=(5,)).lr_factor(5) == pytest.approx(0.1)
    with pytest.raises(ValueError):
        TrainConfig(val_fraction=1.0)
    with pytest.raises(ValueError):
        TrainConfig(init="zeros")


def test_same_seed_gives_identical_weights_other_seed_does_not() -> None:
    data = _feature_set()
    config = TrainConfig(epochs=3, batch_size=8, segments=5, frames=8, val_fraction=0.25)
    first = train_head(data, config, 25.0)
    second = train_head(data, config, 25.0)
    other = train_head(data, dataclasses.replace(config, seed=1), 25.0)
    a, b, c = (r.model.state_dict() for r in (first, second, other))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)
    assert [h.loss for h in first.history] == [h.loss for h in second.history]
    assert first.val_names == second.val_names != other.val_names


def test_validation_picks_the_epoch_and_is_disjoint() -> None:
    train_idx, val_idx = split_validation(20, 0.2, seed=3)
    assert len(val_idx) == 4 and not set(train_idx) & set(val_idx)
    assert sorted([*train_idx, *val_idx]) == list(range(20))
    data = _feature_set()
    result = train_head(data, TrainConfig(epochs=4, batch_size=8, val_fraction=0.25), 25.0)
    rhos = [h.val_spearman for h in result.history]
    best = max(range(4), key=lambda i: -np.inf if np.isnan(rhos[i]) else rhos[i])
    assert result.best_epoch == best + 1 and result.val_spearman == pytest.approx(rhos[best])
    assert not set(result.val_names) & set(result.train_names)


def test_scores_outside_the_range_are_refused() -> None:
    data = _feature_set()
    bad = data.with_scores(np.full(len(data), 30.0))
    with pytest.raises(JudgeappError, match=r"score 30 is outside \[0, 25\]"):
        train_head(bad, TrainConfig(epochs=1), 25.0)


def test_metrics_and_fisher_average() -> None:
    m = compute_metrics(np.array([1.0, 2.0, 3.0, 5.0]), np.array([2.0, 1.0, 4.0, 6.0]))
    assert m.spearman == pytest.approx(0.8) and m.n == 4 and m.mae == pytest.approx(1.0)
    assert np.isnan(compute_metrics(np.ones(3), np.arange(3.0)).spearman)
    assert fisher_z_mean([0.5, 0.5]) == pytest.approx(0.5)
    assert fisher_z_mean([0.9, 0.1]) == pytest.approx(
        np.tanh((np.arctanh(0.9) + np.arctanh(0.1)) / 2)
    )


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    train = make_videos(TINY, seed=1)
    test = make_videos(dataclasses.replace(TINY, videos=12), seed=2)
    write_videos(root / "features", train + test)
    write_labels_csv(root / "train.csv", train)
    write_labels_csv(root / "test.csv", test)
    return root


def _common(root: Path) -> list[str]:
    return [
        "--features", str(root / "features"), "--labels", str(root / "train.csv"),
        "--test-labels", str(root / "test.csv"), "--routine", "tiny", "--score-max", "25",
        "--epochs", "3", "--batch-size", "8", "--segments", "5", "--frames", "8",
        "--device", "cpu",
    ]  # fmt: skip


def test_train_seeds_reports_mean_and_std(tiny_files: Path, capsys) -> None:
    out = tiny_files / "seeds" / "head.safetensors"
    code = main(["train", *_common(tiny_files), "--seeds", "2", "--val-fraction", "0.25",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    summary = json.loads(out.with_suffix(".seeds.json").read_text())
    assert summary["seeds"] == [0, 1] and len(summary["runs"]) == 2
    tests = [r["test_spearman"] for r in summary["runs"]]
    assert summary["test_spearman"]["mean"] == pytest.approx(np.mean(tests))
    assert summary["test_spearman"]["std"] == pytest.approx(np.std(tests, ddof=1))
    for seed in (0, 1):
        _, card = load_checkpoint(out.with_name(f"head.seed{seed}.safetensors"))
        assert card.seed == seed and card.protocol["val_fraction"] == 0.25
    _, chosen = load_checkpoint(out)
    best = max(summary["runs"], key=lambda r: r["val_spearman"] or -2)
    assert chosen.seed == best["seed"]
    assert "2 seeds: val rho" in capsys.readouterr().out


def test_training_twice_writes_the_same_weights(tiny_files: Path) -> None:
    paths = [tiny_files / f"repro{i}.safetensors" for i in (1, 2)]
    for path in paths:
        assert main(["train", *_common(tiny_files), "--seed", "5", "--out", str(path)]) == 0
    tensors = []
    for path in paths:
        with safe_open(str(path), framework="pt") as reader:
            tensors.append({k: reader.get_tensor(k) for k in reader.keys()})
    assert tensors[0].keys() == tensors[1].keys()
    assert all(torch.equal(tensors[0][k], tensors[1][k]) for k in tensors[0])
    cards = [load_checkpoint(p)[1] for p in paths]
    assert dataclasses.replace(cards[0], created="", protocol={}) == dataclasses.replace(
        cards[1], created="", protocol={}
    )


def test_ablate_runs_variants_and_prints_the_table(tiny_files: Path, capsys) -> None:
    capsys.readouterr()
    code = main(["ablate", *_common(tiny_files), "--variants", "full,static,sau,temporal",
                 "--json", "-"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [v["variant"] for v in report["variants"]] == ["full", "static", "sau", "temporal"]
    assert all(v["test_spearman"]["mean"] is not None for v in report["variants"])
    assert "static stream only" in captured.err and "SAU" in captured.err
    assert main(["ablate", *_common(tiny_files), "--variants", "full,lstm"]) == 1
    assert "unknown ablation variant lstm" in capsys.readouterr().err


def test_card_test_score_uses_the_training_window(tiny_files: Path, capsys) -> None:
    model = tiny_files / "small_window.safetensors"
    args = _common(tiny_files)
    args[args.index("--segments") + 1], args[args.index("--frames") + 1] = "2", "3"
    assert main(["train", *args, "--out", str(model)]) == 0
    _, card = load_checkpoint(model)
    assert (card.protocol["segments"], card.protocol["frames"]) == (2, 3)
    capsys.readouterr()
    code = main([
        "evaluate", "--model", str(model), "--features", str(tiny_files / "features"),
        "--labels", str(tiny_files / "test.csv"), "--json", "-",
    ])  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["spearman"] == pytest.approx(card.test_spearman)


def test_lr_steps_match_the_authors_multisteplr() -> None:
    # Their trainer: MultiStepLR(optim, [E-100, E-50], 0.1) and scheduler.step(epoch) before each
    # 1-based epoch; PyTorch's closed form of that schedule is gamma ** bisect_right(steps, epoch).
    import bisect

    for epochs in (300, 400, 500):
        config = TrainConfig(epochs=epochs)
        for epoch in range(epochs):
            theirs = 0.1 ** bisect.bisect_right([epochs - 100, epochs - 50], epoch + 1)
            assert config.lr_factor(epoch) == pytest.approx(theirs), (epochs, epoch)


def test_xavier_init_is_the_authors_and_pytorch_init_stays_available() -> None:
    from torch import nn

    from judgeapp.training.trainer import build_head

    torch.manual_seed(0)
    xavier = build_head(TrainConfig(), 1024, 2048)
    linears = [m for m in xavier.modules() if isinstance(m, nn.Linear)]
    assert len(linears) == 14  # per stream 2 embedding, 2 GCN, 2 attention; 2 regressor
    for layer in linears:
        assert torch.count_nonzero(layer.bias) == 0
        fan_out, fan_in = layer.weight.shape
        bound = (6 / (fan_in + fan_out)) ** 0.5
        assert layer.weight.abs().max() <= bound
        assert layer.weight.abs().max() > 0.9 * bound
    torch.manual_seed(0)
    default = build_head(TrainConfig(init="pytorch"), 1024, 2048)
    biases = [m.bias for m in default.modules() if isinstance(m, nn.Linear)]
    assert all(torch.count_nonzero(b) > 0 for b in biases)

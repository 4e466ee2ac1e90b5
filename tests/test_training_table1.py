"""The README's two commands for the paper's Table 1, on the real RG label files.

The authors' features are not in this repository, so small random features stand in for them
under the real video names; the commands, the per-routine split and the table are the real ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from training_helpers import one_thread  # noqa: F401  (fixture)

from judgeapp.cli import main
from judgeapp.model import load_checkpoint
from judgeapp.training.labels import RG_ROUTINES, load_rg_rows
from judgeapp.training.metrics import fisher_z_mean

RG = Path(__file__).resolve().parents[2] / "shared" / "data" / "rg"
pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def rg_features(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (RG / "train.txt").is_file():
        pytest.skip(f"RG annotation files not found at {RG}")
    root = tmp_path_factory.mktemp("rg_features")
    rng = np.random.default_rng(0)
    for sub in ("dynamic_feat", "static_feat"):
        (root / sub).mkdir()
    for row in load_rg_rows(RG / "train.txt") + load_rg_rows(RG / "test.txt"):
        np.save(root / "dynamic_feat" / f"{row.name}.npy", rng.random((6, 8), dtype=np.float32))
        np.save(root / "static_feat" / f"{row.name}.npy", rng.random((9, 16), dtype=np.float32))
    return root


def test_train_each_routine_then_table_1(rg_features: Path, tmp_path: Path, capsys) -> None:
    models = tmp_path / "models"
    code = main([
        "train", "--features", str(rg_features), "--labels", str(RG / "train.txt"),
        "--routine", "ball,clubs,hoop,ribbon", "--test-labels", str(RG / "test.txt"),
        "--epochs", "1", "--device", "cpu", "--out", str(models),
    ])  # fmt: skip
    assert code == 0
    for routine in RG_ROUTINES:
        _, card = load_checkpoint(models / f"{routine}.safetensors")
        assert (card.routine, card.target, card.score_max, card.profile) == (
            routine, "total", 25.0, "paper",
        )  # fmt: skip
        assert len(card.protocol["data"]["train"]["videos"]) == 200
        assert len(card.protocol["data"]["test"]["videos"]) == 50
        assert card.protocol["epochs"] == 1 and card.protocol["batch_size"] == 32

    capsys.readouterr()
    json_path = tmp_path / "table1.json"
    code = main([
        "evaluate", "--model", str(models), "--features", str(rg_features),
        "--labels", str(RG / "test.txt"), "--device", "cpu", "--json", str(json_path),
    ])  # fmt: skip
    assert code == 0
    table = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in table[1:5]] == sorted(RG_ROUTINES)
    assert table[5].startswith("average (Fisher z)")
    report = json.loads(json_path.read_text())
    per_routine = [m["spearman"] for m in report["models"]]
    assert [m["n"] for m in report["models"]] == [50] * 4 and report["n"] == 200
    assert report["spearman"] == pytest.approx(fisher_z_mean(per_routine))
    assert {"spearman", "pearson", "mae", "n"} <= set(report)

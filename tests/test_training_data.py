"""Labels, feature sets and windows: the real RG annotation files, the authors' layout, padding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from judgeapp.core.errors import JudgeappError
from judgeapp.features.feature_folder import manifest_profile
from judgeapp.model.windows import PackedSplit, WindowSize
from judgeapp.training.feature_set import load_feature_set
from judgeapp.training.labels import (
    RG_ROUTINES,
    Label,
    default_score_max,
    load_labels,
    load_rg_rows,
)

RG = Path(__file__).resolve().parents[2] / "shared" / "data" / "rg"


@pytest.fixture(scope="module")
def rg_dir() -> Path:
    if not (RG / "train.txt").is_file():
        pytest.skip(f"RG annotation files not found at {RG}")
    return RG


def test_real_rg_files_parse_to_800_train_and_200_test(rg_dir: Path) -> None:
    train = load_rg_rows(rg_dir / "train.txt")
    test = load_rg_rows(rg_dir / "test.txt")
    assert (len(train), len(test)) == (800, 200)
    for routine in RG_ROUTINES:
        assert sum(r.routine == routine for r in train) == 200
        assert sum(r.routine == routine for r in test) == 50
    assert {r.routine for r in train + test} == set(RG_ROUTINES)
    assert not {r.name for r in train} & {r.name for r in test}
    for row in train + test:
        assert abs(row.total - (row.difficulty + row.execution - row.penalty)) <= 0.011, row


def test_rg_targets_and_routines(rg_dir: Path) -> None:
    ball = load_labels(rg_dir / "train.txt", "total", "ball")
    assert len(ball) == 200 and ball[0] == Label("Ball_001", "ball", 18.80)
    execution = load_labels(rg_dir / "test.txt", "execution", "all")
    assert len(execution) == 200
    rows = {r.name: r for r in load_rg_rows(rg_dir / "test.txt")}
    assert all(lab.score == rows[lab.name].execution for lab in execution)
    for target in ("total", "difficulty", "execution"):
        scores = [lab.score for lab in load_labels(rg_dir / "train.txt", target)]
        assert 0 <= min(scores) and max(scores) <= default_score_max(rg_dir / "train.txt", target)
    with pytest.raises(JudgeappError, match="no videos of routine 'rope'"):
        load_labels(rg_dir / "train.txt", "total", "rope")


def test_rg_header_with_mixed_whitespace_and_bad_lines(tmp_path: Path) -> None:
    good = tmp_path / "mixed.txt"
    good.write_text(
        "Video_Name\tDifficulty_Score    Execution_Score Total_Score\tPenalty\tVideo_length\n"
        "Hoop_007  8.0\t7.5 15.5 0.00 95\n"
    )
    assert load_labels(good, "difficulty", "hoop") == [Label("Hoop_007", "hoop", 8.0)]
    bad = tmp_path / "bad.txt"
    bad.write_text(good.read_text() + "Hoop_008 8.0 x 15.5 0.00 95\n")
    with pytest.raises(JudgeappError, match=r"bad.txt: line 3: a score is not a number"):
        load_labels(bad)
    short = tmp_path / "short.txt"
    short.write_text(good.read_text() + "Hoop_009 8.0 7.0\n")
    with pytest.raises(JudgeappError, match=r"short.txt: line 3: expected 6 columns, got 3"):
        load_labels(short)


def test_plain_csv_labels(tmp_path: Path) -> None:
    path = tmp_path / "skating.csv"
    path.write_text("name,score\nskater_1,71.5\nskater_2, 64.25\n")
    assert load_labels(path, "total", "skating") == [
        Label("skater_1", "skating", 71.5),
        Label("skater_2", "skating", 64.25),
    ]
    assert default_score_max(path, "total") is None
    with pytest.raises(JudgeappError, match="needs an RG file"):
        load_labels(path, "difficulty", "skating")
    path.write_text("skater_1,71.5\nskater_2,oops\n")
    with pytest.raises(JudgeappError, match=r"skating.csv: line 2: score 'oops' is not a number"):
        load_labels(path, "total", "skating")
    with pytest.raises(JudgeappError, match="label file not found"):
        load_labels(tmp_path / "absent.csv")


def _write(root: Path, name: str, dynamic: np.ndarray, static: np.ndarray) -> None:
    for sub, array in (("dynamic_feat", dynamic), ("static_feat", static)):
        (root / sub).mkdir(parents=True, exist_ok=True)
        np.save(root / sub / f"{name}.npy", array)


def test_feature_set_reads_authors_layout_and_names_missing_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    _write(tmp_path, "A_1", rng.random((5, 8)), rng.random((7, 16)))
    _write(tmp_path, "A_2", rng.random((3, 8)), rng.random((2, 16)))
    labels = [Label("A_1", "a", 1.0), Label("A_2", "a", 2.0)]
    data = load_feature_set(tmp_path, labels)
    assert (data.dynamic_dim, data.static_dim) == (8, 16)
    assert data.dynamic[0].dtype == np.float32 and data.static[1].shape == (2, 16)
    assert manifest_profile(tmp_path) is None

    missing = [*labels, Label("A_3", "a", 3.0)]
    with pytest.raises(JudgeappError, match=r"2 feature files missing: dynamic_feat/A_3.npy"):
        load_feature_set(tmp_path, missing)
    _write(tmp_path, "A_4", rng.random((3, 9)), rng.random((2, 16)))
    with pytest.raises(JudgeappError, match=r"A_4.npy: features are 9-d, but other videos are 8-d"):
        load_feature_set(tmp_path, [*labels, Label("A_4", "a", 1.0)])
    (tmp_path / "dynamic_feat" / "A_5.npy").write_bytes(b"not numpy")
    (tmp_path / "static_feat" / "A_5.npy").write_bytes(b"not numpy")
    with pytest.raises(JudgeappError, match=r"A_5.npy: not a readable .npy feature file"):
        load_feature_set(tmp_path, [Label("A_5", "a", 1.0)])


def test_pickled_npy_is_refused(tmp_path: Path) -> None:
    for sub in ("dynamic_feat", "static_feat"):
        (tmp_path / sub).mkdir()
        np.save(tmp_path / sub / "P.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(JudgeappError, match="P.npy: not a readable .npy feature file"):
        load_feature_set(tmp_path, [Label("P", "x", 1.0)])


def test_windows_random_centred_and_padded() -> None:
    long = np.arange(10, dtype=np.float32).reshape(10, 1) + 1  # values 1..10
    short = np.arange(3, dtype=np.float32).reshape(3, 1) + 100  # values 100..102
    split = PackedSplit([long, short], [long, short], WindowSize(4, 4))
    videos = torch.tensor([0, 1])

    dynamic, mask, _, _ = split.batch(videos, None)
    assert dynamic[0, :, 0].tolist() == [4.0, 5.0, 6.0, 7.0]  # centred: start (10 - 4) // 2
    assert dynamic[1, :, 0].tolist() == [100.0, 101.0, 102.0, 0.0]  # zero-padded
    assert mask.tolist() == [[True] * 4, [True, True, True, False]]

    generator = torch.Generator().manual_seed(0)
    starts = set()
    for _ in range(60):
        dynamic, mask, _, _ = split.batch(videos, generator)
        first = int(dynamic[0, 0, 0]) - 1
        starts.add(first)
        assert dynamic[0, :, 0].tolist() == [first + 1.0 + k for k in range(4)]  # contiguous
        assert dynamic[1, :, 0].tolist() == [100.0, 101.0, 102.0, 0.0]
    assert starts == set(range(7))  # every start 0..6 is drawn


def test_extract_folder_keeps_its_profile_and_refuses_another(tmp_path: Path) -> None:
    from judgeapp.analysis import AnalysisOptions
    from judgeapp.analysis.set_extraction import extract_feature_set

    out = tmp_path / "features"
    extract_feature_set([], out, AnalysisOptions(profile="paper", pretrained=False))
    assert manifest_profile(out) == "paper"
    extract_feature_set([], out, AnalysisOptions(pretrained=False))  # no --profile: kept
    assert manifest_profile(out) == "paper"
    with pytest.raises(JudgeappError, match="holds 'paper' features .* would mix recipes"):
        extract_feature_set([], out, AnalysisOptions(profile="torchvision", pretrained=False))
    with pytest.raises(JudgeappError, match="random .* extracting 'paper' with pretrained"):
        extract_feature_set([], out, AnalysisOptions(pretrained=True))

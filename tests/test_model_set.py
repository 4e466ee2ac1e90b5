"""Model set files: round trip, the one prediction path per member, intervals, bad files, and
sets where heads go (`judgeapp score` on the shared media, packs, `models install`)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.torch import load_file, save_file

from judgeapp.cli import main
from judgeapp.core.errors import CheckpointError, WeightsError
from judgeapp.model import random_head, read_model_card
from judgeapp.model.intervals import IntervalCalibration, bounds, calibrate
from judgeapp.model.model_set import (
    load_model_set,
    load_scoring_model,
    save_model_set,
    score_set_video,
)
from judgeapp.model.predict import score_video
from judgeapp.model.set_card import SET_KEY, SetCard
from judgeapp.weights import install, pack
from judgeapp.weights.heads import heads_dir, installed_heads

SCORE_MAX = {"difficulty": 14.0, "execution": 10.0, "total": 25.0}


def save_random_set(
    path: Path,
    dims: tuple[int, int] = (16, 24),
    members: int = 2,
    targets: tuple[str, ...] = ("difficulty", "execution", "total"),
    profile: str = "torchvision",
) -> SetCard:
    """A set of seeded random heads (cards marked trained), with hand-made calibrations."""
    cards, heads = {}, {}
    for t, target in enumerate(targets):
        made = [
            random_head(profile, *dims, seed=10 * t + i, target=target, score_max=SCORE_MAX[target])
            for i in range(members)
        ]
        heads[target] = [m for m, _ in made]
        cards[target] = tuple(
            dataclasses.replace(c, trained=True, name=f"{target}-{i}")
            for i, (_, c) in enumerate(made)
        )
    intervals = {
        t: IntervalCalibration(0.9, 2.0, 0.1, 0.88, 1.5, 20) for t in targets if t != "execution"
    }
    card = SetCard(name="test-set", profile=profile, routine="ball", targets=cards,
                   intervals=intervals)  # fmt: skip
    return save_model_set(path, card, heads)


def _features(seed: int = 0, dims: tuple[int, int] = (16, 24)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((9, dims[0]), np.float32), rng.random((30, dims[1]), np.float32)


def test_a_set_round_trips_and_scores_every_member_through_the_one_path(tmp_path: Path) -> None:
    path = tmp_path / "set.safetensors"
    card = save_random_set(path)
    loaded = load_model_set(path)
    assert loaded.card == card and loaded.card.main_target == "total"
    dynamic, static = _features()
    main, scores = score_set_video(loaded, dynamic, static)
    assert set(scores) == {"difficulty", "execution", "total"}
    for target, heads in loaded.heads.items():
        pairs = zip(heads, card.targets[target], strict=True)
        alone = [score_video(h, c, dynamic, static) for h, c in pairs]
        entry = scores[target]
        assert entry.members == pytest.approx([a.score for a in alone], abs=1e-5)
        assert entry.value == pytest.approx(np.mean([a.score for a in alone]), abs=1e-5)
        assert 0 <= entry.low <= entry.value <= entry.high <= SCORE_MAX[target]
        mean_attention = np.mean([a.dynamic_attention for a in alone], axis=0)
        assert entry.dynamic == pytest.approx(mean_attention, abs=1e-6)
        assert sum(entry.static) == pytest.approx(1.0, abs=1e-5)
    assert scores["total"].coverage == 0.88 and scores["execution"].coverage is None
    # execution has no calibration: its interval is the members' min..max
    assert scores["execution"].low == pytest.approx(min(scores["execution"].members))
    assert main.score == scores["total"].value
    assert main.dynamic_attention == pytest.approx(np.array(scores["total"].dynamic), abs=1e-6)
    # header readers see the set as its main card
    head_card = read_model_card(path)
    assert head_card.name == "test-set" and head_card.target == "total" and head_card.trained
    model, card_seen = load_scoring_model(path)
    assert model.card == card and card_seen == head_card


def test_a_one_target_set_has_that_target_as_main(tmp_path: Path) -> None:
    path = tmp_path / "d.safetensors"
    save_random_set(path, targets=("difficulty",), members=3)
    loaded = load_model_set(path)
    main, scores = score_set_video(loaded, *_features(1))
    assert list(scores) == ["difficulty"] and len(scores["difficulty"].members) == 3
    assert main.score == scores["difficulty"].value
    assert read_model_card(path).target == "difficulty"


def test_calibration_reaches_the_nominal_share_on_new_draws() -> None:
    rng = np.random.default_rng(0)

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        truth = rng.uniform(5, 20, n)
        sd = rng.uniform(0.2, 1.0, n)  # members spread with the error's size
        centre = truth + rng.normal(0, 1, n) * 2 * sd
        return centre[:, None] + rng.normal(0, 1, (n, 3)) * sd[:, None], truth

    members, truth = draw(3000)
    calibration = calibrate(members, truth, 25.0, nominal=0.8)
    assert calibration.videos == 3000 and abs(calibration.coverage - 0.8) < 0.04
    new, new_truth = draw(4000)
    low, high = bounds(new, calibration.scale, calibration.spread_floor, 25.0)
    assert abs(np.mean((low <= new_truth) & (new_truth <= high)) - 0.8) < 0.03
    assert calibration.mean_width == pytest.approx(np.mean(high - low), rel=0.1)
    # clipped to the score range
    low, high = bounds(np.array([[0.1, 0.2], [24.9, 24.8]]), 5.0, 1.0, 25.0)
    assert low[0] == 0.0 and high[1] == 25.0


def _rewrite(path: Path, tensors=None, card_text: str | None = None) -> None:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as reader:
        metadata = reader.metadata()
    tensors = load_file(str(path)) if tensors is None else tensors
    save_file(tensors, str(path), metadata={SET_KEY: card_text or metadata[SET_KEY]})


@pytest.mark.parametrize(
    "damage", ["truncated", "missing-tensor", "stray-tensor", "bad-card", "wrong-target", "pickle"]
)
def test_a_bad_set_file_is_one_error_naming_it(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "set.safetensors"
    card = save_random_set(path)
    tensors = load_file(str(path))
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:-100])
    elif damage == "missing-tensor":
        del tensors[next(k for k in tensors if k.startswith("execution.1."))]
        _rewrite(path, tensors)
    elif damage == "stray-tensor":
        tensors["execution.2.extra"] = tensors[next(iter(tensors))].clone()
        _rewrite(path, tensors)
    elif damage == "bad-card":
        _rewrite(path, card_text='{"format_version": 1, "name": "x"}')
    elif damage == "wrong-target":
        doc = json.loads(card.to_json())
        doc["targets"]["total"][0]["target"] = "difficulty"
        _rewrite(path, card_text=json.dumps(doc))
    else:
        path.write_bytes(b"\x80\x04" + b"\x00" * 64)
    with pytest.raises(CheckpointError) as caught:
        load_model_set(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_score_with_a_set_on_shared_media_writes_schema_2(media_dir: Path, tmp_path: Path) -> None:
    model = tmp_path / "set.safetensors"
    save_random_set(model, dims=(1024, 2048))
    out = tmp_path / "result.json"
    video = media_dir / "juggle_720p24.mp4"
    code = main(["score", str(video), "--model", str(model), "--pretrained", "none",
                 "--detector", "hog", "--device", "cpu", "--json", str(out)])  # fmt: skip
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] in ("judgeapp.analysis/2", "judgeapp.analysis/3")  # /3: + athlete
    assert set(doc["scores"]) == {"difficulty", "execution", "total"}
    for target, entry in doc["scores"].items():
        assert 0 <= entry["low"] <= entry["value"] <= entry["high"] <= entry["score_max"]
        assert entry["score_max"] == SCORE_MAX[target] and len(entry["members"]) == 2
        assert len(entry["dynamic"]) == len(doc["dynamic"])
        assert sum(entry["dynamic"]) == pytest.approx(1.0, abs=1e-4)
    assert doc["score"] == doc["scores"]["total"]["value"]
    total_attention = [s["weight"] for s in doc["dynamic"]]
    assert total_attention == pytest.approx(doc["scores"]["total"]["dynamic"], abs=1e-6)
    assert doc["model"]["name"] == "test-set" and doc["model"]["target"] == "total"
    assert doc["model"]["routine"] == "ball"  # the set's routine, not its members' default


def test_score_with_a_bad_set_gives_one_error_line(media_dir: Path, tmp_path: Path) -> None:
    model = tmp_path / "set.safetensors"
    save_random_set(model, dims=(1024, 2048))
    tensors = load_file(str(model))
    del tensors[next(iter(tensors))]
    _rewrite(model, tensors)
    proc = subprocess.run(
        [sys.executable, "-m", "judgeapp", "score", str(media_dir / "juggle_720p24.mp4"),
         "--model", str(model), "--pretrained", "none", "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {model}"), proc.stderr
    assert "missing" in lines[0] and not (tmp_path / "r.json").exists()


def test_a_set_installed_from_a_pack_is_validated_like_a_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUDGEAPP_OFFLINE", "1")
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "machine-a"))
    good = tmp_path / "rg-set.safetensors"
    save_random_set(good, dims=(1024, 2048))
    out = pack(tmp_path / "pack", names=[], heads=[good])
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "machine-b"))
    installed = install(out)
    assert [p.name for p in installed] == ["rg-set.safetensors"]
    listed = installed_heads("torchvision")
    assert [h.card.name for h in listed] == ["test-set"]
    assert load_model_set(listed[0].path).card.member_count() == 6

    # a set whose member does not fit its profile (16-d features) is refused at packing
    small = tmp_path / "small-set.safetensors"
    save_random_set(small, dims=(16, 24))
    with pytest.raises(CheckpointError, match="small-set.safetensors"):
        pack(tmp_path / "pack2", names=[], heads=[small])

    # a set damaged inside a pack whose manifest still matches it: only loading refuses it
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "machine-c"))
    packed = out / "heads" / "rg-set.safetensors"
    tensors = load_file(str(packed))
    tensors["total.0.extra"] = tensors[next(iter(tensors))].clone()
    _rewrite(packed, tensors)
    manifest = json.loads((out / "manifest.json").read_text())
    import hashlib

    manifest["files"][-1].update(
        sha256=hashlib.sha256(packed.read_bytes()).hexdigest(), size_bytes=packed.stat().st_size
    )
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(WeightsError, match="rg-set.safetensors.*unexpected.*nothing was installed"):
        install(out)
    assert not heads_dir().exists() or not list(heads_dir().iterdir())


def test_train_all_needs_rg_labels_and_one_range_per_target(tmp_path: Path, capsys) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("name,score\nVideo_1,3\nVideo_2,4\n")
    (tmp_path / "features").mkdir()
    base = ["train", "--features", str(tmp_path / "features"), "--routine", "video",
            "--target", "all", "--out", str(tmp_path / "set.safetensors")]  # fmt: skip
    assert main([*base, "--labels", str(labels)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0] == (
        f"error: {labels}: --target all needs RG labels (difficulty, execution, total)"
    )
    rg = tmp_path / "train.txt"
    rg.write_text("Video_Name Difficulty_Score Execution_Score Total_Score Penalty Video_length\n")
    assert main([*base, "--labels", str(rg), "--score-max", "30"]) == 1
    assert "not with --target all" in capsys.readouterr().err
    assert not (tmp_path / "set.safetensors").exists()


def test_models_install_takes_a_set_file_and_refuses_a_broken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("JUDGEAPP_OFFLINE", "1")
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    good = tmp_path / "ball-set.safetensors"
    save_random_set(good, dims=(1024, 2048), members=1)
    assert main(["models", "install", str(good)]) == 0
    assert [h.card.name for h in installed_heads()] == ["test-set"]
    assert installed_heads()[0].card.trained_on.startswith("model set (difficulty x1, ")
    broken = tmp_path / "broken-set.safetensors"
    save_random_set(broken, dims=(1024, 2048), members=1)
    tensors = load_file(str(broken))
    del tensors[next(k for k in tensors if k.startswith("total.0."))]
    _rewrite(broken, tensors)
    capsys.readouterr()
    assert main(["models", "install", str(broken)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(broken) in err[0] and "missing" in err[0]
    assert [h.path.name for h in installed_heads()] == ["ball-set.safetensors"]

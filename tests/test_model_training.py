"""training/model_training.py: the seeds of a target, the seed kept, and the model set written
once for one target or several (tiny RG-style sets, two epochs)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from training_helpers import one_thread  # noqa: F401  (fixture)

from judgeapp.model import load_checkpoint
from judgeapp.model.model_set import load_model_set
from judgeapp.training.model_training import (
    SET_VAL_FRACTION,
    TrainingPlan,
    member_path,
    set_name,
    set_path_of,
    train_model_set,
    train_target,
)
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.runs import feature_source
from judgeapp.training.synthetic import (
    SyntheticSpec,
    make_judged_videos,
    write_rg_labels,
    write_videos,
)

pytestmark = pytest.mark.usefixtures("one_thread")

SPEC = SyntheticSpec(
    videos=20, dynamic_dim=8, static_dim=12, segments=(3, 6), frames=(4, 8), carriers=1
)
CONFIG = TrainConfig(epochs=2, batch_size=8, segments=4, frames=6, seed=3)


class Recorder:
    """A TrainingObserver that keeps what it is told."""

    def __init__(self) -> None:
        self.started: list[tuple[str, int, int]] = []
        self.finished: list[tuple[str, int, Path | None]] = []
        self.epochs: list[tuple[str, int, int]] = []

    def member_started(self, plan, target, config, videos):
        self.started.append((target, config.seed, videos))
        return lambda log: self.epochs.append((target, config.seed, log.epoch))

    def member_finished(self, plan, target, result, path):
        self.finished.append((target, result.card.seed, path))


@pytest.fixture(scope="module")
def rg_source(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("rg")
    videos = make_judged_videos(dataclasses.replace(SPEC, prefix="ball"), seed=1)
    write_videos(root / "features", videos)
    write_rg_labels(root / "train.txt", videos)
    return feature_source(root / "features", root / "train.txt", None)


def _plan(source, seeds: int, **config) -> TrainingPlan:
    return TrainingPlan("ball", dataclasses.replace(CONFIG, **config), seeds, source)


def test_a_plan_trains_its_seeds_with_one_protocol_and_a_set_shares_one_split() -> None:
    plan = TrainingPlan("ball", CONFIG, 3, source=None)  # type: ignore[arg-type]
    configs = plan.member_configs()
    assert [c.seed for c in configs] == [3, 4, 5]
    assert all(dataclasses.replace(c, seed=CONFIG.seed) == CONFIG for c in configs)
    assert all(c.split_seed is None for c in configs)
    shared = plan.one_split().member_configs()
    assert [c.split_seed for c in shared] == [3, 3, 3] and [c.seed for c in shared] == [3, 4, 5]
    model_set = plan.for_model_set().config
    assert (model_set.val_fraction, model_set.split_seed) == (SET_VAL_FRACTION, 3)
    kept = dataclasses.replace(plan, config=dataclasses.replace(CONFIG, val_fraction=0.4))
    assert kept.for_model_set().config.val_fraction == 0.4
    with pytest.raises(ValueError, match="seeds must be at least 1"):
        TrainingPlan("ball", CONFIG, 0, source=None)  # type: ignore[arg-type]


def test_file_names_of_members_sets_and_set_names() -> None:
    head = Path("out/d.safetensors")
    assert member_path(head, 7, seeds=1) == head
    assert member_path(head, 7, seeds=2) == Path("out/d.seed7.safetensors")
    assert set_path_of(head) == Path("out/d.set.safetensors")
    assert set_name("ball", ["difficulty"], 2) == "set-ball-difficulty-2x"
    assert set_name("ball", ["difficulty", "execution", "total"], 3) == "set-ball-3x"


def test_one_seed_writes_only_the_head(rg_source, tmp_path: Path) -> None:
    recorder, head = Recorder(), tmp_path / "d.safetensors"
    result = train_target(_plan(rg_source, 1), "difficulty", 20.0, head, recorder)
    assert result.kept is None and len(result.runs) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.safetensors"]
    assert recorder.started == [("difficulty", 3, 20)]
    assert recorder.finished == [("difficulty", 3, head)]
    assert recorder.epochs == [("difficulty", 3, 1), ("difficulty", 3, 2)]
    _, card = load_checkpoint(head)
    assert (card.seed, card.target, card.score_max) == (3, "difficulty", 20.0)
    assert "split_seed" not in card.protocol


def test_several_seeds_keep_the_best_and_write_the_summary_and_a_one_target_set(
    rg_source, tmp_path: Path
) -> None:
    recorder, head = Recorder(), tmp_path / "d.safetensors"
    plan = _plan(rg_source, 2, val_fraction=0.3)
    result = train_target(plan, "difficulty", 20.0, head, recorder)
    kept = result.kept
    assert kept is not None
    members = [tmp_path / "d.seed3.safetensors", tmp_path / "d.seed4.safetensors"]
    assert recorder.finished == [("difficulty", 3, members[0]), ("difficulty", 4, members[1])]
    held_out = {tuple(r.card.protocol["data"]["validation"]["videos"]) for r in result.runs}
    assert len(held_out) == 1  # one split for both seeds
    assert all(r.card.protocol["split_seed"] == 3 for r in result.runs)
    best = max(result.runs, key=lambda r: r.val_spearman)
    assert load_checkpoint(head)[1].seed == best.card.seed == kept.best.card.seed
    summary = json.loads((tmp_path / "d.seeds.json").read_text())
    assert summary["routine"] == "ball" and summary["seeds"] == [3, 4]
    assert kept.set_path == tmp_path / "d.set.safetensors"
    one = load_model_set(kept.set_path)
    assert one.card.name == "set-ball-difficulty-2x" and list(one.card.targets) == ["difficulty"]
    assert [c.seed for c in one.card.targets["difficulty"]] == [3, 4]
    assert one.card.intervals["difficulty"].videos == 6  # 30 % of 20 videos
    assert one.card.intervals == kept.set_card.intervals


def test_several_seeds_without_validation_give_a_set_without_intervals(
    rg_source, tmp_path: Path
) -> None:
    result = train_target(
        _plan(rg_source, 2), "execution", 10.0, tmp_path / "e.safetensors", Recorder()
    )
    assert result.kept is not None and result.kept.set_card.intervals == {}
    assert load_model_set(tmp_path / "e.set.safetensors").card.intervals == {}


def test_a_model_set_trains_every_target_in_its_range_on_one_split(
    rg_source, tmp_path: Path
) -> None:
    recorder, path = Recorder(), tmp_path / "set.safetensors"
    plan = _plan(rg_source, 1).for_model_set()
    card = train_model_set(plan, path, recorder, ("difficulty", "execution", "total"))
    assert [(t, s) for t, s, _ in recorder.started] == [
        ("difficulty", 3), ("execution", 3), ("total", 3),
    ]  # fmt: skip
    assert all(where is None for _, _, where in recorder.finished)  # no member saved alone
    assert [p.name for p in tmp_path.iterdir()] == ["set.safetensors"]
    saved = load_model_set(path).card
    assert saved.name == card.name == "set-ball-1x"
    assert {t: m[0].score_max for t, m in saved.targets.items()} == {
        "difficulty": 20.0, "execution": 10.0, "total": 25.0,
    }  # fmt: skip
    held_out = {
        tuple(m.protocol["data"]["validation"]["videos"])
        for members in saved.targets.values()
        for m in members
    }
    assert len(held_out) == 1 and len(next(iter(held_out))) == 4  # 20 % of 20 videos
    assert set(saved.intervals) == {"difficulty", "execution", "total"}
    assert all(c.videos == 4 for c in saved.intervals.values())


def _train(source, *options: str) -> list[str]:
    return [
        "train", "--features", str(source.features), "--labels", str(source.labels),
        "--routine", "ball", "--epochs", "2", "--batch-size", "8", "--segments", "4",
        "--frames", "6", "--seed", "3", "--device", "cpu", *options,
    ]  # fmt: skip


def test_the_command_prints_each_member_the_set_and_its_intervals(
    rg_source, tmp_path: Path, capsys
) -> None:
    from judgeapp.cli import main

    path = tmp_path / "set.safetensors"
    assert main(_train(rg_source, "--target", "all", "--out", str(path))) == 0
    out, err = capsys.readouterr()
    assert err.startswith(
        "ball: a model set calibrates its intervals on a validation split: --val-fraction 0.2\n"
        "ball difficulty seed 3: actionnet head, 20 videos, 2 epochs, batch 8, windows 4/6, "
        "device cpu\n"
    )
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ball difficulty seed 3", "ball execution seed 3", "ball total seed 3", str(path),
    ]  # fmt: skip
    assert lines[-1].startswith(f"{path}: model set, 3 targets x 1 members; difficulty 90% ")
    assert lines[-1].count("interval: coverage") == 3


def test_the_command_prints_the_kept_seed_and_a_set_without_validation(
    rg_source, tmp_path: Path, capsys
) -> None:
    from judgeapp.cli import main

    head = tmp_path / "e.safetensors"
    options = ("--target", "execution", "--seeds", "2", "--out", str(head))
    assert main(_train(rg_source, *options)) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == [
        str(tmp_path / "e.seed3.safetensors"), str(tmp_path / "e.seed4.safetensors"),
    ]  # fmt: skip
    assert lines[2] == f"ball: 2 seeds: val rho - ± -, test rho - ± -; {head} is seed 3"
    assert lines[3:] == [f"{tmp_path / 'e.set.safetensors'}: one-target model set of 2 members"]
    assert err.endswith(
        "ball: no validation split (--val-fraction 0): the set's interval is the members' "
        "min..max, its coverage unmeasured\n"
    )

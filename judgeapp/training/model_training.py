"""What `judgeapp train` trains and writes for one routine: each seed of each target, the seed
kept as the head, and the members assembled into a model set with calibrated intervals.

The command turns its options into a `TrainingPlan` and prints what its `TrainingObserver` is
told; which runs happen, which files are written and what their cards say is decided here.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from judgeapp.core.files import write_text_atomic
from judgeapp.model import save_checkpoint
from judgeapp.model.model_set import save_model_set
from judgeapp.model.set_card import SET_ORDER, SetCard
from judgeapp.training.labels import TARGET_SCORE_MAX, check_score_range
from judgeapp.training.model_sets import calibrate_target
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.runs import FeatureSource, RunResult, SeedSummary, load_split, train_run
from judgeapp.training.trainer import EpochCallback

# The targets of a full model set, in the order they are trained.
# A model set calibrates its intervals on a validation split: this share when none is given.
SET_VAL_FRACTION = 0.2


@dataclass(frozen=True)
class TrainingPlan:
    """One routine's training: its data, the protocol of the first seed and how many seeds.

    Seed k (0-based) trains with `config.seed + k` and otherwise the same protocol. A
    `config.split_seed` makes every member hold out the same validation videos.
    """

    routine: str
    config: TrainConfig
    seeds: int
    source: FeatureSource
    test_source: FeatureSource | None = None
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.seeds < 1:
            raise ValueError(f"seeds must be at least 1, not {self.seeds}")

    def member_configs(self) -> list[TrainConfig]:
        """The protocol of each seed, in order."""
        first = self.config.seed
        return [dataclasses.replace(self.config, seed=s) for s in range(first, first + self.seeds)]

    def one_split(self) -> TrainingPlan:
        """The same plan with every member holding out the first seed's validation videos
        (a set's intervals are calibrated on them)."""
        config = dataclasses.replace(self.config, split_seed=self.config.seed)
        return dataclasses.replace(self, config=config)

    def for_model_set(self) -> TrainingPlan:
        """The plan of a model set: one shared validation split, `SET_VAL_FRACTION` of the
        videos when the plan holds out none (an interval needs videos to be calibrated on)."""
        plan = self.one_split()
        if plan.config.val_fraction > 0:
            return plan
        config = dataclasses.replace(plan.config, val_fraction=SET_VAL_FRACTION)
        return dataclasses.replace(plan, config=config)


class TrainingObserver(Protocol):
    """Told about each member as it starts and ends (the command prints it)."""

    def member_started(
        self, plan: TrainingPlan, target: str, config: TrainConfig, videos: int
    ) -> EpochCallback | None:
        """A member is about to train on `videos` videos; returns what hears its epochs."""

    def member_finished(
        self, plan: TrainingPlan, target: str, result: RunResult, path: Path | None
    ) -> None:
        """A member is trained (and saved at `path`, when its head is kept on its own)."""


@dataclass(frozen=True)
class KeptSeeds:
    """Several seeds of one target: their summary, the seed kept as the head, and the
    one-target model set of all of them."""

    summary: SeedSummary
    best: RunResult
    summary_path: Path
    set_path: Path
    set_card: SetCard


@dataclass(frozen=True)
class TargetResult:
    """One target trained: its members, and what was kept of them when there are several."""

    runs: list[RunResult]
    kept: KeptSeeds | None


def member_path(head_path: Path, seed: int, seeds: int) -> Path:
    """Where a member's own checkpoint goes: the head path itself for one seed, else
    HEAD.seedN.safetensors beside it."""
    if seeds == 1:
        return head_path
    return head_path.with_name(f"{head_path.stem}.seed{seed}.safetensors")


def set_path_of(head_path: Path) -> Path:
    """Where several seeds of one target write their one-target set: HEAD.set.safetensors."""
    return head_path.with_name(f"{head_path.stem}.set.safetensors")


def seeds_path_of(head_path: Path) -> Path:
    """Where several seeds of one target write their summary: HEAD.seeds.json."""
    return head_path.with_suffix(".seeds.json")


def set_name(routine: str, targets: list[str], seeds: int) -> str:
    """set-ROUTINE-Kx for a set of several targets, set-ROUTINE-TARGET-Kx for one."""
    named = targets if len(targets) == 1 else []
    return "-".join(["set", routine, *named, f"{seeds}x"])


def train_members(
    plan: TrainingPlan,
    target: str,
    score_max: float,
    observer: TrainingObserver,
    head_path: Path | None = None,
) -> list[RunResult]:
    """Train every seed of `target`; each member's checkpoint is saved (`member_path`) when
    `head_path` is given. A score outside [0, score_max] is an error naming the label file."""
    train_set = load_split(plan.source, target, plan.routine)
    check_score_range(train_set.labels, plan.source.labels, score_max)
    test_set = load_split(plan.test_source, target, plan.routine) if plan.test_source else None
    runs = []
    for config in plan.member_configs():
        on_epoch = observer.member_started(plan, target, config, len(train_set))
        result = train_run(
            train_set, config, score_max=score_max, routine=plan.routine, target=target,
            source=plan.source, test_set=test_set, test_source=plan.test_source,
            device=plan.device, on_epoch=on_epoch,
        )  # fmt: skip
        path = None
        if head_path is not None:
            path = member_path(head_path, config.seed, plan.seeds)
            save_checkpoint(path, result.outcome.model, result.card)
        observer.member_finished(plan, target, result, path)
        runs.append(result)
    return runs


def save_set(plan: TrainingPlan, members: dict[str, list[RunResult]], path: Path) -> SetCard:
    """The members of one or more targets as one model set file at `path`, each target's
    interval calibrated on the members' shared validation split (none without one)."""
    intervals = {}
    for target, runs in members.items():
        data = load_split(plan.source, target, plan.routine)
        calibration = calibrate_target(runs, data, plan.config, plan.device)
        if calibration is not None:
            intervals[target] = calibration
    card = SetCard(
        name=set_name(plan.routine, list(members), plan.seeds),
        profile=plan.source.profile,
        routine=plan.routine,
        targets={t: tuple(r.card for r in runs) for t, runs in members.items()},
        intervals=intervals,
    )
    heads = {t: [r.outcome.model for r in runs] for t, runs in members.items()}
    return save_model_set(path, card, heads)


def train_target(
    plan: TrainingPlan,
    target: str,
    score_max: float,
    head_path: Path,
    observer: TrainingObserver,
) -> TargetResult:
    """One target, its head at `head_path`. With several seeds, all share one validation
    split; each is saved beside the head, the best on validation becomes the head, and the
    summary (HEAD.seeds.json) and the one-target set (HEAD.set.safetensors) are written."""
    if plan.seeds > 1:
        plan = plan.one_split()
    runs = train_members(plan, target, score_max, observer, head_path)
    if plan.seeds == 1:
        return TargetResult(runs, None)
    summary = SeedSummary.of(runs)
    best = summary.best_by_validation()
    save_checkpoint(head_path, best.outcome.model, best.card)
    summary_path = seeds_path_of(head_path)
    record = {"routine": plan.routine, **summary.to_dict()}
    write_text_atomic(summary_path, json.dumps(record, indent=2) + "\n")
    set_path = set_path_of(head_path)
    card = save_set(plan, {target: runs}, set_path)
    return TargetResult(runs, KeptSeeds(summary, best, summary_path, set_path, card))


def train_model_set(
    plan: TrainingPlan, path: Path, observer: TrainingObserver, targets: tuple[str, ...] = SET_ORDER
) -> SetCard:
    """Every seed of every target (each in its own score range), one model set file at `path`;
    `plan` as `TrainingPlan.for_model_set` makes it."""
    members = {
        t: train_members(plan, t, TARGET_SCORE_MAX[t], observer, head_path=None) for t in targets
    }
    return save_set(plan, members, path)

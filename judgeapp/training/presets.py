"""Named training protocols: the paper's Rhythmic Gymnastics one (`rg`, the default) and its
MIT-Skating one (`mit-skating`). A preset fills the settings a person leaves at their defaults;
every setting stays overridable, and the model card records both the preset's name and the
settings that ran.

Importing this module costs no PyTorch (the command line lists the names in its --help).
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field

import numpy as np

RG = "rg"
MIT_SKATING = "mit-skating"
PRESET_NAMES = (RG, MIT_SKATING)


@dataclass(frozen=True)
class RandomSplits:
    """`count` random splits of one labelled set into `train` and `test` videos (seeded)."""

    count: int
    train: int
    test: int

    def __post_init__(self) -> None:
        if min(self.count, self.train, self.test) < 1 or self.train < 2:
            raise ValueError(
                f"random splits need count >= 1, train >= 2 and test >= 1 videos, not "
                f"{self.count}, {self.train}, {self.test}"
            )


@dataclass(frozen=True)
class Preset:
    """A named protocol: TrainConfig settings, the score range and (MIT-Skating) the splits.

    settings: TrainConfig fields; epochs may be absent (then the paper's per-routine count).
    """

    name: str
    description: str
    settings: dict = field(default_factory=dict)
    score_max: float | None = None
    splits: RandomSplits | None = None


PRESETS = {
    RG: Preset(
        RG,
        "Rhythmic Gymnastics (paper section 5.2): batch 32, epochs ball 400, clubs 300, hoop 500, "
        "ribbon 300, rate x0.1 at the last 100 and 50 epochs, 26 segments / 80 frames, "
        "scores 0-25 (total), the dataset's 200/50 split per apparatus",
        {},
        None,  # the target's own range (25 total, 20 difficulty, 10 execution)
        None,
    ),
    MIT_SKATING: Preset(
        MIT_SKATING,
        "MIT-Skating (paper section 5.2): batch 16, 200 epochs, rate x0.1 from epochs 150 and "
        "180, 48 segments / 150 frames, scores 0-100, five random 100/50 splits (mean and "
        "spread reported)",
        {
            "epochs": 200,
            "batch_size": 16,
            "lr_steps": (150, 180),
            "lr_gamma": 0.1,
            "segments": 48,
            "frames": 150,
        },
        100.0,
        RandomSplits(count=5, train=100, test=50),
    ),
}


def get_preset(name: str) -> Preset:
    """The preset called `name`; ValueError naming the known ones otherwise."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(PRESET_NAMES)}")
    return PRESETS[name]


def preset_config(name: str, routine: str, seed: int = 0, **changes):
    """The TrainConfig of preset `name` for `routine`, with `changes` (TrainConfig fields)
    applied on top; the config records the preset's name."""
    from judgeapp.training.protocol import TrainConfig, paper_epochs

    preset = get_preset(name)
    values = {"epochs": paper_epochs(routine), **preset.settings, "seed": seed, "preset": name}
    values.update(changes)
    return TrainConfig(**values)


# Command-line options a preset may fill, with the value that means "left at its default".
_CLI_DEFAULTS = {
    "epochs": None,
    "batch_size": 32,
    "lr_steps": (),
    "lr_gamma": 0.1,
    "segments": 26,
    "frames": 80,
}


def apply_preset(args: argparse.Namespace) -> argparse.Namespace:
    """A copy of parsed training options with `args.preset`'s settings (and score range) put
    in every option left at its default; options given with another value are kept.

    An option given explicitly with its default value cannot be told apart from one left
    alone, so `--preset mit-skating --batch-size 32` trains with the preset's 16: use the
    config directly (`preset_config`) for that."""
    name = getattr(args, "preset", None)
    if not name:
        return args
    preset = get_preset(name)
    values = vars(args).copy()
    for option, value in preset.settings.items():
        if option in _CLI_DEFAULTS and values.get(option) == _CLI_DEFAULTS[option]:
            values[option] = value
    if preset.score_max is not None and values.get("score_max") is None:
        values["score_max"] = preset.score_max
    return argparse.Namespace(**values)


def random_splits(names: list[str], plan: RandomSplits, seed: int = 0) -> list[tuple]:
    """`plan.count` seeded random splits of `names` into (train names, test names).

    Split k draws its permutation from seed + k, so the splits are the same on every machine.
    """
    if len(names) < plan.train + plan.test:
        raise ValueError(
            f"{plan.train}/{plan.test} splits need {plan.train + plan.test} labelled videos, "
            f"found {len(names)}"
        )
    splits = []
    for k in range(plan.count):
        order = np.random.default_rng(seed + k).permutation(len(names))
        train = sorted(names[i] for i in order[: plan.train])
        test = sorted(names[i] for i in order[plan.train : plan.train + plan.test])
        splits.append((train, test))
    return splits


def with_splits(preset: Preset, **changes) -> Preset:
    """`preset` with its split plan's count/train/test changed (None fields kept)."""
    if preset.splits is None:
        return preset
    plan = {k: v for k, v in changes.items() if v is not None}
    return dataclasses.replace(preset, splits=dataclasses.replace(preset.splits, **plan))

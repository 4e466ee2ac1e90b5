"""`judgeapp train`: train ACTION-NET heads on a labelled feature set (paper section 5.2).

The paper's protocol is the default; every setting has an option. `--routine` takes one routine,
`all` (one head on every routine), or a comma-separated list (one head per routine, written
into the `--out` folder as ROUTINE.safetensors).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from judgeapp.commands.common import add_device_option, positive_int
from judgeapp.core.errors import JudgeappError
from judgeapp.core.finders import DETECTOR_KINDS
from judgeapp.model.config import INIT_SCHEMES as INITS
from judgeapp.model.set_card import SET_ORDER

if TYPE_CHECKING:
    from judgeapp.model.set_card import SetCard
    from judgeapp.training.model_training import KeptSeeds, TrainingPlan
    from judgeapp.training.protocol import TrainConfig
    from judgeapp.training.runs import FeatureSource, RunResult

TARGETS = ("total", "difficulty", "execution")
ALL_TARGETS = "all"


def _int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated epochs, got {text!r}") from None


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def _score_range(text: str) -> float:
    """argparse type of --score-max: a positive, finite number (inf and nan are usage errors)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive, finite number, got {text}")
    return value


def check_out(out: Path, folder: bool) -> None:
    """Refuse, before any training, an --out the checkpoint(s) cannot be written to.

    folder: --out names a folder of checkpoints (several routines), else one file.
    """
    if not folder and out.is_dir():
        raise JudgeappError(f"{out}: is a folder; --out names the checkpoint file to write")
    if folder and out.exists() and not out.is_dir():
        raise JudgeappError(f"{out}: is a file; with several routines --out must be a folder")
    nearest = next((p for p in (out if folder else out.parent, *out.parents) if p.exists()), None)
    if nearest is not None and not nearest.is_dir():
        raise JudgeappError(f"{out}: cannot write ({nearest} is a file, not a folder)")
    if nearest is not None and not os.access(nearest, os.W_OK | os.X_OK):
        raise JudgeappError(f"{out}: cannot write (no permission in {nearest})")


def _number(low: float, high: float = math.inf, low_open: bool = False, high_open: bool = True):
    """argparse type: a finite number in [low, high) (or (low, ...) with `low_open`), so a
    nonsense setting is a usage error before any feature is loaded."""
    brackets = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        if not (math.isfinite(value) and above and below):
            raise argparse.ArgumentTypeError(f"must be a finite number in {brackets}, got {text}")
        return value

    return parse


_RATE = _number(0.0, low_open=True)  # learning rates, the kernel scale
_NON_NEGATIVE = _number(0.0)  # weight decay
_UNIT = _number(0.0, 1.0)  # momentum, dropout: [0, 1)
_GAMMA = _number(0.0, 1.0, low_open=True, high_open=False)  # (0, 1]


def add_data_options(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """--features, --labels, --routine, --target, --test-labels/-features, --profile.

    required=False: `train` checks them itself (not needed with --library)."""
    parser.add_argument(
        "--features",
        required=required,
        metavar="DIR",
        help="feature folder in the authors' layout (dynamic_feat/, static_feat/)",
    )
    parser.add_argument(
        "--labels",
        required=required,
        metavar="FILE",
        help="RG annotation file (train.txt) or a name,score CSV",
    )
    parser.add_argument(
        "--routine",
        required=required,
        metavar="NAME",
        help="ball, clubs, hoop, ribbon, 'all', a comma-separated list (one "
        "head each), or any name for CSV labels",
    )
    parser.add_argument(
        "--target",
        choices=(*TARGETS, ALL_TARGETS),
        default="total",
        help="default: total; 'all' (train only, RG labels): a model set of difficulty, "
        "execution and total heads, --seeds members each",
    )
    parser.add_argument(
        "--score-max",
        type=_score_range,
        metavar="X",
        help="score range (default: 25 total, 20 difficulty, 10 execution; "
        "required for CSV labels)",
    )
    parser.add_argument(
        "--test-labels",
        metavar="FILE",
        help="labels of a test split: evaluated once after training, recorded "
        "in the model card, never used to choose anything",
    )
    parser.add_argument("--test-features", metavar="DIR", help="default: --features")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="profile of features without a manifest (default: paper, the "
        "authors' released features)",
    )


def add_protocol_options(parser: argparse.ArgumentParser) -> None:
    """Every setting of the training protocol; the defaults are the paper's."""
    group = parser.add_argument_group("protocol (defaults: the paper, section 5.2)")
    group.add_argument(
        "--preset",
        choices=["rg", "mit-skating"],  # training.presets.PRESET_NAMES
        help="a named protocol filling every option left at its default: rg (the default "
        "values) or mit-skating (batch 16, 200 epochs, steps 150,180, 48 segments / 150 "
        "frames, scores 0-100)",
    )
    group.add_argument(
        "--epochs",
        type=positive_int,
        help="default per routine: ball 400, clubs 300, hoop 500, ribbon 300, others 400",
    )
    group.add_argument("--batch-size", type=positive_int, default=32)
    group.add_argument("--lr-attention", type=_RATE, default=0.01)
    group.add_argument("--lr-regressor", type=_RATE, default=0.05)
    group.add_argument("--momentum", type=_UNIT, default=0.9)
    group.add_argument("--weight-decay", type=_NON_NEGATIVE, default=1e-4)
    group.add_argument(
        "--lr-steps",
        type=_int_list,
        default=(),
        metavar="E1,E2",
        help="0-based epochs from which the learning rates are multiplied by --lr-gamma "
        "(default: the authors' trainer, from 1-based epochs E-100 and E-50)",
    )
    group.add_argument(
        "--init",
        choices=INITS,
        default="xavier",
        help="initial Linear weights: xavier (xavier_uniform, zero biases: the authors' "
        "trainer, default) or pytorch (PyTorch's default)",
    )
    group.add_argument("--lr-gamma", type=_GAMMA, default=0.1)
    group.add_argument(
        "--segments",
        type=positive_int,
        default=26,
        help="dynamic segments per window (default 26)",
    )
    group.add_argument(
        "--frames", type=positive_int, default=80, help="static frames per window (default 80)"
    )
    group.add_argument(
        "--whole-videos",
        action="store_true",
        help="windows as long as the longest video instead of 26/80",
    )
    group.add_argument(
        "--val-fraction",
        type=_fraction,
        default=0.0,
        metavar="F",
        help="share of the training videos held out to choose the epoch "
        "(default 0: keep the last epoch, as the paper)",
    )
    group.add_argument("--seed", type=int, default=0)
    group.add_argument(
        "--seeds",
        type=positive_int,
        default=1,
        metavar="K",
        help="train K seeds (seed, seed+1, ...) and report mean and std",
    )
    head = parser.add_argument_group("head (defaults: the paper)")
    head.add_argument(
        "--head",
        choices=["actionnet", "gdlt"],
        default="actionnet",
        help="actionnet (default) or gdlt: GDLT's head and its published protocol (epochs "
        "ball 250, clubs 400, hoop 500, ribbon 150; lr 0.01 cosine, MSE + triplet, 68-clip "
        "crops, whole videos scored); of the options above it takes --epochs, --batch-size, "
        "--val-fraction, --seed(s) and --lr-attention (its one learning rate) when given",
    )
    head.add_argument("--adjacency", choices=["feature", "temporal"], default="feature")
    head.add_argument("--kernel-scale", type=_RATE, default=1.0)
    head.add_argument("--streams", choices=["both", "dynamic", "static"], default="both")
    head.add_argument("--pooling", choices=["attention", "average", "sau"], default="attention")
    head.add_argument("--dropout", type=_UNIT, default=0.5)
    add_device_option(parser)
    add_threads_option(parser)


def add_threads_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=positive_int,
        metavar="N",
        help="CPU threads for torch (default: one per core; 1 is faster when other programs "
        "keep the cores busy)",
    )


def apply_threads(args: argparse.Namespace) -> None:
    if getattr(args, "threads", None):
        import torch

        torch.set_num_threads(args.threads)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a head on a labelled feature set",
        description="Train ACTION-NET heads on features in the authors' layout.",
    )
    add_data_options(parser, required=False)
    add_protocol_options(parser)
    parser.add_argument(
        "--out",
        metavar="CKPT",
        help="checkpoint (.safetensors); a folder when --routine lists several (with "
        "--library: write the set here instead of installing it)",
    )
    add_library_options(parser)
    parser.set_defaults(func=run, train_parser=parser)


def add_library_options(parser: argparse.ArgumentParser) -> None:
    """--library and what only it uses: train on the library's own scored videos."""
    from judgeapp.training.cross_validation import DEFAULT_FOLDS

    group = parser.add_argument_group(
        "from the library (--library: the videos with panel scores; no --features/--labels)"
    )
    group.add_argument(
        "--library",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="train on the library's scored videos (PATH: a library file; default: the data "
        "folder's): cross-validate, train, install the model set",
    )
    group.add_argument(
        "--folds", type=positive_int, default=DEFAULT_FOLDS, help="cross-validation folds"
    )
    group.add_argument(
        "--force",
        action="store_true",
        help="train even below the minimum number of videos (the model says so)",
    )
    group.add_argument(
        "--export",
        metavar="DIR",
        help="write the training set as a feature folder (authors' layout) with its label "
        "files, and stop",
    )
    group.add_argument(
        "--pretrained",
        choices=["default", "none"],
        default=None,
        help="backbone weights of the features (default: as the library's analyses; none: "
        "random, offline testing)",
    )
    group.add_argument(
        "--detector",
        choices=DETECTOR_KINDS,
        default=None,
        help="person finder (default: as the library's analyses)",
    )


def head_options(args: argparse.Namespace) -> dict:
    streams = ("dynamic", "static") if args.streams == "both" else (args.streams,)
    return {
        "adjacency": args.adjacency,
        "kernel_scale": args.kernel_scale,
        "streams": streams,
        "pooling": args.pooling,
        "dropout": args.dropout,
    }


def train_config(args: argparse.Namespace, routine: str, seed: int, head: dict):
    """The TrainConfig the options ask for."""
    from judgeapp.training.protocol import TrainConfig, gdlt_config, paper_epochs

    try:
        if getattr(args, "head", "actionnet") == "gdlt":
            changes = {"batch_size": args.batch_size, "val_fraction": args.val_fraction}
            if args.epochs:
                changes["epochs"] = args.epochs
            if args.lr_attention != 0.01:
                changes["lr_attention"] = args.lr_attention
            return gdlt_config(routine, seed, **changes)
        return TrainConfig(
            epochs=args.epochs or paper_epochs(routine),
            batch_size=args.batch_size,
            lr_attention=args.lr_attention,
            lr_regressor=args.lr_regressor,
            momentum=args.momentum,
            weight_decay=args.weight_decay,
            lr_steps=args.lr_steps,
            lr_gamma=args.lr_gamma,
            init=args.init,
            segments=None if args.whole_videos else args.segments,
            frames=None if args.whole_videos else args.frames,
            val_fraction=args.val_fraction,
            seed=seed,
            head=head,
            preset=getattr(args, "preset", None) or "rg",
        )
    except ValueError as exc:
        raise JudgeappError(str(exc)) from None


def routines_of(args: argparse.Namespace) -> list[str]:
    return [r.strip().lower() for r in args.routine.split(",") if r.strip()]


def prepare_run(args: argparse.Namespace) -> tuple:
    """Device, threads, score range and the train/test feature sources of a training command."""
    from judgeapp.analysis.device import resolve_device
    from judgeapp.training.runs import feature_source

    device = resolve_device(args.device)
    apply_threads(args)
    score_max = score_max_of(args)
    source = feature_source(args.features, args.labels, args.profile)
    test_source = (
        feature_source(args.test_features or args.features, args.test_labels, args.profile)
        if args.test_labels
        else None
    )
    return device, score_max, source, test_source


def score_max_of(args: argparse.Namespace) -> float:
    from judgeapp.training.labels import default_score_max

    if args.target == ALL_TARGETS:
        if args.score_max is not None:
            raise JudgeappError("--score-max names one target's range; not with --target all")
        if default_score_max(args.labels, "total") is None:
            raise JudgeappError(
                f"{args.labels}: --target all needs RG labels (difficulty, execution, total)"
            )
        return 0.0  # each target's own range (TARGET_SCORE_MAX)
    if args.score_max is not None:
        if args.score_max <= 0:
            raise JudgeappError(f"--score-max must be positive, got {args.score_max:g}")
        return args.score_max
    found = default_score_max(args.labels, args.target)
    if found is None:
        raise JudgeappError(
            f"{args.labels}: CSV labels need --score-max (the largest possible score)"
        )
    return found


class EpochPrinter:
    """One terminal line per epoch on stderr (redrawn in place on a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.started = time.perf_counter()

    def __call__(self, log) -> None:
        elapsed = time.perf_counter() - self.started
        eta = elapsed / log.epoch * (log.epochs - log.epoch)
        val = (
            ""
            if log.val_spearman is None
            else f"  val rho {log.val_spearman:+.3f} (best @ {log.best_epoch})"
        )
        line = (
            f"[{self.label}] epoch {log.epoch}/{log.epochs}  loss {log.loss:.5f}  "
            f"lr {log.lr_attention:.4g}/{log.lr_regressor:.4g}{val}  "
            f"{log.seconds:.2f} s/epoch  ETA {int(eta // 60)}:{int(eta % 60):02d}"
        )
        if self.tty:
            end = "\n" if log.epoch == log.epochs else ""
            print(f"\r{line}\033[K", end=end, file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


def _fmt(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def run(args: argparse.Namespace) -> int:
    from judgeapp.training.labels import default_score_max
    from judgeapp.training.model_training import train_model_set, train_target
    from judgeapp.training.presets import apply_preset

    if getattr(args, "library", None) is not None:
        return run_library(args)
    if hasattr(args, "train_parser"):
        for option in ("features", "labels", "routine", "out"):
            if getattr(args, option) is None:
                args.train_parser.error(f"the following arguments are required: --{option}")
    args = apply_preset(args)
    routines = routines_of(args)
    if not routines:
        raise JudgeappError("--routine: give a routine name, 'all' or a comma-separated list")
    several = len(routines) > 1
    out = Path(args.out)
    if several and out.suffix == ".safetensors":
        raise JudgeappError(f"{out}: with several routines --out must be a folder")
    if several and default_score_max(args.labels, "total") is None:
        raise JudgeappError(
            f"{args.labels}: a name,score CSV has no routines; give one --routine name"
        )
    check_out(out, folder=several)
    device, score_max, source, test_source = prepare_run(args)
    head = head_options(args)
    printer = MemberPrinter()
    for routine in routines:
        target_path = out / f"{routine}.safetensors" if several else out
        plan = training_plan(args, routine, head, source, test_source, device)
        if args.target == ALL_TARGETS:
            set_plan = plan.for_model_set()
            if set_plan.config.val_fraction != plan.config.val_fraction:
                print(
                    f"{routine}: a model set calibrates its intervals on a validation split: "
                    f"--val-fraction {set_plan.config.val_fraction:g}",
                    file=sys.stderr,
                )
            card = train_model_set(set_plan, target_path, printer, SET_ORDER)
            print(f"{target_path}: model set, {len(card.targets)} targets x {args.seeds} members"
                  f"{_coverage_text(card)}")  # fmt: skip
            continue
        kept = train_target(plan, args.target, score_max, target_path, printer).kept
        if kept is not None:
            _print_kept(routine, kept, target_path)
    return 0


def training_plan(
    args: argparse.Namespace,
    routine: str,
    head: dict,
    source: FeatureSource,
    test_source: FeatureSource | None,
    device: str,
) -> TrainingPlan:
    """The TrainingPlan of one routine the options ask for (first seed --seed, --seeds seeds)."""
    from judgeapp.training.model_training import TrainingPlan

    config = train_config(args, routine, args.seed, head)
    return TrainingPlan(routine, config, args.seeds, source, test_source, device)


class MemberPrinter:
    """Prints each member of a training as it starts (stderr), its epochs (`EpochPrinter`)
    and its validation and test Spearman when it ends (stdout)."""

    def member_started(
        self, plan: TrainingPlan, target: str, config: TrainConfig, videos: int
    ) -> EpochPrinter:
        label = _member_label(plan.routine, target, config.seed)
        print(
            f"{label}: {config.head_kind} head, {videos} videos, {config.epochs} epochs, batch "
            f"{config.batch_size}, windows {config.segments or 'all'}/"
            f"{config.frames or 'all'}, device {plan.device}",
            file=sys.stderr,
        )
        return EpochPrinter(label)

    def member_finished(
        self, plan: TrainingPlan, target: str, result: RunResult, path: Path | None
    ) -> None:
        seed = result.card.seed
        where = str(path) if path is not None else _member_label(plan.routine, target, seed)
        print(
            f"{where}: val rho {_fmt(result.card.val_spearman)}, test rho "
            f"{_fmt(result.card.test_spearman)} (epoch {result.outcome.best_epoch}, "
            f"{result.outcome.seconds:.0f} s, {result.outcome.seconds_per_epoch:.2f} s/epoch)"
        )


def _member_label(routine: str, target: str, seed: int) -> str:
    return f"{routine} {target} seed {seed}"


def _print_kept(routine: str, kept: KeptSeeds, head_path: Path) -> None:
    """What several seeds of one target left: the summary, the head kept, the one-target set."""
    summary, seeds = kept.summary, len(kept.summary.seeds)
    print(
        f"{routine}: {seeds} seeds: val rho {_fmt(summary.val[0])} ± "
        f"{_fmt(summary.val[1])}, test rho {_fmt(summary.test[0])} ± "
        f"{_fmt(summary.test[1])}; {head_path} is seed {kept.best.card.seed}"
    )
    if not kept.set_card.intervals:
        print(
            f"{routine}: no validation split (--val-fraction 0): the set's interval is the "
            "members' min..max, its coverage unmeasured",
            file=sys.stderr,
        )
    print(f"{kept.set_path}: one-target model set of {seeds} members"
          f"{_coverage_text(kept.set_card)}")  # fmt: skip


def _coverage_text(card: SetCard) -> str:
    parts = [
        f"{t} {c.nominal:.0%} interval: coverage {c.coverage:.2f}, mean width {c.mean_width:.2f}"
        for t, c in card.intervals.items()
    ]
    return "; " + "; ".join(parts) if parts else ""


def library_request(args: argparse.Namespace, base=None):
    """The LibraryTrainRequest the options ask for (--routine default: every routine); the
    feature settings are `base`'s (those of the library's analyses) unless an option names
    them."""
    import dataclasses

    from judgeapp.analysis import AnalysisOptions
    from judgeapp.app.library_training import LibraryTrainRequest

    routine = (args.routine or "all").strip().lower()
    targets = SET_ORDER if args.target == ALL_TARGETS else (args.target,)
    options = dataclasses.replace(base or AnalysisOptions(), device=args.device)
    if args.profile:
        options = dataclasses.replace(options, profile=args.profile)
    if args.pretrained is not None:
        options = dataclasses.replace(options, pretrained=args.pretrained != "none")
    if args.detector is not None:
        options = dataclasses.replace(options, detector=args.detector)
    return LibraryTrainRequest(
        routine=routine,
        targets=targets,
        seeds=args.seeds,
        folds=args.folds,
        epochs=args.epochs,
        options=options,
        confirmed_small=args.force,
        whole_videos=args.whole_videos,
    )


def _stage_printer():
    """One stderr line per stage change and every tenth step."""
    last = {"stage": ""}

    def show(p) -> None:
        if p.stage != last["stage"] or p.done == p.total or p.done % 10 == 0:
            print(f"{p.stage}: {p.done}/{p.total}", file=sys.stderr, flush=True)
            last["stage"] = p.stage

    return show


def run_library(args: argparse.Namespace) -> int:
    """`train --library`: cross-validate and train on the library's scored videos, then
    install the set (or write it to --out); `--export DIR`: write the training set and stop."""
    import shutil

    from judgeapp.app.library_training import (
        export_training_set,
        install_trained,
        library_options,
        library_profiles,
        library_videos,
        train_from_library,
    )
    from judgeapp.store.library import Library

    apply_threads(args)
    with Library.open(args.library or None) as library:
        videos = library_videos(library)
        profiles = library_profiles(library)
        request = library_request(args, library_options(library))
        label = str(library.path)
    if args.export:
        written, failed = export_training_set(
            videos, request, args.export, _stage_printer(), profiles=profiles
        )
        for why in failed.values():
            print(f"warning: {why}", file=sys.stderr)
        print(f"{args.export}: {written} videos' features and their label files")
        return 0
    trained = train_from_library(
        videos, request, _stage_printer(), profiles=profiles, library_label=label
    )
    try:
        for why in trained.skipped.values():
            print(f"warning: left out: {why}", file=sys.stderr)
        print(trained.summary())
        print(trained.card.describe())
        if args.out:
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(trained.staged, out)
            print(f"{out}: model set written (not installed)")
            return 0
        path = install_trained(trained)
        print(f"{path}: installed; analyses can use it now (older models stay installed)")
    finally:
        trained.discard()
    return 0

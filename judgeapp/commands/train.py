"""`judgeapp train`: train ACTION-NET heads on a labelled feature set (paper section 5.2).

The paper's protocol is the default; every setting has an option. `--routine` takes one routine,
`all` (one head on every routine), or a comma-separated list (one head per routine, written
into the `--out` folder as ROUTINE.safetensors).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from judgeapp.commands.common import add_device_option
from judgeapp.model.config import INIT_SCHEMES as INITS

TARGETS = ("total", "difficulty", "execution")


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


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """--features, --labels, --routine, --target, --test-labels/-features, --profile."""
    parser.add_argument(
        "--features",
        required=True,
        metavar="DIR",
        help="feature folder in the authors' layout (dynamic_feat/, static_feat/)",
    )
    parser.add_argument(
        "--labels",
        required=True,
        metavar="FILE",
        help="RG annotation file (train.txt) or a name,score CSV",
    )
    parser.add_argument(
        "--routine",
        required=True,
        metavar="NAME",
        help="ball, clubs, hoop, ribbon, 'all', a comma-separated list (one "
        "head each), or any name for CSV labels",
    )
    parser.add_argument("--target", choices=TARGETS, default="total", help="default: total")
    parser.add_argument(
        "--score-max",
        type=float,
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
        "--epochs",
        type=_positive_int,
        help="default per routine: ball 400, clubs 300, hoop 500, ribbon 300, others 400",
    )
    group.add_argument("--batch-size", type=_positive_int, default=32)
    group.add_argument("--lr-attention", type=float, default=0.01)
    group.add_argument("--lr-regressor", type=float, default=0.05)
    group.add_argument("--momentum", type=float, default=0.9)
    group.add_argument("--weight-decay", type=float, default=1e-4)
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
    group.add_argument("--lr-gamma", type=float, default=0.1)
    group.add_argument(
        "--segments",
        type=_positive_int,
        default=26,
        help="dynamic segments per window (default 26)",
    )
    group.add_argument(
        "--frames", type=_positive_int, default=80, help="static frames per window (default 80)"
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
        type=_positive_int,
        default=1,
        metavar="K",
        help="train K seeds (seed, seed+1, ...) and report mean and std",
    )
    head = parser.add_argument_group("head (defaults: the paper)")
    head.add_argument("--adjacency", choices=["feature", "temporal"], default="feature")
    head.add_argument("--kernel-scale", type=float, default=1.0)
    head.add_argument("--streams", choices=["both", "dynamic", "static"], default="both")
    head.add_argument("--pooling", choices=["attention", "average", "sau"], default="attention")
    head.add_argument("--dropout", type=float, default=0.5)
    add_device_option(parser)
    add_threads_option(parser)


def add_threads_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=_positive_int,
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
    add_data_options(parser)
    add_protocol_options(parser)
    parser.add_argument(
        "--out",
        required=True,
        metavar="CKPT",
        help="checkpoint (.safetensors); a folder when --routine lists several",
    )
    parser.set_defaults(func=run)


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
    from judgeapp.core.errors import JudgeappError
    from judgeapp.training.protocol import TrainConfig, paper_epochs

    try:
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
    from judgeapp.core.errors import JudgeappError
    from judgeapp.training.labels import default_score_max

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
    from judgeapp.core.errors import JudgeappError
    from judgeapp.core.files import write_text_atomic
    from judgeapp.model import save_checkpoint
    from judgeapp.training.labels import default_score_max
    from judgeapp.training.runs import SeedSummary, load_split, train_run

    routines = routines_of(args)
    if not routines:
        raise JudgeappError("--routine: give a routine name, 'all' or a comma-separated list")
    several = len(routines) > 1
    out = Path(args.out)
    if several and out.suffix == ".safetensors":
        raise JudgeappError(f"{out}: with several routines --out must be a folder")
    if several and default_score_max(args.labels, args.target) is None:
        raise JudgeappError(
            f"{args.labels}: a name,score CSV has no routines; give one --routine name"
        )
    device, score_max, source, test_source = prepare_run(args)
    head = head_options(args)
    for routine in routines:
        train_set = load_split(source, args.target, routine)
        test_set = load_split(test_source, args.target, routine) if test_source else None
        target_path = out / f"{routine}.safetensors" if several else out
        runs = []
        for seed in range(args.seed, args.seed + args.seeds):
            config = train_config(args, routine, seed, head)
            label = f"{routine} seed {seed}"
            print(
                f"{label}: {len(train_set)} videos, {config.epochs} epochs, batch "
                f"{config.batch_size}, windows {config.segments or 'all'}/"
                f"{config.frames or 'all'}, device {device}",
                file=sys.stderr,
            )
            result = train_run(
                train_set, config, score_max=score_max, routine=routine, target=args.target,
                source=source, test_set=test_set, test_source=test_source, device=device,
                on_epoch=EpochPrinter(label),
            )  # fmt: skip
            path = (
                target_path
                if args.seeds == 1
                else target_path.with_name(f"{target_path.stem}.seed{seed}.safetensors")
            )
            save_checkpoint(path, result.outcome.model, result.card)
            print(
                f"{path}: val rho {_fmt(result.card.val_spearman)}, test rho "
                f"{_fmt(result.card.test_spearman)} (epoch {result.outcome.best_epoch}, "
                f"{result.outcome.seconds:.0f} s, {result.outcome.seconds_per_epoch:.2f} s/epoch)"
            )
            runs.append(result)
        if args.seeds > 1:
            summary = SeedSummary.of(runs)
            best = summary.best_by_validation()
            save_checkpoint(target_path, best.outcome.model, best.card)
            write_text_atomic(
                target_path.with_suffix(".seeds.json"),
                json.dumps({"routine": routine, **summary.to_dict()}, indent=2) + "\n",
            )
            print(
                f"{routine}: {args.seeds} seeds: val rho {_fmt(summary.val[0])} ± "
                f"{_fmt(summary.val[1])}, test rho {_fmt(summary.test[0])} ± "
                f"{_fmt(summary.test[1])}; {target_path} is seed {best.card.seed}"
            )
    return 0

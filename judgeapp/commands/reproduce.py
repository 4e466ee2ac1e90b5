"""`judgeapp reproduce --table N`: one of the paper's Tables 1-4, every row, with seeds.

Prints the table in the paper's layout with the published figures beside the measured ones and
the Fisher-z average, and writes OUT/tableN.json, .csv and .txt. Each finished row is kept in
OUT/rows/, so running the same command again resumes where it stopped. The protocol is the
RG preset unless --preset says otherwise (mit-skating: five random 100/50 splits of --labels);
every protocol option of `train` overrides it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from judgeapp.commands.common import say
from judgeapp.commands.train import (
    TARGETS,
    EpochPrinter,
    add_protocol_options,
    head_options,
    train_config,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reproduce",
        help="run one of the paper's Tables 1-4 and print it beside the published figures",
        description="Train every row of one of the paper's tables (Table 1 baselines, Table 2 "
        "streams, Table 3 attention variants, Table 4 person detection) with the same "
        "protocol and seeds, and print the table. Finished rows are kept in --out and not "
        "run again.",
    )
    parser.add_argument("--table", type=int, choices=[1, 2, 3, 4], required=True)
    parser.add_argument("--features", required=True, metavar="DIR", help="feature folder")
    parser.add_argument(
        "--labels",
        required=True,
        metavar="FILE",
        help="training labels (RG train.txt); with --preset mit-skating all labelled videos, "
        "split at random",
    )
    parser.add_argument("--test-labels", metavar="FILE", help="test labels (RG test.txt)")
    parser.add_argument("--test-features", metavar="DIR", help="default: --features")
    parser.add_argument(
        "--features-nodet",
        metavar="DIR",
        help="Table 4: the same videos' features extracted with --detector none (whole frames)",
    )
    parser.add_argument(
        "--routines",
        metavar="LIST",
        help="comma-separated columns (default: ball,clubs,hoop,ribbon for RG labels; one "
        "column for CSV labels, named after --preset)",
    )
    parser.add_argument("--target", choices=TARGETS, default="total")
    parser.add_argument("--score-max", type=float, metavar="X", help="default: the target's")
    parser.add_argument("--profile", metavar="NAME", help="profile of features without manifest")
    parser.add_argument("--splits", type=int, metavar="K", help="random splits (preset's)")
    parser.add_argument("--split-train", type=int, metavar="N", help="videos to train on")
    parser.add_argument("--split-test", type=int, metavar="N", help="videos to test on")
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="results: rows/, tableN.json/.csv/.txt"
    )
    parser.add_argument(
        "--svr-c", type=float, default=1.0, metavar="C", help="C of the linear SVRs (default 1)"
    )
    add_protocol_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from judgeapp.core.errors import JudgeappError
    from judgeapp.core.files import write_text_atomic
    from judgeapp.training.paper_tables import MIT_COLUMN, RG_COLUMNS, paper_table
    from judgeapp.training.presets import apply_preset, get_preset, with_splits
    from judgeapp.training.reproduce import (
        format_paper_table,
        run_table,
        table_csv,
        table_document,
    )

    args = apply_preset(args)
    table = paper_table(args.table)
    try:
        preset = with_splits(
            get_preset(args.preset or "rg"),
            count=args.splits,
            train=args.split_train,
            test=args.split_test,
        )
    except ValueError as exc:
        raise JudgeappError(f"--splits / --split-train / --split-test: {exc}") from None
    if table.needs_nodet and not args.features_nodet:
        raise JudgeappError("--table 4 needs --features-nodet (features without detection)")
    if preset.splits is None and not args.test_labels:
        raise JudgeappError("--test-labels is needed (or a preset with random splits)")
    columns = _columns(args, preset.name, RG_COLUMNS, MIT_COLUMN)
    seeds = list(range(args.seed, args.seed + args.seeds))
    count = preset.splits.count if preset.splits else 1
    repeats = list(range(count * len(seeds)))
    cells = _CellRunner(args, preset, seeds)
    if preset.splits is not None:  # refuse a set too small for the splits before any training
        for column in columns:
            cells.splits(column)
    settings = cells.fingerprint(table.number, columns, repeats)
    out = Path(args.out)
    results = run_table(
        table, columns, repeats, cells, out, settings, say=lambda t: say(t, file=sys.stderr)
    )
    runs = f"{len(seeds)} seed{'s' if len(seeds) > 1 else ''}"
    if preset.splits:
        plan = preset.splits
        runs = f"{plan.count} random {plan.train}/{plan.test} splits x {runs}"
    text = format_paper_table(table, results, columns, note=f"{args.target}, {runs}")
    say(text)
    stem = out / f"table{table.number}"
    document = table_document(table, results, columns, settings)
    write_text_atomic(stem.with_suffix(".json"), json.dumps(document, indent=2) + "\n")
    write_text_atomic(stem.with_suffix(".csv"), table_csv(table, results, columns))
    write_text_atomic(stem.with_suffix(".txt"), text + "\n")
    say(f"wrote {stem}.json, .csv and .txt", file=sys.stderr)
    return 0


def _columns(args, preset_name: str, rg_columns, mit_column) -> list[str]:
    from judgeapp.training.labels import default_score_max

    if args.routines:
        return [r.strip().lower() for r in args.routines.split(",") if r.strip()]
    if default_score_max(args.labels, "total") is not None:  # RG labels
        return list(rg_columns)
    return [mit_column if preset_name == "mit-skating" else "all"]


class _CellRunner:
    """Trains one cell run (row, column, repeat) from the command's options."""

    def __init__(self, args: argparse.Namespace, preset, seeds: list[int]) -> None:
        from judgeapp.commands.train import prepare_run
        from judgeapp.training.runs import feature_source

        self.args, self.preset, self.seeds = args, preset, seeds
        self.device, self.score_max, self.source, self.test_source = prepare_run(args)
        self.nodet = (
            feature_source(args.features_nodet, args.labels, args.profile)
            if args.features_nodet
            else None
        )
        self.nodet_test = (
            feature_source(args.features_nodet, args.test_labels, args.profile)
            if args.features_nodet and args.test_labels
            else None
        )
        self._sets: dict = {}

    def fingerprint(self, table: int, columns: list[str], repeats: list[int]) -> dict:
        """What a stored row must have run under to be kept (the device is not part of it)."""
        skip = {"func", "device", "threads", "out", "command", "debug"}
        options = {k: v for k, v in sorted(vars(self.args).items()) if k not in skip}
        splits = self.preset.splits
        document = {
            "table": table,
            "columns": columns,
            "repeats": repeats,
            "seeds": self.seeds,
            "score_max": self.score_max,
            "splits": None if splits is None else [splits.count, splits.train, splits.test],
            "options": options,
        }
        return json.loads(json.dumps(document, default=str))

    def _load(self, source, column: str):
        from judgeapp.training.runs import load_split

        key = (str(source.features), str(source.labels), column)
        if key not in self._sets:
            self._sets[key] = load_split(source, self.args.target, column)
        return self._sets[key]

    def splits(self, column: str, source=None) -> list[tuple]:
        """The preset's random (train, test) name splits of `column`'s labelled videos."""
        from judgeapp.core.errors import JudgeappError
        from judgeapp.training.presets import random_splits

        names = self._load(source or self.source, column).names
        try:
            return random_splits(names, self.preset.splits, self.args.seed)
        except ValueError as exc:
            raise JudgeappError(f"{self.args.labels}: {exc}") from None

    def _data(self, row, column: str, split: int):
        nodet = row.features == "nodet"
        source = self.nodet if nodet else self.source
        if self.preset.splits is None:
            test_source = self.nodet_test if nodet else self.test_source
            return source, self._load(source, column), test_source, self._load(test_source, column)
        everything = self._load(source, column)
        train, test = self.splits(column, source)[split]
        index = {name: i for i, name in enumerate(everything.names)}
        return (
            source,
            everything.subset([index[n] for n in train]),
            source,
            everything.subset([index[n] for n in test]),
        )

    def __call__(self, row, column: str, repeat: int) -> dict:
        from judgeapp.training.ablation import variant_head, variant_kind, with_svr_c
        from judgeapp.training.reproduce import run_metrics
        from judgeapp.training.runs import train_run

        split, seed = divmod(repeat, len(self.seeds))
        seed = self.seeds[seed]
        source, train_set, test_source, test_set = self._data(row, column, split)
        options = argparse.Namespace(**{**vars(self.args), "head": variant_kind(row.variant)})
        head = variant_head(head_options(self.args), row.variant)
        config = with_svr_c(train_config(options, column, seed, head), self.args.svr_c)
        result = train_run(
            train_set, config, score_max=self.score_max, routine=column, target=self.args.target,
            source=source, test_set=test_set, test_source=test_source, device=self.device,
            on_epoch=EpochPrinter(f"{row.key} {column} run {repeat}"),
        )  # fmt: skip
        return {"seed": seed, "split": split, **run_metrics(result)}

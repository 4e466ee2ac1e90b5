"""`judgeapp ablate`: train the paper's ablation variants with one protocol and print the table.

Variants (training.ablation.VARIANTS): full (the paper's head), dynamic / static (one stream),
average (average pooling instead of attention), sau (plain attention unit without GCN context),
temporal (the authors' code's temporal adjacency), lstm_sau / bilstm_sau / rta (Table 3's other
attention variants), Table 1's baselines (avg_svr_, max_svr_, lstm_, bilstm_ + dynamic or
static) and gdlt (GDLT's head with its published protocol). Test metrics need --test-labels;
validation needs --val-fraction. `judgeapp reproduce` runs a whole table of the paper.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from judgeapp.commands.common import say
from judgeapp.commands.train import (
    ALL_TARGETS,
    SET_ORDER,
    EpochPrinter,
    add_data_options,
    add_protocol_options,
    head_options,
    prepare_run,
    train_config,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ablate",
        help="train ablation variants of the head and print the table",
        description="Train several head variants with the same protocol and compare them.",
    )
    add_data_options(parser)
    parser.add_argument(
        "--variants",
        default="full,dynamic,static,average,sau,temporal",
        help="comma-separated: full, dynamic, static, average, sau, temporal, lstm_sau, "
        "bilstm_sau, rta, gdlt, {avg_svr,max_svr,lstm,bilstm}_{dynamic,static} (default: "
        "full,dynamic,static,average,sau,temporal)",
    )
    add_protocol_options(parser)
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="also save each variant's checkpoint here (VARIANT.safetensors)",
    )
    parser.add_argument("--json", metavar="PATH|-", help="write the table as JSON")
    parser.add_argument(
        "--svr-c", type=float, default=1.0, metavar="C", help="C of the linear SVR variants"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from judgeapp.core.errors import JudgeappError
    from judgeapp.core.files import write_text_atomic
    from judgeapp.training.ablation import format_ablation_table, parse_variants
    from judgeapp.training.labels import TARGET_SCORE_MAX
    from judgeapp.training.presets import apply_preset

    args = apply_preset(args)
    variants = parse_variants(args.variants)
    routine = args.routine.strip().lower()
    if "," in routine:
        raise JudgeappError("--routine: ablate runs on one routine (or 'all') at a time")
    if not args.test_labels and args.val_fraction == 0:
        raise JudgeappError(
            "nothing to compare the variants on: give --test-labels and/or --val-fraction"
        )
    device, score_max, source, test_source = prepare_run(args)
    quiet = args.json == "-"
    targets = SET_ORDER if args.target == ALL_TARGETS else (args.target,)
    tables = {}
    for target in targets:
        target_max = TARGET_SCORE_MAX[target] if args.target == ALL_TARGETS else score_max
        results = _ablate_target(
            args, variants, routine, target, target_max, source, test_source, device
        )
        title = f"target {target}\n" if len(targets) > 1 else ""
        say(title + format_ablation_table(results), file=sys.stderr if quiet else sys.stdout)
        tables[target] = [r.to_dict() for r in results]
    if args.json:
        main = "total" if "total" in tables else targets[0]
        document = {"routine": routine, "target": main, "variants": tables[main]}
        if len(targets) > 1:
            document["targets"] = {t: {"variants": v} for t, v in tables.items()}
        text = json.dumps(document, indent=2) + "\n"
        if quiet:
            sys.stdout.write(text)
        else:
            write_text_atomic(args.json, text)
    return 0


def _ablate_target(args, variants, routine, target, score_max, source, test_source, device):
    """Every variant on one target, --seeds seeds each (checkpoints saved under --out, in a
    folder per target when there are several)."""
    from judgeapp.model import save_checkpoint
    from judgeapp.training.ablation import run_variants, variant_head, variant_kind, with_svr_c
    from judgeapp.training.runs import load_split, train_run

    train_set = load_split(source, target, routine)
    test_set = load_split(test_source, target, routine) if test_source else None
    base_head = head_options(args)
    out = Path(args.out) / target if args.out and args.target == ALL_TARGETS else args.out

    def train_variant(variant: str, seed: int):
        # Another head kind (gdlt) is trained with its own protocol, as `train --head` does.
        options = argparse.Namespace(**{**vars(args), "head": variant_kind(variant)})
        config = with_svr_c(
            train_config(options, routine, seed, variant_head(base_head, variant)), args.svr_c
        )
        result = train_run(
            train_set, config, score_max=score_max, routine=routine, target=target,
            source=source, test_set=test_set, test_source=test_source, device=device,
            on_epoch=EpochPrinter(f"{target} {variant} seed {seed}"),
        )  # fmt: skip
        if out:
            name = variant if args.seeds == 1 else f"{variant}.seed{seed}"
            save_checkpoint(Path(out) / f"{name}.safetensors", result.outcome.model, result.card)
        return result

    seeds = list(range(args.seed, args.seed + args.seeds))
    return run_variants(variants, train_variant, seeds)

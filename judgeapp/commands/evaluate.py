"""`judgeapp evaluate`: Spearman, Pearson and MAE of trained heads on a labelled feature set.

`--model` takes checkpoints or folders of them (repeatable). Each head is evaluated on the videos
of its own routine (from its model card, or --routine); several heads, or one head trained on
`all` routines, give a table like the paper's Table 1 with the Fisher-z average.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from judgeapp.commands.common import add_device_option
from judgeapp.commands.train import add_threads_option, apply_threads


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="Spearman/Pearson/MAE of trained heads on labelled features",
        description="Evaluate head checkpoints on features in the authors' layout.",
    )
    parser.add_argument(
        "--model",
        required=True,
        action="append",
        metavar="CKPT",
        help="checkpoint, or a folder of them; repeatable",
    )
    parser.add_argument(
        "--features", required=True, metavar="DIR", help="feature folder in the authors' layout"
    )
    parser.add_argument(
        "--labels",
        required=True,
        metavar="FILE",
        help="RG annotation file (test.txt) or a name,score CSV",
    )
    parser.add_argument(
        "--routine", metavar="NAME", help="evaluate on this routine (default: the model card's)"
    )
    add_device_option(parser)
    add_threads_option(parser)
    parser.add_argument("--json", metavar="PATH|-", help="write the metrics as JSON")
    parser.set_defaults(func=run)


def checkpoint_paths(models: list[str]) -> list[Path]:
    """The checkpoints named, a folder standing for the .safetensors files directly in it."""
    from judgeapp.core.errors import CheckpointError

    paths: list[Path] = []
    for raw in models:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.safetensors") if ".seed" not in p.name)
            if not found:
                raise CheckpointError(f"{path}: no .safetensors checkpoints in this folder")
            paths.extend(found)
        else:
            paths.append(path)
    return paths


def run(args: argparse.Namespace) -> int:
    from judgeapp.analysis.device import resolve_device
    from judgeapp.core.files import write_text_atomic
    from judgeapp.model import load_checkpoint
    from judgeapp.training.evaluation import (
        check_dims,
        check_profile,
        evaluate,
        format_table,
        split_by_routine,
        summary_row,
    )
    from judgeapp.training.feature_set import load_feature_set, manifest_profile
    from judgeapp.training.labels import ALL_ROUTINES, load_labels

    device = resolve_device(args.device)
    apply_threads(args)
    features_profile = manifest_profile(args.features)
    evaluations, documents = [], []
    for path in checkpoint_paths(args.model):
        model, card = load_checkpoint(path, device)
        check_profile(card, features_profile, path)
        routine = (args.routine or card.routine).lower()
        labels = load_labels(args.labels, card.target, routine)
        data = load_feature_set(args.features, labels)
        check_dims(model, data, path)
        result = evaluate(model, card, data, device, routine)
        groups = split_by_routine(data) if routine == ALL_ROUTINES else {}
        if len(groups) > 1:
            parts = [evaluate(model, card, part, device, name) for name, part in groups.items()]
            evaluations.extend(parts)
            documents.append({
                "model": str(path), "target": card.target, "profile": card.profile,
                **result.to_dict(), "routines": [p.to_dict() for p in parts],
                "fisher_z_mean": summary_row(parts),
            })  # fmt: skip
        else:
            evaluations.append(result)
            documents.append({
                "model": str(path), "target": card.target, "profile": card.profile,
                **result.to_dict(),
            })  # fmt: skip
    print(format_table(evaluations), file=sys.stderr if args.json == "-" else sys.stdout)
    if args.json:
        if len(documents) == 1:
            document = documents[0]
        else:
            document = {**summary_row(evaluations), "average": "fisher_z", "models": documents}
        text = json.dumps(document, indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            write_text_atomic(args.json, text)
    return 0

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

from judgeapp.commands.common import add_device_option, check_output_file, nonempty, say
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
    parser.add_argument(
        "--json", metavar="PATH|-", type=nonempty("--json path"), help="write the metrics as JSON"
    )
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
    from judgeapp.features.feature_folder import manifest_profile
    from judgeapp.model import load_checkpoint
    from judgeapp.model.model_set import is_model_set
    from judgeapp.training.evaluation import (
        check_dims,
        check_profile,
        evaluate,
        format_table,
        split_by_routine,
        summary_row,
    )
    from judgeapp.training.feature_set import load_feature_set
    from judgeapp.training.labels import ALL_ROUTINES, load_labels

    if args.json:
        check_output_file(args.json, "--json")  # before any head is loaded or evaluated
    device = resolve_device(args.device)
    apply_threads(args)
    features_profile = manifest_profile(args.features)
    evaluations, documents = [], []
    set_tables = []
    for path in checkpoint_paths(args.model):
        if is_model_set(path):
            document, main = _evaluate_set(args, path, features_profile, device, set_tables)
            evaluations.append(main)
            documents.append(document)
            continue
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
    table = "\n\n".join([format_table(evaluations), *set_tables])
    say(table, file=sys.stderr if args.json == "-" else sys.stdout)  # routine names: cards
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


def _evaluate_set(args, path: Path, features_profile, device: str, tables: list[str]):
    """A model set: every target on its own labels; the main target's figures at the top level
    of the JSON (the one-head keys), each target's (with coverage and width) in "targets"."""
    from judgeapp.model.model_set import load_model_set
    from judgeapp.training.evaluation import check_dims, check_profile
    from judgeapp.training.feature_set import load_feature_set
    from judgeapp.training.labels import load_labels
    from judgeapp.training.model_sets import evaluate_set, format_set_table

    model_set = load_model_set(path, device)
    card = model_set.main_card
    check_profile(card, features_profile, path)
    routine = (args.routine or card.routine).lower()
    data_of = {
        target: load_feature_set(args.features, load_labels(args.labels, target, routine))
        for target in model_set.card.targets
    }
    main_target = model_set.card.main_target
    check_dims(model_set.heads[main_target][0], data_of[main_target], path)
    results = evaluate_set(model_set, data_of, device)
    tables.append(format_set_table(routine, results))
    main = results[main_target].evaluation(routine)
    document = {
        "model": str(path),
        "target": main_target,
        "profile": card.profile,
        **main.to_dict(),
        "targets": {t: e.to_dict() for t, e in results.items()},
    }
    return document, main

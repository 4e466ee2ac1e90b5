"""`judgeapp features compare A_DIR B_DIR [--json PATH|-]`: two feature folders side by side.

Per video and stream: instance counts, cosine similarity (per instance: mean and minimum; the
whole common part flattened), max absolute difference; videos only in one folder; a summary.
The exit status is 0 whenever the comparison ran: the figures are for the user to judge.
"""

from __future__ import annotations

import argparse
import json
import sys

from judgeapp.core.text_safety import terminal_lines


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "features",
        help="check feature folders (compare your extraction with released features)",
        description="Inspect feature folders in the authors' layout.",
    )
    commands = parser.add_subparsers(dest="features_command", metavar="{compare}", required=True)
    compare = commands.add_parser(
        "compare",
        help="counts, cosine similarity and max abs difference of two feature folders",
        description=(
            "Compare two feature folders (dynamic_feat/NAME.npy, static_feat/NAME.npy) video by "
            "video: instance counts, cosine similarity, max absolute difference."
        ),
    )
    compare.add_argument("a_dir", metavar="A_DIR", help="feature folder (e.g. released features)")
    compare.add_argument("b_dir", metavar="B_DIR", help="feature folder (e.g. your extraction)")
    compare.add_argument(
        "--json", metavar="PATH|-", help="write judgeapp.features-compare/1 JSON (- for stdout)"
    )
    compare.set_defaults(func=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    from judgeapp.core.files import write_text_atomic
    from judgeapp.features.feature_compare import compare_folders, format_report

    comparison = compare_folders(args.a_dir, args.b_dir)
    table = format_report(comparison)
    # video names and folders from the disk: shown, never obeyed by the terminal
    (sys.stderr if args.json == "-" else sys.stdout).write(terminal_lines(table))
    if args.json:
        text = json.dumps(comparison.to_dict(), indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            write_text_atomic(args.json, text)
    return 0

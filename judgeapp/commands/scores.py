"""`judgeapp scores`: panel scores into the library in bulk, and undoing such an import.

`scores import FILE` reads a CSV (name or sha256, total, and optionally difficulty, execution,
routine, athlete), the authors' label layout, or a feature folder exported from the library,
matches every row to a library video, prints what would change, and writes it all in one
transaction (`--dry-run`: only print). A problem anywhere is one line naming the file and the
line, and nothing is written (a library file that does not exist yet is not created: it has no
videos to match). `scores undo` reverts the newest import.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "scores",
        help="import panel scores into the library in bulk (CSV or label file); undo",
        description="Import the panel's scores for many library videos at once.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="preview and import a score file",
        description="Match a score file's rows to library videos by content hash or file name, "
        "show what would change, then write it (nothing at all when any row has a problem).",
    )
    imp.add_argument("file", metavar="FILE", help="CSV, label file (train.txt) or exported folder")
    imp.add_argument(
        "--videos",
        metavar="DIR",
        help="folder holding the videos the rows name: each is matched by content hash",
    )
    imp.add_argument("--dry-run", action="store_true", help="show the preview, write nothing")
    imp.add_argument("--library", metavar="PATH", help="library file (default: data folder)")
    imp.set_defaults(func=run_import)
    undo = actions.add_parser("undo", help="revert the newest score import")
    undo.add_argument("--library", metavar="PATH", help="library file (default: data folder)")
    undo.set_defaults(func=run_undo)


def _existing_library(given: str | None) -> Path:
    """The library file the command names (or the default); JudgeappError when there is none
    yet: opening it would create an empty library, and it has no video to score."""
    from judgeapp.core.errors import JudgeappError
    from judgeapp.store.library import default_library_path

    path = Path(given) if given else default_library_path()
    if not path.is_file():
        raise JudgeappError(f"{path}: no library here yet (analyse the videos into it first)")
    return path


def run_import(args: argparse.Namespace) -> int:
    from judgeapp.app.score_import import apply_import, preview_import, preview_table
    from judgeapp.commands.common import say
    from judgeapp.store.library import Library

    with Library.open(_existing_library(args.library)) as library:
        preview = preview_import(library, args.file, args.videos)
        for line, name, _video, how, before, after, change in preview_table(preview):
            if change in ("new", "changed") or how == "no match":
                say(f"line {line:>4}  {name:<28} {change:<8} {before} -> {after}")
        say(preview.summary())
        if preview.problems:
            for problem in preview.problem_text().splitlines():
                say(f"error: {problem}", file=sys.stderr)
            return 1
        if args.dry_run:
            say("dry run: nothing written")
            return 0
        import_id = apply_import(library, preview)
        say(f"{library.path}: imported {len(preview.changes)} panel scores "
            f"(import {import_id}; `judgeapp scores undo` reverts it)")  # fmt: skip
    return 0


def run_undo(args: argparse.Namespace) -> int:
    from judgeapp.app.score_import import undo_last_import
    from judgeapp.commands.common import say
    from judgeapp.store.library import Library

    with Library.open(_existing_library(args.library)) as library:
        import_id, count = undo_last_import(library)
        say(f"{library.path}: import {import_id} undone ({count} videos as they were)")
    return 0

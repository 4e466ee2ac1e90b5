"""`judgeapp gui [VIDEO]` (also plain `judgeapp` and `judgeapp VIDEO`): the desktop app."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop app (the default command)",
        description="Open the desktop app, optionally with a video.",
    )
    parser.add_argument("video", nargs="?", help="a routine video to open")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from judgeapp.core.errors import JudgeappError

    if args.video is not None and not Path(args.video).exists():
        raise JudgeappError(f"{args.video}: no such file")
    from judgeapp.ui.app import run as run_app  # Qt is imported only when the GUI starts

    return run_app(args.video)

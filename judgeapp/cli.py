"""The `judgeapp` command: subcommands, one-line errors and exit codes (DESIGN.md).

Exit status 0 on success, 2 for a usage error, 1 for any other failure, with one line
`error: ...` on stderr and no traceback unless --debug is given. SIGTERM is treated like
Ctrl-C: it stops the command where it is, so that half-written files are removed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import traceback

# Each module has `register(subparsers)` and `run(args) -> int`; they import heavy
# libraries (torch, Qt) inside `run`, so `judgeapp --help` stays instant.
COMMAND_MODULES = [
    "judgeapp.commands.gui",
    "judgeapp.commands.score",
    "judgeapp.commands.extract",
    "judgeapp.commands.features",
    "judgeapp.commands.train",
    "judgeapp.commands.evaluate",
    "judgeapp.commands.ablate",
    "judgeapp.commands.reproduce",
    "judgeapp.commands.report",
    "judgeapp.commands.models",
    "judgeapp.commands.compare",
    "judgeapp.commands.scores",
]


def _available_modules() -> list:
    modules = []
    for name in COMMAND_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="judgeapp",
        description="Score long sports routines from video with ACTION-NET, and show why.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _available_modules():
        module.register(subparsers)
    return parser


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def _is_command(arg: str, parser: argparse.ArgumentParser) -> bool:
    return arg in _commands(parser)


def _mistyped_command(arg: str, parser: argparse.ArgumentParser) -> str | None:
    """The command `arg` is a typo of (`scroe`: score), or None. A first word that is not a
    command opens the GUI with that video (`judgeapp VIDEO`), so only a word that is no file
    or folder here, has no suffix or folder in it, and is close to a command name counts."""
    import difflib

    if not arg or "." in arg or os.sep in arg or "/" in arg or os.path.lexists(arg):
        return None
    close = difflib.get_close_matches(arg.lower(), _commands(parser), n=1)
    return close[0] if close else None


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so that the same cleanup as for Ctrl-C runs."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the cleanup finish
    raise Terminated


def process_main() -> None:
    """The `judgeapp` command and `python -m judgeapp`: `main` in a process of its own, with
    OpenCV's worker pool off before any thread starts (video/opencv_threads.py)."""
    from judgeapp.video.opencv_threads import opencv_in_calling_threads

    opencv_in_calling_threads()
    sys.exit(main())


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    debug = "--debug" in argv
    positional = [a for a in argv if not a.startswith("-")]
    if positional and not _is_command(positional[0], parser):
        if (command := _mistyped_command(positional[0], parser)) is not None:
            from judgeapp.core.text_safety import terminal_text

            word = terminal_text(positional[0])
            print(
                f"judgeapp: unknown command '{word}' (did you mean '{command}'?)", file=sys.stderr
            )
            return 2
    # `judgeapp` and `judgeapp VIDEO` open the GUI.
    if not positional or not _is_command(positional[0], parser):
        if not any(a in ("-h", "--help") for a in argv):
            argv = ["gui", *[a for a in argv if a != "--debug"]]
            if debug:
                argv.insert(0, "--debug")
    args = parser.parse_args(argv)
    if debug:
        os.environ["JUDGEAPP_DEBUG"] = "1"
    from judgeapp.core.errors import Cancelled, JudgeappError
    from judgeapp.core.text_safety import terminal_text

    previous = None
    if args.command != "gui" and hasattr(args, "func"):  # Qt handles the GUI's own signals
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.func(args) or 0)
    except Cancelled:
        print("error: cancelled", file=sys.stderr)
        return 1
    except JudgeappError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {terminal_text(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        reason = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"error: {reason}", file=sys.stderr)
        return 1
    except Exception as exc:  # an unexpected failure still gets one line, not a traceback
        if args.debug:
            traceback.print_exc()
        detail = terminal_text(" ".join(str(exc).split())[:300])
        print(
            f"error: unexpected {type(exc).__name__}: {detail} (run with --debug)", file=sys.stderr
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())

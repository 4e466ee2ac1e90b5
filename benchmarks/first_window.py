"""How long from starting the desktop app until its window is on screen, side by side with
what no judgeapp code can avoid.

    nice python benchmarks/first_window.py [--runs N] [--before DIR] [--json PATH]

Each run is a fresh process, as a user starts the app (offscreen, settings and data in a
scratch folder): `judgeapp.ui.desktop.run()` exactly as `judgeapp gui` calls it, with a timer that
fires once the event loop has shown the window and quits. Beside it, in the same rounds, two
baselines: the interpreter alone (`python -c pass`) and the interpreter starting Qt and showing
an empty window. With `--before DIR` (a checkout of an older commit, e.g. `git worktree add DIR
REV`), that tree's app is started in the same rounds too. Prints each round, the medians, and
the ratios: the app over the empty Qt window (what judgeapp's own imports and window building
cost), and this tree's app over the older one's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP = """
import sys
from PySide6.QtCore import QTimer
import judgeapp.ui  # noqa: F401
try:
    from judgeapp.ui import desktop as app
except ImportError:  # an older tree (--before), where the module was judgeapp.ui.app
    from judgeapp.ui import app
QTimer.singleShot(0, lambda: app.application().quit())
sys.exit(app.run())
"""
EMPTY_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
qt = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, qt.quit)
sys.exit(qt.exec())
"""
BEFORE = "judgeapp gui, older tree"
VARIANTS = {
    "python alone": "pass",
    "Qt, empty window": EMPTY_QT,
    "import the app layer's views": "import judgeapp.app.score_view, judgeapp.app.attention_view",
    "judgeapp gui, window shown": APP,
}


def _run(code: str, env: dict[str, str], tree: Path) -> float:
    """Seconds for a fresh interpreter to run `code`, importing judgeapp from `tree`."""
    env = {**env, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    done = subprocess.run(  # run from the tree: `-c` puts the working folder first on sys.path
        [sys.executable, "-c", code], env=env, cwd=tree, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an older checkout to start beside this one")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "JUDGEAPP_DATA_DIR": str(Path(scratch) / "data"),
            "JUDGEAPP_CACHE_DIR": str(Path(scratch) / "cache"),
            "XDG_CONFIG_HOME": str(Path(scratch) / "config"),
            "HOME": scratch,
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: sources byte-compiled once
        here = Path(__file__).resolve().parents[1]
        variants = [(name, code, here) for name, code in VARIANTS.items()]
        if args.before:
            variants.append((BEFORE, APP, args.before.resolve()))
        for _name, code, tree in variants:
            _run(code, env, tree)  # first start: byte-compiled files written, settings made
        seconds: dict[str, list[float]] = {name: [] for name, _code, _tree in variants}
        for round_no in range(args.runs):
            for name, code, tree in variants:
                seconds[name].append(_run(code, env, tree))
            row = ", ".join(f"{name} {s[-1]:.2f} s" for name, s in seconds.items())
            print(f"round {round_no + 1}: {row}")
    medians = {name: statistics.median(s) for name, s in seconds.items()}
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for name, median in medians.items():
        print(f"median  {name:<34} {median:5.2f} s")
    app, qt = medians["judgeapp gui, window shown"], medians["Qt, empty window"]
    print(f"app / empty Qt window = {app / qt:.2f}; judgeapp's own part {app - qt:.2f} s")
    if args.before:
        print(f"this tree's app / the older tree's = {app / medians[BEFORE]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"seconds": seconds, "medians_s": medians}))


if __name__ == "__main__":
    main()

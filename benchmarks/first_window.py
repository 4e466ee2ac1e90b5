"""How long from starting the desktop app until its window is on screen, side by side with
what no judgeapp code can avoid.

    nice python benchmarks/first_window.py [--runs N] [--json PATH]

Each run is a fresh process, as a user starts the app (offscreen, settings and data in a
scratch folder): `judgeapp.ui.app.run()` exactly as `judgeapp gui` calls it, with a timer that
fires once the event loop has shown the window and quits. Beside it, in the same rounds, two
baselines: the interpreter alone (`python -c pass`) and the interpreter starting Qt and showing
an empty window. Prints each round, the medians, and the ratios: the app over the empty Qt
window (what judgeapp's own imports and window building cost), and the import of
`judgeapp.app.view_models` alone.
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
VARIANTS = {
    "python alone": "pass",
    "Qt, empty window": EMPTY_QT,
    "import judgeapp.app.view_models": "import judgeapp.app.view_models",
    "judgeapp gui, window shown": APP,
}


def _run(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
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
        _run(APP, env)  # first start: byte-compiled files written, the settings folder made
        seconds: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for round_no in range(args.runs):
            for name, code in VARIANTS.items():
                seconds[name].append(_run(code, env))
            row = ", ".join(f"{name} {s[-1]:.2f} s" for name, s in seconds.items())
            print(f"round {round_no + 1}: {row}")
    medians = {name: statistics.median(s) for name, s in seconds.items()}
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for name, median in medians.items():
        print(f"median  {name:<34} {median:5.2f} s")
    app, qt = medians["judgeapp gui, window shown"], medians["Qt, empty window"]
    print(f"app / empty Qt window = {app / qt:.2f}; judgeapp's own part {app - qt:.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"seconds": seconds, "medians_s": medians}))


if __name__ == "__main__":
    main()

"""The processes that analyse videos run OpenCV without its shared worker pool, switched off
before any of their threads starts (video/opencv_threads.py)."""

from __future__ import annotations

import subprocess
import sys


def _child_prints(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_turns_the_pool_off_before_it_runs() -> None:
    code = (
        "import cv2, threading, judgeapp.cli as cli\n"
        "before = cv2.getNumThreads()\n"
        "cli.main = lambda: print(before, cv2.getNumThreads(), threading.active_count()) or 0\n"
        "cli.process_main()\n"
    )
    before, during, threads = (int(v) for v in _child_prints(code).split())
    assert before != 1 or during == 1  # a one-core machine has no pool to turn off
    assert during == 1 and threads == 1


def test_the_analysis_child_turns_the_pool_off_first() -> None:
    code = (
        "import cv2\n"
        "from judgeapp.app import analysis_service as s\n"
        "class Gone:\n"
        "    def recv(self): raise EOFError\n"
        "    def send(self, message): pass\n"
        "try:\n"
        "    s._child_main(Gone())\n"
        "except Exception:\n"
        "    pass\n"
        "print(cv2.getNumThreads())\n"
    )
    assert _child_prints(code) == "1"

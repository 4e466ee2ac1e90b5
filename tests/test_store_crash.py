"""Killing the process (SIGKILL) while it saves marks loses no mark whose save had returned."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from report_helpers import fake_video_info

from judgeapp.store import Library

# The child saves marks as fast as it can and prints each id once add_mark has returned.
_WRITER = """
import sys
from judgeapp.store import Library
lib = Library.open(sys.argv[1])
sha = sys.argv[2]
i = 0
while True:
    mark = lib.add_mark(sha, i * 0.1, "comment", "mark %d " % i + "x" * (i % 300))
    if i % 7 == 3:
        mark = lib.update_mark(mark.__class__(**{**mark.__dict__, "text": "edited %d" % i}))
    print(mark.id, mark.text, flush=True)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sigkill_while_saving_marks_loses_nothing_reported_saved(tmp_path: Path, seed) -> None:
    path = tmp_path / "lib.sqlite3"
    info = fake_video_info()
    with Library.open(path) as lib:
        lib.remember_video(info)
    rng = random.Random(seed)
    kill_after_s = rng.uniform(0.3, 1.5)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), info.sha256],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    reported: dict[int, str] = {}
    start = None
    assert child.stdout is not None
    for line in child.stdout:  # the first line arrives once imports and opening are done
        mark_id, text = line.rstrip("\n").split(" ", 1)
        reported[int(mark_id)] = text
        start = start or time.monotonic()
        if time.monotonic() - start >= kill_after_s:
            child.send_signal(signal.SIGKILL)  # mid-write of the next mark, most likely
            break
    child.wait(timeout=30)
    # Lines the child printed before it died but that were still in the pipe: reported too.
    # (A last line cut off mid-print is not counted: that mark is the one extra allowed below.)
    for line in child.stdout.read().splitlines(keepends=True):
        if line.endswith("\n"):
            mark_id, text = line.rstrip("\n").split(" ", 1)
            reported[int(mark_id)] = text
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert len(reported) > 5

    with Library.open(path) as lib:
        assert lib.integrity_check() == "ok"
        stored = {m.id: m.text for m in lib.marks_for(info.sha256)}
        # Every mark the child reported is there with the text it reported; at most the one
        # being written when it died is extra.
        assert {i: stored.get(i) for i in reported} == reported
        assert len(stored) - len(reported) in (0, 1)
        lib.add_mark(info.sha256, 0.0, "comment", "the library still takes writes")

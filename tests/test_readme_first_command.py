"""The README's first command works on a bare clone: its video ships with the repository."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _first_command() -> list[str]:
    """The `judgeapp score ...` part of the first shell block of the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "the README has no shell block"
    first_line = block.group(1).splitlines()[0]
    score = first_line.split("&&")[-1].strip()
    words = shlex.split(score)
    assert Path(words[0]).name == "judgeapp" and words[1] == "score", first_line
    return words[1:]


def test_the_first_command_needs_nothing_outside_the_repository():
    args = _first_command()
    video = ROOT / args[1]
    assert video.resolve().is_relative_to(ROOT), f"{args[1]} lies outside the repository"
    assert video.is_file(), f"{args[1]} is not in the repository"
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", args[1]], cwd=ROOT, capture_output=True
    )
    assert tracked.returncode == 0, f"{args[1]} is not committed"
    notices = (ROOT / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    assert args[1] in notices, "the sample clip is not credited"


@pytest.mark.slow
def test_the_first_command_scores_the_sample_offline_and_says_uncalibrated():
    done = subprocess.run(
        [sys.executable, "-m", "judgeapp", *_first_command()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout[done.stdout.index("{") :])
    assert result["model"]["calibrated"] is False
    assert 0 <= result["score"] <= result["model"]["score_max"]
    assert result["video"]["frames"] == 247

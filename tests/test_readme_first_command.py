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


def _shown_output() -> list[str]:
    """The lines the README shows the first command printing (the block after the first)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
    assert len(blocks) >= 2 and blocks[0][0] == "sh" and blocks[1][0] == "", "no output shown"
    return blocks[1][1].splitlines()


@pytest.mark.slow
def test_the_first_command_scores_the_sample_offline_and_says_uncalibrated(tmp_path):
    """It prints what the README shows (a person reads the score and where the JSON went) and
    writes the JSON there; run with its JSON file moved out of the checkout."""
    args = _first_command()
    at = args.index("--json") + 1
    shown_path, out = args[at], tmp_path / Path(args[at]).name
    args[at] = str(out)
    done = subprocess.run(
        [sys.executable, "-m", "judgeapp", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["model"]["calibrated"] is False
    assert 0 <= result["score"] <= result["model"]["score_max"]
    assert result["video"]["frames"] == 247
    printed = done.stdout.replace(str(out), shown_path).splitlines()
    shown = _shown_output()
    # The score depends on the person finder installed (the pose model or HOG): compared apart.
    number = re.compile(r"\d+\.\d\d / ")
    assert [number.sub("N / ", line) for line in printed] == [
        number.sub("N / ", line) for line in shown
    ], done.stdout
    assert printed[0].startswith(f"{args[1]}: {result['score']:.2f} / 25 (not calibrated)")

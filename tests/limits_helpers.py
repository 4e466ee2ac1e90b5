"""Running a `judgeapp` command in a child process under a memory limit (RLIMIT_AS).

The child imports what the command needs first, then limits its address space to what it uses
plus a margin: an allocation sized by a number read from a file fails there within a second
instead of exhausting the machine, and the test sees how the command reported it.
"""

from __future__ import annotations

import subprocess
import sys

_CHILD = """
import resource, sys

def vm_bytes():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024

import cv2, numpy, torch, torchvision  # noqa: F401  (mapped before the limit)
import judgeapp.analysis, judgeapp.cli, judgeapp.model, judgeapp.video  # noqa: F401
limit = vm_bytes() + int(sys.argv[1]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.exit(judgeapp.cli.main(sys.argv[2:]))
"""


def run_limited(args: list[str], margin_mib: int = 1536, timeout_s: float = 240) -> tuple[int, str]:
    """Exit status and stderr of `judgeapp ARGS` with `margin_mib` of address space to spare."""
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(margin_mib), *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=None,
    )
    return run.returncode, run.stderr.strip()

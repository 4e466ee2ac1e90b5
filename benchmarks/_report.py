"""What every benchmark reports beside its own figures: the machine it ran on, and the JSON file.

Figures mean little without the machine: the CPU model, the cores this process may use and the
load average when it ran (another program running changes the timings). Imported by the scripts
in this folder (`python benchmarks/x.py` puts the folder on the import path).
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (/proc/cpuinfo on Linux), else what platform says."""
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    facts: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(":")
        facts.setdefault(key.strip(), value.strip())
    name = facts.get("model name") or platform.processor() or platform.machine()
    return f"{name} (family {facts.get('cpu family', '?')} model {facts.get('model', '?')})"


def machine_facts() -> dict:
    """The CPU, the cores this process may use and the load average (1, 5, 15 minutes)."""
    return {
        "cpu": cpu_model(),
        "cores": len(os.sched_getaffinity(0)),
        "load_average": os.getloadavg(),
    }


def machine_text(facts: dict) -> str:
    """One line for the console: '<n> cores, load average <1-minute load>'."""
    return f"{facts['cores']} cores, load average {facts['load_average'][0]:.1f}"


def write_json(report: dict, path: str | Path | None) -> None:
    """Write the figures to `path` (no file when None)."""
    if path:
        Path(path).write_text(json.dumps(report, indent=2), encoding="utf-8")


def print_json(report: dict, path: str | Path | None) -> None:
    """Print the figures as JSON, and write the same text to `path` (no file when None)."""
    text = json.dumps(report, indent=2)
    print(text)
    if path:
        Path(path).write_text(text + "\n", encoding="utf-8")

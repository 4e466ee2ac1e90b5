"""judgeapp sends nothing anywhere by itself (issue 20, item 5): the first analysis created
~/intel/openvino_ga_cid and ~/intel/stats (OpenVINO's opt-out telemetry, started by converting
a network). In a child process with a fresh home, as a new user's first run: judgeapp's OpenVINO
conversion and compilation, the YOLO finder's ultralytics import and Ray's usage switch; no
telemetry or consent file appears and each library says it is off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

CHILD = r"""
import json, sys
from pathlib import Path
import numpy as np, torch
from judgeapp.features.engines import compile_openvino

class Means(torch.nn.Module):
    def forward(self, x):
        return x.float().mean(dim=(1, 2))

runner = compile_openvino(Means(), "tiny", (8, 8, 3), root=Path(sys.argv[1]))
out = runner.run(np.full((1, 8, 8, 3), 5, dtype=np.uint8)).tolist()

from judgeapp.detect.yolo import import_ultralytics
import_ultralytics()
import ultralytics.utils
from ultralytics.utils.events import events
from ray._common.usage import usage_lib

print(json.dumps({
    "out": out,
    "converted": runner.converted,
    "yolo_online": bool(ultralytics.utils.ONLINE),
    "yolo_events": bool(events.enabled),
    "ray_usage_stats": usage_lib.usage_stats_enabled(),
}))
"""

# What a user's shell may hold that would hide the problem (or that the test session sets).
_CLEARED = ("YOLO_OFFLINE", "RAY_USAGE_STATS_ENABLED", "CI", "TF_BUILD", "JENKINS_URL")


def _fresh_home_env(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED and not k.startswith("PYTEST")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        JUDGEAPP_CACHE_DIR=str(tmp_path / "cache"),
        JUDGEAPP_DATA_DIR=str(tmp_path / "data"),
    )
    env.pop("YOLO_CONFIG_DIR", None)  # judgeapp's cache folder, as for a user
    return home, env


def _files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_first_conversion_in_a_fresh_home_leaves_no_telemetry_file(tmp_path):
    home, env = _fresh_home_env(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "openvino")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    doc = json.loads(run.stdout.strip().splitlines()[-1])
    assert doc["out"] == [[5.0, 5.0, 5.0]] and doc["converted"]  # OpenVINO converted it
    left = _files_under(home)
    assert not (home / "intel").exists(), left  # was: intel/openvino_ga_cid, intel/stats
    words = ("telemetry", "consent", "_cid", "stats", "isip")
    assert not [p for p in left if any(w in p.lower() for w in words)], left
    assert not doc["yolo_online"] and not doc["yolo_events"]
    assert doc["ray_usage_stats"] is False


def test_switching_off_is_in_force_on_import_and_after_a_library_loaded(tmp_path):
    """Importing judgeapp switches it all off; called again after openvino_telemetry was
    imported by someone else, OpenVINO's converter gets its own no-op stand-in."""
    code = r"""
import json, sys
import openvino_telemetry
import openvino.tools.ovc.telemetry_utils as tu
import judgeapp
from judgeapp.core.privacy import disable_telemetry, telemetry_disabled
disable_telemetry()
print(json.dumps({"stub": tu.tm.__name__, "off": telemetry_disabled()}))
"""
    _, env = _fresh_home_env(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert run.returncode == 0, run.stderr[-3000:]
    doc = json.loads(run.stdout.strip().splitlines()[-1])
    assert doc == {"stub": "openvino.tools.ovc.telemetry_stub", "off": True}

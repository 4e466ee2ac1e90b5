"""judgeapp sends nothing anywhere unless the user asked for a download: every library it uses
that reports usage by itself is switched off here, once, before any of them is imported.

`disable_telemetry()` runs when the `judgeapp` package is first imported (judgeapp/__init__.py),
so the command line, the GUI, the analysis child process and Ray workers all get it before
OpenVINO, ultralytics or Ray load. It only touches this process and its children: no setting
file of the user's is written, and other programs keep the user's own choices.

What each library does by itself, and the switch used:
- OpenVINO: converting a network (`openvino.convert_model`, the first analysis) starts its
  telemetry (Google Analytics), opt-out: with no consent file it writes a client id
  (`~/intel/openvino_ga_cid`) and usage counts (`~/intel/stats`) and sends events. The switch
  OpenVINO documents, `opt_in_out --opt_out`, writes the user's consent file for every OpenVINO
  tool, which is not judgeapp's to decide. Instead the `openvino_telemetry` package is made
  unimportable in judgeapp's processes: OpenVINO then uses its own no-op stand-in
  (`openvino.tools.ovc.telemetry_stub`), as on an installation without that package.
- ultralytics (the YOLO finder): analytics and error reports are sent only when it believes it
  is online; `YOLO_OFFLINE=1` makes it offline (detect/yolo.py forces it too, with no
  downloads or installs).
- Ray (`extract --ray`): usage statistics are on by default; `RAY_USAGE_STATS_ENABLED=0` turns
  them off for the local cluster it starts.
PyTorch, torchvision, OpenCV and the other libraries judgeapp uses report nothing.
"""

from __future__ import annotations

import os
import sys

# Environment switches, read by each library when it is imported or starts a process.
TELEMETRY_ENV = {
    "YOLO_OFFLINE": "1",
    "RAY_USAGE_STATS_ENABLED": "0",
}
# Packages whose only job is to report usage: judgeapp's processes never import them.
BLOCKED_PACKAGES = ("openvino_telemetry",)
# OpenVINO's own stand-in, used where its telemetry package cannot be imported.
_OPENVINO_STUB = "openvino.tools.ovc.telemetry_stub"


def disable_telemetry() -> None:
    """Switch off every library's own usage reporting in this process (and its children).
    Safe to call more than once; also works after a library was imported (OpenVINO's model
    converter is pointed at its stand-in)."""
    os.environ.update(TELEMETRY_ENV)
    for name in BLOCKED_PACKAGES:
        if sys.modules.get(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
        else:
            _unhook_openvino()


def _unhook_openvino() -> None:
    """`openvino_telemetry` was imported before judgeapp: the converter's modules that hold it
    get OpenVINO's no-op stand-in instead."""
    real = sys.modules.get("openvino_telemetry")
    holders = [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("openvino.tools.ovc") and getattr(module, "tm", None) is real
    ]
    if holders:
        import importlib

        stub = importlib.import_module(_OPENVINO_STUB)
        for module in holders:
            module.tm = stub
    sys.modules["openvino_telemetry"] = None  # type: ignore[assignment]


def telemetry_disabled() -> bool:
    """Whether `disable_telemetry` is in force in this process."""
    return all(os.environ.get(k) == v for k, v in TELEMETRY_ENV.items()) and all(
        name in sys.modules and sys.modules[name] is None for name in BLOCKED_PACKAGES
    )

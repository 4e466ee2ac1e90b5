"""Golden outputs, as torchvision's expect files: a fixed seed and input give stored numbers.

`check_expected(name, values)` compares `values` with tests/expect/NAME.json; with
JUDGEAPP_ACCEPT_EXPECT=1 in the environment it writes the file instead (regenerate only
deliberately, when a recipe change is meant, and say so in the commit).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

EXPECT_DIR = Path(__file__).resolve().parent / "expect"
ACCEPT = os.environ.get("JUDGEAPP_ACCEPT_EXPECT") == "1"


def check_expected(name: str, values: dict[str, list[float]], rtol: float, atol: float) -> None:
    path = EXPECT_DIR / f"{name}.json"
    if ACCEPT:
        path.write_text(json.dumps(values, indent=1) + "\n", encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run with JUDGEAPP_ACCEPT_EXPECT=1 to create it"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(expected) == sorted(values), f"{name}: keys differ from {path}"
    for key, want in expected.items():
        np.testing.assert_allclose(
            np.asarray(values[key], dtype=np.float64), want, rtol=rtol, atol=atol, err_msg=key
        )

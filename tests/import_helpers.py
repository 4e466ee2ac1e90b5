"""What a fresh interpreter has loaded after some imports (start-up cost checks)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence


def loaded_after(modules: Sequence[str], watched: Sequence[str]) -> list[str]:
    """Those of `watched` that importing `modules` in a fresh interpreter loads."""
    code = (
        f"import json, sys; import {', '.join(modules)}; "
        f"print(json.dumps([m for m in {list(watched)!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)

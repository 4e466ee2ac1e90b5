"""Run a long training job in a child process, so the GUI process never loads PyTorch.

`run_in_child(fn, args, progress, cancel)` is itself a job function body (app.jobs): it starts
a spawned process that calls `fn(*args, progress=..., cancel=...)`, relays the child's progress,
passes a cancel on (the child's CancelToken is set; it stops at its next check, cleans up and
reports "cancelled"), and returns the child's value or raises its error as one line. The child
is always joined (terminated if it does not end) before this returns.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import threading
import time
from collections.abc import Callable
from typing import Any

from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken, ProgressCallback

_CONTEXT = multiprocessing.get_context("spawn")
POLL_S = 0.2
JOIN_S = 60.0


def _child_main(fn: Callable, args: tuple, out, stop) -> None:
    from judgeapp.app.jobs import error_text

    token = CancelToken()

    def watch() -> None:  # a shared flag, polled: no lock a dying process could leave held
        while not stop.value:
            time.sleep(POLL_S / 2)
        token.cancel()

    threading.Thread(target=watch, daemon=True).start()
    try:
        value = fn(*args, progress=lambda p: out.put(("progress", p)), cancel=token)
    except Cancelled:
        out.put(("cancelled", None))
    except BaseException as exc:  # reported to the parent as one line
        out.put(("failed", error_text(exc)))
    else:
        out.put(("done", value))


def run_in_child(fn: Callable, args: tuple, progress: ProgressCallback, cancel: CancelToken) -> Any:
    """`fn(*args, progress=, cancel=)` in a spawned child; see the module docstring."""
    out = _CONTEXT.Queue()
    stop = _CONTEXT.RawValue("b", 0)
    child = _CONTEXT.Process(
        target=_child_main, args=(fn, args, out, stop), name="judgeapp-train", daemon=True
    )
    child.start()
    try:
        while True:
            if cancel.cancelled:
                stop.value = 1
            try:
                kind, value = out.get(timeout=POLL_S)
            except queue_module.Empty:
                if not child.is_alive() and out.empty():
                    raise JudgeappError(
                        f"the training process ended unexpectedly (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "progress":
                if not cancel.cancelled:
                    progress(value)
            elif kind == "done":
                return value
            elif kind == "cancelled":
                raise Cancelled()
            else:
                raise JudgeappError(value)
    finally:
        stop.value = 1
        child.join(JOIN_S)
        if child.is_alive():
            child.terminate()
            child.join()
        out.close()

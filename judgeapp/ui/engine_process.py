"""Running the GUI's analysis in a child process, so PyTorch never shares the GUI's interpreter.

Measured on the 2-core machine (docs/gui.md): with the analysis in a thread of the GUI process,
importing PyTorch held Python's GIL for up to 1.4 s and building the networks (random weight
initialisation) for up to 130 ms at a time, freezing the window. In a child process the GUI
thread only waits for its own work. The child runs at a lower priority; progress, the result
and errors come back over a pipe as plain data (the result's JSON form); a cancel is a message
the child turns into its CancelToken, and a child that does not stop in time is terminated.

Installing a model pack (its heads checked in a child process too) moved to
app/models_service.py.

No Qt here: `analyse_in_child` blocks; the GUI calls it from worker threads.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from dataclasses import asdict
from pathlib import Path

from judgeapp.app.view_models import AppSettings, CardFacts
from judgeapp.core import errors
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.core.results import AnalysisResult
from judgeapp.ui.analysis_job import AnalysisOutcome, NoModel, run_analysis

# "spawn": a fresh interpreter (fork is unsafe with threads, Qt and CUDA).
_CONTEXT = multiprocessing.get_context("spawn")
CHILD_NICE = 10
CANCEL_GRACE_S = 20.0  # a cancelled child gets this long to stop on its own
_POLL_S = 0.05


def analyse_in_child(
    video_path: str | Path,
    settings: AppSettings,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> AnalysisOutcome | NoModel:
    """Run `run_analysis` in a child process; raises what it raised (JudgeappError, Cancelled)."""
    parent_end, child_end = _CONTEXT.Pipe()
    child = _CONTEXT.Process(
        target=_child_main,
        args=(child_end, str(video_path), asdict(settings)),
        name="judgeapp-analysis",
        daemon=True,
    )
    child.start()
    child_end.close()
    cancelled_at: float | None = None
    try:
        while True:
            if cancel.cancelled and cancelled_at is None:
                cancelled_at = time.monotonic()
                _send(parent_end, ("cancel",))
            if cancelled_at is not None and time.monotonic() - cancelled_at > CANCEL_GRACE_S:
                raise Cancelled("cancelled by the user")  # the finally clause terminates it
            if not parent_end.poll(_POLL_S):
                if not child.is_alive() and not parent_end.poll():
                    raise JudgeappError(
                        f"the analysis process ended without a result (exit code {child.exitcode})"
                    )
                continue
            try:
                message = parent_end.recv()
            except EOFError:
                raise JudgeappError(
                    f"the analysis process stopped unexpectedly (exit code {child.exitcode})"
                ) from None
            kind = message[0]
            if kind == "progress":
                progress(Progress(*message[1:]))
            elif kind == "done":
                return AnalysisOutcome(
                    AnalysisResult.from_dict(message[1]), CardFacts(**message[2])
                )
            elif kind == "no-model":
                return NoModel()
            elif kind == "error":
                raise _rebuild_error(message[1], message[2])
    finally:
        child.join(timeout=CANCEL_GRACE_S if cancelled_at is None else 1.0)
        if child.is_alive():
            child.terminate()
            child.join()
        parent_end.close()


def _send(connection, message: tuple) -> None:
    try:
        connection.send(message)
    except (BrokenPipeError, OSError):
        pass  # the child has gone; the loop notices


def _rebuild_error(name: str, message: str) -> BaseException:
    """The child's exception as the same JudgeappError subclass (else a JudgeappError)."""
    kind = getattr(errors, name, None)
    if isinstance(kind, type) and issubclass(kind, JudgeappError):
        return kind(message)
    return JudgeappError(message)


def _child_main(connection, video_path: str, settings: dict) -> None:
    """The child: analyse, report progress, send the outcome or the error, and exit."""
    if hasattr(os, "nice"):
        try:
            os.nice(CHILD_NICE)
        except OSError:
            pass
    token = CancelToken()
    lock = threading.Lock()

    def send(message: tuple) -> None:
        with lock:
            connection.send(message)

    def listen() -> None:
        """Cancel on the parent's word, or when the parent has gone."""
        try:
            while connection.recv()[0] != "cancel":
                pass
        except (EOFError, OSError):
            pass
        token.cancel()

    threading.Thread(target=listen, name="judgeapp-cancel-listener", daemon=True).start()
    try:
        settings["recent"] = tuple(settings.get("recent", ()))
        outcome = run_analysis(
            video_path,
            AppSettings(**settings),
            progress=lambda p: send(("progress", p.stage, p.done, p.total)),
            cancel=token,
        )
        if isinstance(outcome, NoModel):
            send(("no-model",))
        else:
            send(("done", outcome.result.to_dict(), asdict(outcome.facts)))
    except JudgeappError as exc:
        send(("error", type(exc).__name__, str(exc)))
    except BaseException as exc:  # reported as one line; the GUI never sees a traceback
        send(("error", "JudgeappError", f"unexpected {type(exc).__name__}: {exc}"))
    finally:
        connection.close()

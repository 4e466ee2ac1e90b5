"""Installing a model pack with each trained head checked in a child process.

Checking a head loads it completely, which needs PyTorch: `install_pack` runs those checks in a
child process of its own, so PyTorch never enters the GUI's interpreter. (Analyses run in the
session's analysis process: app/analysis_service.py.) No Qt here.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from judgeapp.core import errors
from judgeapp.core.errors import JudgeappError
from judgeapp.model import ModelCard
from judgeapp.weights import packs
from judgeapp.weights.heads import validate_head

# "spawn": a fresh interpreter (fork is unsafe with threads, Qt and CUDA).
_CONTEXT = multiprocessing.get_context("spawn")


def _rebuild_error(name: str, message: str) -> BaseException:
    """The child's exception as the same JudgeappError subclass (else a JudgeappError)."""
    kind = getattr(errors, name, None)
    if isinstance(kind, type) and issubclass(kind, JudgeappError):
        return kind(message)
    return JudgeappError(message)


def install_pack(pack_path: str | Path) -> list[Path]:
    """`judgeapp.weights.packs.install`, with each head's full load in one child process.

    The child starts only when the pack holds a head; it gets a path and sends back the model
    card's JSON or the error's type and message (plain data), so no PyTorch enters the GUI.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=_CONTEXT) as pool:

        def validate(path: Path) -> ModelCard:
            kind, text = pool.submit(_validate_in_child, str(path)).result()
            if kind == "card":
                return ModelCard.from_json(text)
            raise _rebuild_error(kind, text)

        return packs.install(pack_path, validate=validate)


def _validate_in_child(path: str) -> tuple[str, str]:
    """In the child: ("card", the card's JSON) or (error type name, message)."""
    try:
        return "card", validate_head(path).to_json()
    except JudgeappError as exc:
        return type(exc).__name__, str(exc)
    except BaseException as exc:  # one line for the GUI, never a traceback
        return "JudgeappError", f"{path}: unexpected {type(exc).__name__}: {exc}"

"""The training job's child process: progress relayed, cancel passed on, errors as one line,
the child always joined."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from judgeapp.app.library_training_child import run_in_child
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken, Progress


def counting(limit: int, *, progress, cancel) -> int:
    for i in range(limit):
        progress(Progress("counting", i + 1, limit))
    return limit * 2


def until_cancelled(*, progress, cancel) -> None:
    progress(Progress("waiting", 0, 1))
    for _ in range(6000):
        if cancel.cancelled:
            raise Cancelled()
        threading.Event().wait(0.01)
    raise AssertionError("never cancelled")


def failing(*, progress, cancel) -> None:
    raise JudgeappError("something.csv: line 3: a planted failure")


def test_value_and_progress_come_back() -> None:
    seen = []
    assert run_in_child(counting, (3,), seen.append, CancelToken()) == 6
    assert [p.done for p in seen] == [1, 2, 3]
    assert multiprocessing.active_children() == []


def test_cancel_reaches_the_child_and_it_is_joined() -> None:
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        run_in_child(until_cancelled, (), lambda _p: cancel.cancel(), cancel)
    assert multiprocessing.active_children() == []


def test_an_error_is_one_line() -> None:
    with pytest.raises(JudgeappError, match=r"^something.csv: line 3: a planted failure$"):
        run_in_child(failing, (), lambda _p: None, CancelToken())

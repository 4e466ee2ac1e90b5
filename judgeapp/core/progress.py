"""Progress reports and cooperative cancellation for long operations."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from judgeapp.core.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    """`done` of `total` units of work finished in `stage` (total 0 means unknown)."""

    stage: str
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total > 0 else 0.0


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores every report."""


class CancelToken:
    """Set from any thread; checked by workers between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")

"""What the user chose, kept between sessions: the analysis request and the window's preferences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from judgeapp.app.requests import AnalysisRequest

DEFAULT_K = 4
MAX_K = 12
MAX_RECENT = 10


@dataclass(frozen=True)
class AppSettings:
    """What the user chose, persisted between sessions: the analysis request (the fields that
    change the number) and the window's preferences (timeline k, recent files, analyse on open).
    """

    request: AnalysisRequest = field(default_factory=AnalysisRequest)
    k: int = DEFAULT_K
    recent: tuple[str, ...] = ()
    auto_analyze: bool = True

    def __post_init__(self) -> None:
        if self.request.follow is not None:  # a follow is asked for one video, never kept
            object.__setattr__(self, "request", replace(self.request, follow=None))
        object.__setattr__(self, "k", int(min(max(self.k, 1), MAX_K)))

    def with_request(self, **changes: object) -> AppSettings:
        """These settings with the request's fields `changes` changed."""
        return replace(self, request=replace(self.request, **changes))


def push_recent(recent: Sequence[str], path: str, limit: int = MAX_RECENT) -> tuple[str, ...]:
    """`path` first, then the others without it, at most `limit`."""
    return tuple([path, *[p for p in recent if p != path]][:limit])

"""The review application's state without Qt: the open video, its result, the position, settings.

One `ReviewState` per main window. Widgets and services read it and change it through its
setters; every change raises a plain event, delivered synchronously to each subscriber as
`callback(event, value)`:

- ("video", VideoInfo | None): a video was opened (sha256 still "" until hashed) or closed;
- ("hash", VideoInfo): the open video's content hash is known (the same info with sha256);
- ("result", AnalysisOutcome | None): a result is shown for the open video, or none any more;
- ("position", float): the playhead moved (seconds);
- ("settings", AppSettings): the settings changed (the analysis request and GUI preferences).

`subscribe(fn)` returns a function that unsubscribes. Setters that change nothing raise nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.results import AnalysisResult, VideoInfo

Listener = Callable[[str, Any], None]
EVENTS = ("video", "hash", "result", "position", "settings")


class ReviewState:
    """What the window shows and what the next analysis asks for; see the module docstring."""

    def __init__(self, settings: AppSettings | None = None) -> None:
        self.path: Path | None = None
        self.info: VideoInfo | None = None
        self.outcome: AnalysisOutcome | None = None
        self.position_s = 0.0
        self.settings = settings or AppSettings()
        self._listeners: list[Listener] = []

    # --------------------------------------------------------------------------- events
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event, value)` on every change from now on; returns the unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, event: str, value: Any) -> None:
        for listener in list(self._listeners):
            listener(event, value)

    # ---------------------------------------------------------------------------- reads
    @property
    def request(self) -> AnalysisRequest:
        """What an analysis computes with the current settings (not the GUI preferences)."""
        return self.settings.request

    @property
    def result(self) -> AnalysisResult | None:
        return self.outcome.result if self.outcome is not None else None

    @property
    def facts(self) -> CardFacts | None:
        return self.outcome.facts if self.outcome is not None else None

    @property
    def sha256(self) -> str:
        """The open video's content hash ("" until known or with no video)."""
        return self.info.sha256 if self.info is not None else ""

    # -------------------------------------------------------------------------- changes
    def set_video(self, path: str | Path | None, info: VideoInfo | None) -> None:
        """A new video is open (or none): its result and position are reset."""
        self.path = Path(path) if path is not None else None
        self.info = info
        self.position_s = 0.0
        had_result = self.outcome is not None
        self.outcome = None
        if had_result:
            self._emit("result", None)
        self._emit("video", info)

    def set_hash(self, sha256: str) -> None:
        """The open video's content hash is known."""
        if self.info is None or self.info.sha256 == sha256:
            return
        self.info = replace(self.info, sha256=sha256)
        self._emit("hash", self.info)

    def set_outcome(self, outcome: AnalysisOutcome | None) -> None:
        """Show a result of the open video (an analysis, or one from the library), or none."""
        if outcome is None and self.outcome is None:
            return
        self.outcome = outcome
        self._emit("result", outcome)

    def set_position(self, time_s: float) -> None:
        if time_s == self.position_s:
            return
        self.position_s = float(time_s)
        self._emit("position", self.position_s)

    def set_settings(self, settings: AppSettings) -> None:
        if settings == self.settings:
            return
        self.settings = settings
        self._emit("settings", settings)

"""The library for the application: stored results, the analyses list, "stored or analyse".

`LibraryService` wraps one `store.Library` (an SQLite connection) for the GUI and for
`judgeapp report`, so neither talks to the store directly:

- `find_result(sha256, request)`: the stored result that answers this request, if any (only a
  result made the same way is reused: `app.requests.stored_result_reusable`);
- `result_or_analyse(video, request, analyse)`: that result, or a new analysis saved at once;
  the one place both the command line and the review window get a video's result from;
- the library window's list (`analyses`, `delete_analysis`) and what exports need (`marks`,
  `panel_score`).

SQLite connections belong to the thread that opened them. Methods called from another thread
(a job of app.jobs running `result_or_analyse`) open a connection of their own to the same file
for the call and close it afterwards, so the service can be handed to a job as it is.
`.library` is the owner thread's connection, for services built on top (marks and undo).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from judgeapp.app.pose_view import following_stored_choice
from judgeapp.app.requests import AnalysisRequest, head_for, stored_result_reusable
from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.progress import CancelToken, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.store import SORT_KEYS, AnalysisRow, Library
from judgeapp.weights.head_resolver import HeadChoice

# analyse(video_path, progress, cancel) -> AnalysisResult (the analysis service, or analyze())
AnalyseFn = Callable[[Path, ProgressCallback, CancelToken], AnalysisResult]

__all__ = [
    "SORT_KEYS",
    "AnalyseFn",
    "AnalysisRow",
    "LibraryAnswer",
    "LibraryService",
    "StoredResult",
    "with_path",
]


@dataclass(frozen=True)
class StoredResult:
    """What the library holds for a video and a request.

    result: the newest stored result if it answers the request, else None.
    outdated: a stored result exists but was made another way (other settings or an older
    recipe), so the video must be analysed again.
    head: the head the request scores with (`app.requests.head_for`), which made `result`:
    its card says what it was trained on.
    """

    result: AnalysisResult | None
    outdated: bool = False
    head: HeadChoice | None = None


@dataclass(frozen=True)
class LibraryAnswer:
    """The outcome of `result_or_analyse`.

    reused: the result came from the library (no analysis ran).
    outdated: the library had a result made another way; it was analysed again.
    save_error: one line when the new result could not be saved (a read-only library); the
    result is still good to show.
    """

    result: AnalysisResult
    reused: bool
    outdated: bool = False
    save_error: str = ""


def with_path(result: AnalysisResult, path: str | Path | None) -> AnalysisResult:
    """The result with the video's current path (the library remembers where it is now)."""
    if path is None or result.video.path == str(path):
        return result
    return replace(result, video=replace(result.video, path=str(path)))


class LibraryService:
    """The application's access to one library; see the module docstring."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._owner = threading.get_ident()

    @classmethod
    def wrap(cls, library: Library | LibraryService | None) -> LibraryService | None:
        """The service for a store.Library (or the service itself, or None), for callers that
        still hold the bare library while the windows move to the service."""
        if library is None or isinstance(library, LibraryService):
            return library
        return cls(library)

    @classmethod
    def open(cls, path: str | Path | None = None) -> LibraryService:
        """Open the library file (default: the user's data folder).

        Raises JudgeappError with one line naming the file and the problem."""
        return cls(Library.open(path))

    @property
    def path(self) -> Path:
        return self.library.path

    @property
    def read_only(self) -> bool:
        """True when the library opened read-only (saving will say why it cannot)."""
        return bool(self.library.read_only)

    def close(self) -> None:
        self.library.close()

    def __enter__(self) -> LibraryService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _connection(self) -> Iterator[Library]:
        """The owner thread's library, or a connection of this thread's own for one call."""
        if threading.get_ident() == self._owner:
            yield self.library
            return
        own = Library.open(self.library.path)
        try:
            yield own
        finally:
            own.close()

    # ------------------------------------------------------------------------ videos

    def find_video(self, path: str | Path) -> VideoInfo | None:
        """The stored video this file most likely is (by name, size and date; no hashing)."""
        with self._connection() as library:
            return library.find_video(path)

    def find_result(self, sha256: str, request: AnalysisRequest) -> StoredResult:
        """The newest stored result of this content if analysing with `request` would give
        it today; see StoredResult."""
        with self._connection() as library:
            stored = library.latest_analysis(sha256)
        if stored is None:
            return StoredResult(None)
        request = following_stored_choice(request, stored)  # the user's "follow this one"
        head = head_for(request)  # the heads folder, read once for this request
        if stored_result_reusable(stored, request, head):
            return StoredResult(stored, head=head)
        return StoredResult(None, outdated=True, head=head)

    def save_result(self, result: AnalysisResult, path: str | Path | None = None) -> int:
        """Store a result under the video's current path (`path`); return its analysis id."""
        with self._connection() as library:
            return library.save_analysis(with_path(result, path))

    def result_or_analyse(
        self,
        video_path: str | Path,
        request: AnalysisRequest,
        analyse: AnalyseFn,
        *,
        sha256: str = "",
        reanalyse: bool = False,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> LibraryAnswer:
        """The stored result for this video and request, or analyse it now and save it.

        video_path: the video file. request: what the analysis computes (reuse needs the same).
        analyse: runs the analysis, `analyse(path, progress, cancel)`, with the settings of
        `request` (the caller builds it: the GUI's analysis service, or analyze() for the CLI).
        sha256: the content hash when the caller has it already (the GUI hashes on open);
        otherwise the library's record of the file is used, else the file is hashed.
        reanalyse: analyse even when a stored result fits.
        Errors of the analysis propagate (JudgeappError, Cancelled); a failed save does not
        (LibraryAnswer.save_error). Safe to call from a job thread.
        """
        video_path = Path(video_path)
        cancel = cancel or CancelToken()
        outdated = False
        if not reanalyse:
            digest = sha256 or self._content_hash(video_path)
            stored = self.find_result(digest, request)
            if stored.result is not None:
                return LibraryAnswer(with_path(stored.result, video_path), reused=True)
            outdated = stored.outdated
        result = with_path(analyse(video_path, progress, cancel), video_path)
        try:
            self.save_result(result)
        except JudgeappError as exc:
            return LibraryAnswer(result, reused=False, outdated=outdated, save_error=str(exc))
        return LibraryAnswer(result, reused=False, outdated=outdated)

    def _content_hash(self, path: Path) -> str:
        known = self.find_video(path)
        if known is not None:
            return known.sha256
        try:
            return sha256_file(path)
        except OSError as exc:
            raise JudgeappError(f"{path}: cannot read ({exc.strerror or exc})") from None

    # -------------------------------------------------------------------- the list

    def analyses(
        self, search: str = "", sort: str = "-date", latest_only: bool = True
    ) -> list[AnalysisRow]:
        """The library window's rows: analyses matching `search`, sorted by a SORT_KEYS key
        ("-" in front: descending), the newest per video unless `latest_only` is False."""
        with self._connection() as library:
            return library.list_analyses(search, sort, latest_only=latest_only)

    def delete_analysis(self, analysis_id: int) -> None:
        """Remove one stored result; the video's marks and panel score stay."""
        with self._connection() as library:
            library.delete_analysis(analysis_id)

    # ----------------------------------------------------------------- for exports

    def marks(self, sha256: str) -> list[Mark]:
        """The judges' marks of a video, in time order."""
        with self._connection() as library:
            return library.marks_for(sha256)

    def panel_score(self, sha256: str) -> PanelScore | None:
        """The panel's score the judges entered for a video, if any."""
        with self._connection() as library:
            return library.get_panel_score(sha256)

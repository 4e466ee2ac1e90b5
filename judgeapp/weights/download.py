"""Fetching a weights file: only when asked, with a short connect timeout, verified before use.

The file streams into a temporary file beside its target and is renamed into place only after
its size and hash check out, so an interrupted or corrupt download leaves nothing behind.
`JUDGEAPP_OFFLINE=1` forbids any network access: the error then says which file to put where.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from judgeapp.core.errors import JudgeappError, WeightsError
from judgeapp.core.files import atomic_path
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.weights.registry import WeightsFile
from judgeapp.weights.store import check_file, remember, target_path

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
CHUNK_BYTES = 1 << 20


def offline() -> bool:
    """True when `JUDGEAPP_OFFLINE` forbids network access."""
    return os.environ.get("JUDGEAPP_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def instructions(entry: WeightsFile) -> str:
    """What to do by hand: which file, from where, to which path."""
    return (
        f"download {entry.url} and save it as {target_path(entry)} "
        f"(or install a model pack with `judgeapp models install PACK`)"
    )


def missing_error(entry: WeightsFile, reason: str) -> WeightsError:
    """The one-line error for a weights file that is not available."""
    return WeightsError(f"{entry.filename} ({entry.name}): {reason}; {instructions(entry)}")


def _check_reachable(url: str) -> None:
    """Fail fast (CONNECT_TIMEOUT_S) when the host cannot be reached, instead of hanging."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT_S):
        pass


def _terminal_bar(entry: WeightsFile, total: int | None):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(
        total=total, desc=entry.filename, unit="B", unit_scale=True, unit_divisor=1024,
        file=sys.stderr, leave=False,
    )  # fmt: skip


def download(
    entry: WeightsFile,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Download `entry` into the cache, verify it, and return its path.

    progress receives Progress(stage="download <filename>", done=bytes, total=bytes or 0);
    a terminal also gets a tqdm bar on stderr. Raises WeightsError (network failure, offline,
    wrong size or hash) with a message naming the file, its address and where to put it.
    """
    target = target_path(entry)
    if offline():
        raise missing_error(entry, "not found, and JUDGEAPP_OFFLINE=1 forbids downloading")
    stage = f"download {entry.filename}"
    try:
        _check_reachable(entry.url)
        request = urllib.request.Request(entry.url, headers={"User-Agent": "judgeapp"})
        response = urllib.request.urlopen(request, timeout=READ_TIMEOUT_S)  # noqa: S310
    except (OSError, ValueError) as exc:
        raise missing_error(entry, f"download failed ({_reason(exc)})") from None
    with response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else entry.size_bytes
        bar = _terminal_bar(entry, total)
        done = 0
        try:
            with atomic_path(target) as tmp:
                with open(tmp, "wb") as out:
                    while chunk := _read(response, entry):
                        if cancel is not None:
                            cancel.raise_if_cancelled()
                        out.write(chunk)
                        done += len(chunk)
                        if bar is not None:
                            bar.update(len(chunk))
                        if progress is not None:
                            progress(Progress(stage, done, total or 0))
                check = check_file(entry, tmp, use_cache=False, record=False)
                if not check.ok:
                    raise WeightsError(
                        f"{entry.filename}: the file downloaded from {entry.url} is not the "
                        f"expected one ({check.problem}); nothing was saved"
                    )
        finally:
            if bar is not None:
                bar.close()
    # Remember the digest so the next resolve() does not hash the file again.
    remember(target, check.digest)
    return target


def _read(response, entry: WeightsFile) -> bytes:
    """The next chunk; a network failure mid-way is a WeightsError, not a write error."""
    try:
        return response.read(CHUNK_BYTES)
    except (OSError, urllib.error.URLError) as exc:
        raise missing_error(entry, f"download interrupted ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__


def download_many(
    entries: Sequence[WeightsFile], progress: ProgressCallback, cancel: CancelToken
) -> tuple[list[Path], list[str]]:
    """Download each entry in turn: (paths downloaded, one error line per file that failed).

    A failing file does not stop the others; a cancel stops them all (Cancelled).
    """
    paths: list[Path] = []
    errors: list[str] = []
    for entry in entries:
        cancel.raise_if_cancelled()
        try:
            paths.append(download(entry, progress, cancel))
        except JudgeappError as exc:
            errors.append(str(exc))
    return paths, errors

"""Streaming one web address into a file: a short connect timeout, progress, hashing, cancel.

Only weights downloads use it, and only when asked: nothing here decides what is fetched. A
problem of the address (unreachable, an HTTP error, a connection cut mid-way, more bytes than
expected) is a FetchFailed with a one-line reason; the caller names the file.
"""

from __future__ import annotations

import hashlib
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPResponse
from typing import BinaryIO

from judgeapp.core.progress import CancelToken, Progress, ProgressCallback

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
CHUNK_BYTES = 1 << 20


class FetchFailed(Exception):
    """An address could not give its bytes; the message is the one-line reason."""


def _check_reachable(url: str) -> None:
    """Fail fast (CONNECT_TIMEOUT_S) when the host cannot be reached, instead of hanging."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT_S):
        pass


@contextmanager
def opened(url: str) -> Iterator[HTTPResponse]:
    """The open response for `url` (FetchFailed before anything is written when it fails)."""
    try:
        _check_reachable(url)
        request = urllib.request.Request(url, headers={"User-Agent": "judgeapp"})
        response = urllib.request.urlopen(request, timeout=READ_TIMEOUT_S)  # noqa: S310
    except (OSError, ValueError) as exc:
        raise FetchFailed(f"download failed ({reason(exc)})") from None
    with response:
        yield response


def stream(
    response: HTTPResponse,
    out: BinaryIO,
    stage: str,
    expected_size: int | None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> tuple[str, int]:
    """Copy `response` into `out`, hashing it: (hex SHA-256, bytes).

    progress gets Progress(stage, bytes done, bytes expected or 0); a terminal also gets a tqdm
    bar on stderr. More bytes than a known `expected_size` stop it (FetchFailed).
    """
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else expected_size
    bar = _terminal_bar(stage.removeprefix("download "), total)
    digest = hashlib.sha256()
    done = 0
    try:
        while chunk := _read(response):
            if cancel is not None:
                cancel.raise_if_cancelled()
            done += len(chunk)
            if expected_size is not None and done > expected_size:
                raise FetchFailed(f"the server sent more than the {expected_size} bytes expected")
            digest.update(chunk)
            out.write(chunk)
            if bar is not None:
                bar.update(len(chunk))
            if progress is not None:
                progress(Progress(stage, done, total or 0))
    finally:
        if bar is not None:
            bar.close()
    return digest.hexdigest(), done


def _terminal_bar(label: str, total: int | None):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(
        total=total, desc=label, unit="B", unit_scale=True, unit_divisor=1024,
        file=sys.stderr, leave=False,
    )  # fmt: skip


def _read(response: HTTPResponse) -> bytes:
    """The next chunk; a network failure mid-way is a FetchFailed, not a write error."""
    try:
        return response.read(CHUNK_BYTES)
    except (OSError, urllib.error.URLError) as exc:
        raise FetchFailed(f"download interrupted ({reason(exc)})") from None


def reason(exc: BaseException) -> str:
    """A network error in a few words (HTTP 404 Not Found, timed out, ...)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__

"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from judgeapp.core.errors import JudgeappError

STALE_TEMPORARY_S = 3600.0  # a temporary file this old has no writer left (killed)


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str = "", mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success.

    Atomic replacement is for regular files: a `target` that is a device, a pipe or a socket
    (`/dev/stdout`, a FIFO) is yielded itself and written straight into, never replaced, and a
    symbolic link is written through (its destination is replaced, the link stays). The
    finished file's permissions: those of the file it replaces, so that a file the user made
    private stays private; for a new file, `mode` (default 0o666, what open() asks for)
    less the umask. Temporary files of
    this target older than an hour (left by a killed process) are removed first. Errors from
    the file system (no permission, full disk) become one-line JudgeappErrors.
    """
    target = Path(target)
    if _is_special(target):
        try:
            yield target
        except OSError as exc:
            raise JudgeappError(f"{target}: cannot write ({exc.strerror or exc})") from None
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    for parent in (target.parent, *target.parent.parents):
        if parent.exists() and not parent.is_dir():
            raise JudgeappError(f"{target}: cannot write ({parent} is a file, not a folder)")
    suffix = suffix or ".part"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_temporaries(target, suffix)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise JudgeappError(f"{target}: cannot write ({exc.strerror or exc})") from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        publish(tmp, target, mode)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise JudgeappError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _is_special(path: Path) -> bool:
    """Whether `path` (links followed) exists and is not a regular file or a folder."""
    try:
        kind = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(kind) or stat.S_ISDIR(kind))


def sweep_stale_temporaries(
    target: Path, suffix: str = ".part", max_age_s: float = STALE_TEMPORARY_S
) -> list[Path]:
    """Remove `atomic_path`'s temporary files of `target` older than `max_age_s`.

    Ctrl-C and SIGTERM remove their own; these are what a SIGKILL or a power cut left. Only
    names atomic_path makes (`.NAME.XXXXXXXX SUFFIX`) are touched; returns what was removed.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]{{8}}{re.escape(suffix)}")
    removed = []
    now = time.time()
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        if not pattern.fullmatch(name):
            continue
        path = target.parent / name
        try:
            if stat.S_ISREG(path.lstat().st_mode) and now - path.lstat().st_mtime > max_age_s:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def publish(tmp: Path, target: Path, mode: int | None = None) -> None:
    """Rename a finished temporary file over `target`; raises OSError like os.replace.

    mkstemp made the temporary file private (0600); it gets the permissions of the file it
    replaces (the user's choice, kept: a report made 0600 is not widened to 0644), or, for a
    new file, `mode` (default 0o666) less the umask, as open() would give it."""
    os.chmod(tmp, final_mode(target, mode))
    os.replace(tmp, target)


def final_mode(target: Path, mode: int | None = None) -> int:
    """The permissions a file written to `target` gets: an existing regular file's own
    (read/write/execute bits), else `mode` (default 0o666) less the process's umask."""
    try:
        found = os.stat(target)
    except OSError:
        found = None
    if found is not None and stat.S_ISREG(found.st_mode):
        return stat.S_IMODE(found.st_mode) & 0o777
    return (0o666 if mode is None else mode) & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux:
    /proc/self/status), so that no other thread ever creates a file under a umask of 0."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)  # elsewhere: set and restore (a racing thread gets 0o077, private)
    os.umask(mask)
    return mask


def write_bytes_atomic(target: str | Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `target` completely or not at all (a device or pipe: straight into it)."""
    with atomic_path(target, mode=mode) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                os.fsync(fh.fileno())


def write_text_atomic(target: str | Path, text: str, mode: int | None = None) -> None:
    write_bytes_atomic(target, text.encode("utf-8"), mode)


def sha256_file(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()

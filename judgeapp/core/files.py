"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from judgeapp.core.errors import JudgeappError


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success.

    Errors from the file system (no permission, full disk) become one-line JudgeappErrors.
    """
    target = Path(target)
    for parent in (target.parent, *target.parent.parents):
        if parent.exists() and not parent.is_dir():
            raise JudgeappError(f"{target}: cannot write ({parent} is a file, not a folder)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=suffix or ".part", dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise JudgeappError(f"{target}: cannot write ({exc.strerror or exc})") from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        publish(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise JudgeappError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publish(tmp: Path, target: Path) -> None:
    """Rename a finished temporary file over `target`, with the permissions open() gives.

    mkstemp makes the file private (0600); raises OSError like os.replace.
    """
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    """Write `data` to `target` completely or not at all."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def write_text_atomic(target: str | Path, text: str) -> None:
    write_bytes_atomic(target, text.encode("utf-8"))


def sha256_file(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()

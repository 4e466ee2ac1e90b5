"""Taking one named file out of a downloaded zip or tar.gz archive, and nothing else.

Some pretrained files are published only inside package archives (MediaPipe's BlazePose models
are members of the mediapipe wheel and of the @mediapipe/pose npm tarball). Only the member
asked for is read, found by its exact name: nothing else is extracted, no path from the
archive names a place on disk, the member must be a regular file (never a link, a device or a
folder), and never more than `limit` bytes are read, whatever the archive's headers claim. A
problem is an ArchiveError whose message is the problem alone: the caller names the member and
the archive, in one line.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from judgeapp.core.errors import WeightsError

CHUNK_BYTES = 1 << 20


class ArchiveError(WeightsError):
    """The member cannot be had from this archive; the message says why, in a few words."""


_DAMAGED = (
    zipfile.BadZipFile,
    tarfile.TarError,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a zip compression method Python lacks
    RuntimeError,  # an encrypted zip member
    ValueError,
)


def member_chunks(archive: Path, kind: str, member: str, limit: int) -> Iterator[bytes]:
    """The bytes of `member` of the zip or tgz `archive`, chunk by chunk.

    Raises ArchiveError when the archive is damaged or not of `kind`, lacks the member, the
    member is not a regular file, or it holds more than `limit` bytes. Close the generator
    (contextlib.closing) when stopping early.
    """
    try:
        with _open_member(archive, kind, member, limit) as source:
            done = 0
            while chunk := source.read(min(CHUNK_BYTES, limit - done + 1)):
                done += len(chunk)
                if done > limit:
                    raise ArchiveError(f"more than {limit} bytes")
                yield chunk
    except _DAMAGED as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ArchiveError(f"cannot be read, the {kind} archive is damaged ({reason})") from None


@contextmanager
def _open_member(archive: Path, kind: str, member: str, limit: int) -> Iterator[BinaryIO]:
    if kind == "zip":
        with zipfile.ZipFile(archive) as zf:
            info = _zip_info(zf, member, limit)
            with zf.open(info) as handle:
                yield handle
    elif kind == "tgz":
        with tarfile.open(archive, mode="r:gz") as tf:
            info = _tar_info(tf, member, limit)
            handle = tf.extractfile(info)
            if handle is None:
                raise ArchiveError("not a regular file in the archive")
            with handle:
                yield handle
    else:
        raise ArchiveError(f"unknown kind of archive {kind!r} (zip or tgz)")


def _zip_info(zf: zipfile.ZipFile, member: str, limit: int) -> zipfile.ZipInfo:
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise ArchiveError("not in the archive") from None
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # a link, a device
        raise ArchiveError("not a regular file in the archive")
    if info.file_size > limit:
        raise ArchiveError(f"{info.file_size} bytes, more than {limit}")
    return info


def _tar_info(tf: tarfile.TarFile, member: str, limit: int) -> tarfile.TarInfo:
    """The first entry named `member`: headers are read one by one, no member is extracted."""
    for info in tf:
        if info.name != member:
            continue
        if not info.isreg():
            raise ArchiveError("not a regular file in the archive (a link?)")
        if info.size > limit:
            raise ArchiveError(f"{info.size} bytes, more than {limit}")
        return info
    raise ArchiveError("not in the archive")

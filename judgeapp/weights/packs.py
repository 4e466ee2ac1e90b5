"""Model packs: weights files bundled by one connected machine for many offline ones.

A pack is a folder or a .zip holding the files and `manifest.json`:
{"format": "judgeapp.modelpack/1", "created_utc": ..., "files": [{"name", "filename",
"size_bytes", "sha256", "url"}, ...]}. Writing a pack and installing one are both atomic:
a pack appears under its final name only once complete, and installing checks every file
against the manifest and the registry before copying anything into the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from judgeapp.core.errors import WeightsError
from judgeapp.core.files import atomic_path
from judgeapp.weights.loading import resolve
from judgeapp.weights.registry import REGISTRY, WeightsFile, get_weights_file
from judgeapp.weights.store import check_file, remember, target_path

PACK_FORMAT = "judgeapp.modelpack/1"
MANIFEST = "manifest.json"
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class PackedFile:
    """One file as a pack's manifest describes it."""

    name: str
    filename: str
    size_bytes: int
    sha256: str
    url: str


def _copy_hashing(source: BinaryIO, target: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _hash_stream(source: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def pack(
    out_path: str | Path, names: Iterable[str] | None = None, allow_download: bool = False
) -> Path:
    """Write a model pack (a folder, or a zip when `out_path` ends in .zip) of `names`.

    names: registry names (default: every registered file). Each file is resolved and verified
    first (downloaded if `allow_download`); a missing one is a WeightsError naming it.
    """
    out_path = Path(out_path)
    entries = [get_weights_file(n) for n in (list(names) if names else list(REGISTRY))]
    if not entries:
        raise WeightsError(f"{out_path}: no weights files to pack")
    sources = [(entry, resolve(entry, allow_download=allow_download)) for entry in entries]
    if out_path.suffix.lower() == ".zip":
        _write_zip(out_path, sources)
    else:
        _write_folder(out_path, sources)
    return out_path


def _manifest(files: list[PackedFile]) -> str:
    return json.dumps(
        {
            "format": PACK_FORMAT,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [f.__dict__ for f in files],
        },
        indent=2,
    )


def _packed(entry: WeightsFile, digest: str, size: int, source: Path) -> PackedFile:
    check = check_file(entry, source)
    if not check.ok or check.digest != digest:
        raise WeightsError(f"{source}: changed while it was being packed")
    return PackedFile(entry.name, entry.filename, size, digest, entry.url)


def _write_zip(out_path: Path, sources: list[tuple[WeightsFile, Path]]) -> None:
    files = []
    with atomic_path(out_path, suffix=".zip") as tmp:
        # Weights are float arrays that barely compress: store them as they are.
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for entry, source in sources:
                with (
                    open(source, "rb") as src,
                    zf.open(entry.filename, "w", force_zip64=True) as dst,
                ):
                    digest, size = _copy_hashing(src, dst)
                files.append(_packed(entry, digest, size, source))
            zf.writestr(MANIFEST, _manifest(files))


def _write_folder(out_path: Path, sources: list[tuple[WeightsFile, Path]]) -> None:
    if out_path.exists():
        raise WeightsError(f"{out_path}: already exists; choose a new folder or a .zip name")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", dir=out_path.parent))
    except OSError as exc:
        raise WeightsError(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    try:
        files = []
        for entry, source in sources:
            with open(source, "rb") as src, open(tmp / entry.filename, "wb") as dst:
                digest, size = _copy_hashing(src, dst)
            files.append(_packed(entry, digest, size, source))
        (tmp / MANIFEST).write_text(_manifest(files), encoding="utf-8")
        os.rename(tmp, out_path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WeightsError(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class _PackReader:
    """Opens the members of a pack folder or zip by exact name (never by a path it contains)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            return
        if not path.is_file():
            raise WeightsError(f"{path}: no such model pack")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise WeightsError(f"{path}: not a model pack (not a folder or a zip: {exc})") from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    @contextmanager
    def open(self, member: str):
        try:
            if self.zip is not None:
                handle = self.zip.open(member)
            else:
                handle = open(self.path / member, "rb")
        except (KeyError, OSError):
            raise WeightsError(f"{self.path}: model pack lacks {member}") from None
        with handle:
            yield handle


def read_manifest(reader: _PackReader) -> list[PackedFile]:
    """The files a pack declares, each checked against the registry."""
    with reader.open(MANIFEST) as fh:
        try:
            data = json.loads(fh.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise WeightsError(f"{reader.path}: unreadable {MANIFEST} ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise WeightsError(f"{reader.path}: not a {PACK_FORMAT} model pack")
    files = []
    try:
        for item in data["files"]:
            packed = PackedFile(
                name=str(item["name"]),
                filename=str(item["filename"]),
                size_bytes=int(item["size_bytes"]),
                sha256=str(item["sha256"]).lower(),
                url=str(item.get("url", "")),
            )
            files.append(packed)
    except (KeyError, TypeError, ValueError) as exc:
        raise WeightsError(f"{reader.path}: malformed {MANIFEST} ({exc})") from None
    for packed in files:
        entry = REGISTRY.get(packed.name)
        if entry is None:
            raise WeightsError(f"{reader.path}: unknown weights name {packed.name!r} in the pack")
        if packed.filename != entry.filename:
            raise WeightsError(
                f"{reader.path}: {packed.name} is packed as {packed.filename!r}, "
                f"expected {entry.filename!r}"
            )
        if entry.size_bytes is not None and packed.size_bytes != entry.size_bytes:
            raise WeightsError(
                f"{reader.path}: {packed.filename} is {packed.size_bytes} bytes, "
                f"expected {entry.size_bytes}"
            )
        if not entry.hash_matches(packed.sha256):
            raise WeightsError(
                f"{reader.path}: {packed.filename} has SHA-256 {packed.sha256}, "
                f"expected {entry.expected_hash_text()}"
            )
    return files


def install(pack_path: str | Path) -> list[Path]:
    """Verify every file of a model pack, then copy each into the cache; returns their paths.

    Nothing is copied unless all files match the manifest and the registry; each copy is
    written to a temporary file and renamed into place only when its hash matches again.
    """
    pack_path = Path(pack_path)
    reader = _PackReader(pack_path)
    try:
        files = read_manifest(reader)
        for packed in files:
            with reader.open(packed.filename) as fh:
                digest, size = _hash_stream(fh)
            if (digest, size) != (packed.sha256, packed.size_bytes):
                raise WeightsError(
                    f"{pack_path}: {packed.filename} does not match the manifest "
                    f"(SHA-256 {digest}, {size} bytes); the pack is damaged"
                )
        installed = []
        for packed in files:
            installed.append(_install_one(reader, packed))
        return installed
    finally:
        reader.close()


def _install_one(reader: _PackReader, packed: PackedFile) -> Path:
    entry = REGISTRY[packed.name]
    target = target_path(entry)
    if target.is_file() and check_file(entry, target).digest == packed.sha256:
        return target
    with atomic_path(target) as tmp:
        with reader.open(packed.filename) as src, open(tmp, "wb") as dst:
            digest, _ = _copy_hashing(src, dst)
        if digest != packed.sha256:
            raise WeightsError(f"{reader.path}: {packed.filename} changed while installing")
    remember(target, digest)
    return target

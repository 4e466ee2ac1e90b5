"""Model packs: weights files and trained heads bundled by one machine for many offline ones.

A pack is a folder or a .zip holding the files and `manifest.json`:
{"format": "judgeapp.modelpack/1", "created_utc": ..., "files": [...]}, one item per file:
registry weights files {"kind": "weights", "name", "filename", "size_bytes", "sha256", "url"}
stored under their file name, and trained heads {"kind": "head", "name", "filename",
"size_bytes", "sha256", "routine", "target", "profile"} (name ... profile from the head's model
card) stored as `heads/FILENAME`. An item without "kind" is a weights file (packs written
before heads could be packed install as before). A pack may hold weights only, heads only, or
both.

Writing a pack and installing one are both atomic: a pack appears under its final name only
once complete, and installing checks every file before copying anything: weights against the
manifest and the registry, heads against the manifest and by loading each one completely
through the real checkpoint code (safetensors, never pickle). Heads then go to the heads folder
(`judgeapp.weights.heads`; a different head of the same name is kept, the new one gets a free
name).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from judgeapp.core.errors import CheckpointError, JudgeappError, WeightsError
from judgeapp.core.files import atomic_path, publish, sha256_file
from judgeapp.model import ModelCard
from judgeapp.weights.heads import (
    check_head_name,
    commit_head,
    discard,
    heads_dir,
    stage_head,
    usable_head_name,
    validate_head,
    validate_staged,
)
from judgeapp.weights.loading import resolve
from judgeapp.weights.registry import REGISTRY, WeightsFile, get_weights_file
from judgeapp.weights.store import check_file, remember, target_path, weights_dir
from judgeapp.weights.usable import prove_usable

PACK_FORMAT = "judgeapp.modelpack/1"
MANIFEST = "manifest.json"
HEADS_FOLDER = "heads"
CHUNK_BYTES = 1 << 20
WEIGHTS = "weights"
HEAD = "head"
# Bounds on what a pack may make us read: a manifest of a few files is a few KB, a paper head
# is 14 MB, the largest registered weights file 103 MB. Every member is also read only up to
# the size its manifest declares.
MAX_MANIFEST_BYTES = 1 << 20
MAX_HEAD_BYTES = 1 << 30
MAX_WEIGHTS_BYTES = 4 << 30
_SHA256 = re.compile(r"[0-9a-f]{64}")

Validator = Callable[[Path], ModelCard]


@dataclass(frozen=True)
class _Packed:
    """What a pack's manifest says of every file."""

    name: str
    filename: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class PackedFile(_Packed):
    """One weights file as a pack's manifest describes it."""

    url: str
    kind: str = WEIGHTS

    @property
    def member(self) -> str:
        """Its name inside the pack."""
        return self.filename


@dataclass(frozen=True)
class PackedHead(_Packed):
    """One trained head as a pack's manifest describes it (name ... profile: its model card)."""

    routine: str
    target: str
    profile: str
    kind: str = HEAD

    @property
    def member(self) -> str:
        """Its name inside the pack."""
        return f"{HEADS_FOLDER}/{self.filename}"

    def card_facts(self) -> tuple[str, str, str, str]:
        return (self.name, self.routine, self.target, self.profile)


@dataclass(frozen=True)
class _Source:
    """A file to pack: its name in the pack, where it is, and how to describe the copy."""

    member: str
    path: Path
    describe: Callable[[str, int], PackedFile | PackedHead]  # (sha256, size) -> manifest item


def _copy_hashing(source: BinaryIO, target: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def pack(
    out_path: str | Path,
    names: Iterable[str] | None = None,
    allow_download: bool = False,
    heads: Sequence[str | Path] = (),
) -> Path:
    """Write a model pack (a folder, or a zip when `out_path` ends in .zip).

    names: registry names (None: every registered file; empty: none, a heads-only pack). Each
    file is resolved and verified first (downloaded if `allow_download`); a missing one is a
    WeightsError naming it. heads: trained head checkpoints; each must load completely as a
    judgeapp head (CheckpointError naming the file otherwise). Nothing is written on an error.
    """
    out_path = Path(out_path)
    chosen = list(REGISTRY) if names is None else list(names)
    entries = [get_weights_file(n) for n in chosen]
    if not entries and not heads:
        raise WeightsError(f"{out_path}: nothing to pack (no weights files and no heads)")
    sources = [_head_source(Path(h)) for h in heads]
    members = [s.member for s in sources]
    clash = next((m for m in members if members.count(m) > 1), None)
    if clash is not None:
        raise WeightsError(f"{out_path}: two heads would be packed as {clash}; rename one of them")
    sources = [_weights_source(entry, allow_download) for entry in entries] + sources
    if out_path.suffix.lower() == ".zip":
        _write_zip(out_path, sources)
    else:
        _write_folder(out_path, sources)
    return out_path


def _weights_source(entry: WeightsFile, allow_download: bool) -> _Source:
    source = resolve(entry, allow_download=allow_download)
    return _Source(
        entry.filename, source, lambda digest, size: _packed(entry, digest, size, source)
    )


def _head_source(path: Path) -> _Source:
    """A head to pack, validated now (loaded completely), and its manifest item."""
    try:
        expected = sha256_file(path)
    except OSError:
        expected = ""  # validate_head says what is wrong with the file
    card = validate_head(path)
    filename = usable_head_name(path.name)

    def describe(digest: str, size: int) -> PackedHead:
        if digest != expected:
            raise WeightsError(f"{path}: changed while it was being packed")
        return PackedHead(
            card.name, filename, size, digest, card.routine, card.target, card.profile
        )

    return _Source(f"{HEADS_FOLDER}/{filename}", path, describe)


def _manifest(files: list[PackedFile | PackedHead]) -> str:
    return json.dumps(
        {
            "format": PACK_FORMAT,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [{"kind": f.kind, **asdict(f)} for f in files],
        },
        indent=2,
    )


def _packed(entry: WeightsFile, digest: str, size: int, source: Path) -> PackedFile:
    check = check_file(entry, source)
    if not check.ok or check.digest != digest:
        raise WeightsError(f"{source}: changed while it was being packed")
    return PackedFile(entry.name, entry.filename, size, digest, entry.url)


def _write_zip(out_path: Path, sources: list[_Source]) -> None:
    files = []
    with atomic_path(out_path, suffix=".zip") as tmp:
        # Weights are float arrays that barely compress: store them as they are.
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for source in sources:
                with (
                    open(source.path, "rb") as src,
                    zf.open(source.member, "w", force_zip64=True) as dst,
                ):
                    digest, size = _copy_hashing(src, dst)
                files.append(source.describe(digest, size))
            zf.writestr(MANIFEST, _manifest(files))


def _write_folder(out_path: Path, sources: list[_Source]) -> None:
    if out_path.exists():
        raise WeightsError(f"{out_path}: already exists; choose a new folder or a .zip name")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", dir=out_path.parent))
    except OSError as exc:
        raise WeightsError(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    try:
        files = []
        for source in sources:
            target = tmp / source.member
            target.parent.mkdir(exist_ok=True)
            with open(source.path, "rb") as src, open(target, "wb") as dst:
                digest, size = _copy_hashing(src, dst)
            files.append(source.describe(digest, size))
        (tmp / MANIFEST).write_text(_manifest(files), encoding="utf-8")
        os.rename(tmp, out_path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WeightsError(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class _Bounded:
    """A member's stream that refuses to give more than `limit` bytes (a zip bomb, a device)."""

    def __init__(self, handle: BinaryIO, limit: int, label: str) -> None:
        self.handle, self.limit, self.label, self.done = handle, limit, label, 0

    def read(self, size: int = -1) -> bytes:
        room = self.limit - self.done + 1
        try:
            chunk = self.handle.read(room if size < 0 else min(size, room))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise WeightsError(
                f"{self.label}: cannot be read ({exc}); the pack is damaged"
            ) from None
        self.done += len(chunk)
        if self.done > self.limit:
            raise WeightsError(
                f"{self.label}: holds more than the {self.limit} bytes its manifest allows; "
                "the pack is damaged, nothing was installed"
            )
        return chunk


class _PackReader:
    """Opens the members of a pack folder or zip by exact name (never by a path it contains).

    Every read is bounded by the size the manifest declares; in a folder pack, links and
    anything that is not a regular file (a device, a pipe) are refused before they are opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            return
        if not path.is_file():
            raise WeightsError(f"{path}: no such model pack")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise WeightsError(f"{path}: not a model pack (not a folder or a zip: {exc})") from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    @contextmanager
    def open(self, member: str, limit: int):
        """The member's bytes, at most `limit` of them (WeightsError beyond)."""
        label = f"{self.path}: {member}"
        try:
            if self.zip is not None:
                info = self.zip.getinfo(member)
                if info.file_size > limit:
                    raise WeightsError(
                        f"{label}: {info.file_size} bytes, more than the {limit} its manifest "
                        "allows; the pack is damaged, nothing was installed"
                    )
                handle = self.zip.open(info)
            else:
                handle = self._open_plain(member, limit, label)
        except (KeyError, OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError):
            raise WeightsError(f"{self.path}: model pack lacks {member}") from None
        with handle:
            yield _Bounded(handle, limit, label)

    def _open_plain(self, member: str, limit: int, label: str) -> BinaryIO:
        parts = member.split("/")
        for depth in range(1, len(parts) + 1):
            mode = os.lstat(self.path.joinpath(*parts[:depth])).st_mode
            last = depth == len(parts)
            if stat.S_ISLNK(mode) or (not last and not stat.S_ISDIR(mode)):
                raise WeightsError(f"{label}: a link, not a file; model packs hold plain files")
            if last and not stat.S_ISREG(mode):
                raise WeightsError(f"{label}: not a regular file (a device or a pipe?)")
        fd = os.open(self.path / member, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        handle = os.fdopen(fd, "rb")
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            handle.close()
            raise WeightsError(
                f"{label}: {info.st_size} bytes, more than the {limit} its manifest allows; "
                "the pack is damaged, nothing was installed"
            )
        return handle


def read_manifest(reader: _PackReader) -> list[PackedFile | PackedHead]:
    """The files a pack declares: weights checked against the registry, heads' names checked."""
    with reader.open(MANIFEST, MAX_MANIFEST_BYTES) as fh:
        raw = fh.read(MAX_MANIFEST_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise WeightsError(f"{reader.path}: unreadable {MANIFEST} ({reason})") from None
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise WeightsError(f"{reader.path}: not a {PACK_FORMAT} model pack")
    items = data.get("files")
    if not isinstance(items, list):
        raise WeightsError(f"{reader.path}: malformed {MANIFEST} (files must be a list)")
    if not items:
        raise WeightsError(f"{reader.path}: the pack holds no files; nothing to install")
    files: list[PackedFile | PackedHead] = []
    for index, item in enumerate(items):
        try:
            files.append(_manifest_item(reader.path, item))
        except (KeyError, TypeError, ValueError) as exc:
            raise WeightsError(
                f"{reader.path}: malformed {MANIFEST} (files[{index}]: {str(exc)[:200]})"
            ) from None
    heads = [f.filename for f in files if isinstance(f, PackedHead)]
    clash = next((name for name in heads if heads.count(name) > 1), None)
    if clash is not None:
        raise WeightsError(f"{reader.path}: {MANIFEST} lists the head {clash} twice")
    weights = [f.name for f in files if isinstance(f, PackedFile)]
    clash = next((name for name in weights if weights.count(name) > 1), None)
    if clash is not None:
        raise WeightsError(f"{reader.path}: {MANIFEST} lists the weights file {clash} twice")
    for packed in files:
        if isinstance(packed, PackedFile):
            _check_registered(reader.path, packed)
    return files


def _text(item: dict, key: str, default: str | None = None) -> str:
    value = item.get(key, default) if default is not None else item[key]
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _manifest_item(pack_path: Path, item: object) -> PackedFile | PackedHead:
    if not isinstance(item, dict):
        raise ValueError("each file must be an object")
    kind = item.get("kind", WEIGHTS)
    size = item["size_bytes"]
    limit = MAX_HEAD_BYTES if kind == HEAD else MAX_WEIGHTS_BYTES
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= limit:
        raise ValueError(f"size_bytes must be a whole number of bytes from 1 to {limit}")
    digest = _text(item, "sha256").lower()
    if not _SHA256.fullmatch(digest):
        raise ValueError("sha256 must be 64 hex digits")
    common = {
        "name": _text(item, "name"),
        "filename": _text(item, "filename"),
        "size_bytes": size,
        "sha256": digest,
    }
    if kind == WEIGHTS:
        return PackedFile(**common, url=_text(item, "url", ""))
    if kind == HEAD:
        try:
            check_head_name(common["filename"])
        except JudgeappError as exc:
            raise WeightsError(f"{pack_path}: {MANIFEST} names a head {exc}") from None
        return PackedHead(
            **common,
            routine=_text(item, "routine"),
            target=_text(item, "target"),
            profile=_text(item, "profile"),
        )
    raise WeightsError(f"{pack_path}: unknown kind of file {str(kind)[:40]!r} in {MANIFEST}")


def _check_registered(pack_path: Path, packed: PackedFile) -> None:
    """A packed weights file must be the registry's file of that name."""
    entry = REGISTRY.get(packed.name)
    if entry is None:
        raise WeightsError(f"{pack_path}: unknown weights name {packed.name!r} in the pack")
    if packed.filename != entry.filename:
        raise WeightsError(
            f"{pack_path}: {packed.name} is packed as {packed.filename!r}, "
            f"expected {entry.filename!r}"
        )
    if entry.size_bytes is not None and packed.size_bytes != entry.size_bytes:
        raise WeightsError(
            f"{pack_path}: {packed.filename} is {packed.size_bytes} bytes, "
            f"expected {entry.size_bytes}"
        )
    if not entry.hash_matches(packed.sha256):
        raise WeightsError(
            f"{pack_path}: {packed.filename} has SHA-256 {packed.sha256}, "
            f"expected {entry.expected_hash_text()}"
        )


def install(pack_path: str | Path, validate: Validator = validate_head) -> list[Path]:
    """Verify every file of a model pack, then put each in place; returns their paths.

    Weights go to the weights cache, heads to the heads folder (weights first, in manifest
    order). Nothing is installed unless every file matches the manifest (and the registry, for
    weights), every weights file without a full published hash loads into its network, and
    every head loads completely and fits its profile. Each file is copied to a hidden file
    beside its target (never more bytes than the manifest declares), checked there, and only
    renamed into place once all are checked; an error removes the copies. Heads are checked
    with `validate` (the real checkpoint loading by default; the GUI runs it in a child
    process).
    """
    pack_path = Path(pack_path)
    reader = _PackReader(pack_path)
    made = [folder for folder in (weights_dir(), heads_dir()) if not folder.exists()]
    staged_weights: list[tuple[PackedFile, Path | None]] = []
    staged: list[tuple[PackedHead, Path, str]] = []
    try:
        files = read_manifest(reader)
        weights = [f for f in files if isinstance(f, PackedFile)]
        for packed in weights:
            staged_weights.append((packed, _stage_weights(reader, packed)))
        for packed in (f for f in files if isinstance(f, PackedHead)):
            with reader.open(packed.member, packed.size_bytes) as fh:
                tmp, digest = stage_head(fh)
            staged.append((packed, tmp, digest))
            _check_digest(pack_path, packed, digest, tmp.stat().st_size)
            try:
                card = validate_staged(tmp, str(pack_path / packed.member), validate)
            except CheckpointError as exc:
                raise WeightsError(f"{exc}; nothing was installed") from None
            _check_head(pack_path, packed, card)
        installed = []
        while staged_weights:
            packed, tmp = staged_weights.pop(0)
            installed.append(_commit_weights(packed, tmp))
        while staged:
            packed, tmp, digest = staged.pop(0)
            installed.append(commit_head(tmp, packed.filename, digest))
        return installed
    finally:
        for _, tmp in staged_weights:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        for _, tmp, _ in staged:
            discard(tmp)
        for folder in made:
            _remove_if_empty(folder)
        reader.close()


def _stage_weights(reader: _PackReader, packed: PackedFile) -> Path | None:
    """Copy a packed weights file beside its target and prove it: the copy's path, or None
    when the target already is this file."""
    entry = REGISTRY[packed.name]
    target = target_path(entry)
    if target.is_file() and check_file(entry, target).digest == packed.sha256:
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise WeightsError(f"{target.parent}: cannot write ({exc.strerror or exc})") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as dst, reader.open(packed.member, packed.size_bytes) as src:
            digest, size = _copy_hashing(src, dst)
        _check_digest(reader.path, packed, digest, size)
        prove_usable(entry, tmp, f"{reader.path}: {packed.member}")
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WeightsError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _commit_weights(packed: PackedFile, tmp: Path | None) -> Path:
    """Rename a staged, proven weights file over its target (None: already in place)."""
    target = target_path(REGISTRY[packed.name])
    if tmp is None:
        return target
    try:
        publish(tmp, target)
    except OSError as exc:
        raise WeightsError(f"{target}: cannot write ({exc.strerror or exc})") from None
    remember(target, packed.sha256)
    return target


def _check_digest(pack_path: Path, packed: PackedFile | PackedHead, digest: str, size: int) -> None:
    if (digest, size) != (packed.sha256, packed.size_bytes):
        raise WeightsError(
            f"{pack_path}: {packed.member} does not match the manifest "
            f"(SHA-256 {digest}, {size} bytes); the pack is damaged"
        )


def _check_head(pack_path: Path, packed: PackedHead, card: ModelCard) -> None:
    found = (card.name, card.routine, card.target, card.profile)
    if found != packed.card_facts():
        raise WeightsError(
            f"{pack_path}: {packed.member}: its model card says name/routine/target/profile "
            f"{'/'.join(found)}, the manifest {'/'.join(packed.card_facts())}; "
            "the pack is damaged"
        )


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (heads were installed), or gone

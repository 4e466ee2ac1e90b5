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
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from judgeapp.core.errors import CheckpointError, JudgeappError, WeightsError
from judgeapp.core.files import atomic_path, sha256_file
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
from judgeapp.weights.store import check_file, remember, target_path

PACK_FORMAT = "judgeapp.modelpack/1"
MANIFEST = "manifest.json"
HEADS_FOLDER = "heads"
CHUNK_BYTES = 1 << 20
WEIGHTS = "weights"
HEAD = "head"

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


def _hash_stream(source: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
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


def read_manifest(reader: _PackReader) -> list[PackedFile | PackedHead]:
    """The files a pack declares: weights checked against the registry, heads' names checked."""
    with reader.open(MANIFEST) as fh:
        try:
            data = json.loads(fh.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise WeightsError(f"{reader.path}: unreadable {MANIFEST} ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise WeightsError(f"{reader.path}: not a {PACK_FORMAT} model pack")
    files: list[PackedFile | PackedHead] = []
    try:
        for item in data["files"]:
            files.append(_manifest_item(reader.path, item))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WeightsError(f"{reader.path}: malformed {MANIFEST} ({exc})") from None
    heads = [f.filename for f in files if isinstance(f, PackedHead)]
    clash = next((name for name in heads if heads.count(name) > 1), None)
    if clash is not None:
        raise WeightsError(f"{reader.path}: {MANIFEST} lists the head {clash} twice")
    for packed in files:
        if isinstance(packed, PackedFile):
            _check_registered(reader.path, packed)
    return files


def _manifest_item(pack_path: Path, item: dict) -> PackedFile | PackedHead:
    kind = item.get("kind", WEIGHTS)
    common = {
        "name": str(item["name"]),
        "filename": str(item["filename"]),
        "size_bytes": int(item["size_bytes"]),
        "sha256": str(item["sha256"]).lower(),
    }
    if kind == WEIGHTS:
        return PackedFile(**common, url=str(item.get("url", "")))
    if kind == HEAD:
        try:
            check_head_name(common["filename"])
        except JudgeappError as exc:
            raise WeightsError(f"{pack_path}: {MANIFEST} names a head {exc}") from None
        return PackedHead(
            **common,
            routine=str(item["routine"]),
            target=str(item["target"]),
            profile=str(item["profile"]),
        )
    raise WeightsError(f"{pack_path}: unknown kind of file {kind!r} in {MANIFEST}")


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
    weights) and every head loads completely: heads are first copied to hidden files in the
    heads folder and checked there with `validate` (the real checkpoint loading by default;
    the GUI runs it in a child process), and only then renamed into place; an error removes
    them. Weights are copied to a temporary file each and renamed when the hash matches again.
    """
    pack_path = Path(pack_path)
    reader = _PackReader(pack_path)
    made_heads_dir = not heads_dir().exists()
    staged: list[tuple[PackedHead, Path, str]] = []
    try:
        files = read_manifest(reader)
        weights = [f for f in files if isinstance(f, PackedFile)]
        for packed in weights:
            with reader.open(packed.member) as fh:
                digest, size = _hash_stream(fh)
            _check_digest(pack_path, packed, digest, size)
        for packed in (f for f in files if isinstance(f, PackedHead)):
            with reader.open(packed.member) as fh:
                tmp, digest = stage_head(fh)
            staged.append((packed, tmp, digest))
            _check_digest(pack_path, packed, digest, tmp.stat().st_size)
            try:
                card = validate_staged(tmp, str(pack_path / packed.member), validate)
            except CheckpointError as exc:
                raise WeightsError(f"{exc}; nothing was installed") from None
            _check_head(pack_path, packed, card)
        installed = [_install_one(reader, packed) for packed in weights]
        while staged:
            packed, tmp, digest = staged.pop(0)
            installed.append(commit_head(tmp, packed.filename, digest))
        return installed
    finally:
        for _, tmp, _ in staged:
            discard(tmp)
        if made_heads_dir:
            _remove_if_empty(heads_dir())
        reader.close()


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

"""Where weights files live and whether they are intact.

A file is looked for in judgeapp's cache (`<cache>/weights/`, where downloads and model packs
go), then in the folders of `$JUDGEAPP_WEIGHTS_PATH` (os.pathsep-separated, read-only; e.g. a
model pack unpacked on a shared drive), then in the installation's own folder
`<sys.prefix>/share/judgeapp/weights` (scripts/install.sh puts the BlazePose models there;
`JUDGEAPP_NO_SITE_WEIGHTS=1` skips it), then in torch.hub's checkpoint folder (torchvision files
a user already downloaded). Hashing a 100 MB file takes a while, so a verified digest is
remembered by path, size and modification time in `<cache>/weights/verified.json`.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from judgeapp.core.errors import WeightsError
from judgeapp.core.files import sha256_file, write_text_atomic
from judgeapp.core.paths import cache_dir
from judgeapp.weights.registry import WeightsFile

VERIFIED_FILE = "verified.json"


def weights_dir() -> Path:
    """The folder judgeapp downloads and installs weights into."""
    return cache_dir() / "weights"


def target_path(entry: WeightsFile) -> Path:
    """Where `entry` belongs in the cache (the path error messages tell the user)."""
    return weights_dir() / entry.filename


def _torch_hub_checkpoints() -> Path:
    # torch.hub.get_dir() without importing torch: $TORCH_HOME or $XDG_CACHE_HOME/torch.
    torch_home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "torch"
    )
    return Path(torch_home) / "hub" / "checkpoints"


def site_weights_dir() -> Path:
    """The installation's own weights folder, `<sys.prefix>/share/judgeapp/weights` (in a venv,
    the venv's): files installed with the program, not per user."""
    return Path(sys.prefix) / "share" / "judgeapp" / "weights"


def site_weights_enabled() -> bool:
    """Whether `site_weights_dir()` is searched (`JUDGEAPP_NO_SITE_WEIGHTS=1` turns it off)."""
    flag = os.environ.get("JUDGEAPP_NO_SITE_WEIGHTS", "").strip().lower()
    return flag not in ("1", "true", "yes", "on")


def search_dirs() -> list[Path]:
    """Folders searched for weights files, in order: the cache, `$JUDGEAPP_WEIGHTS_PATH`, the
    installation's folder (unless switched off), torch.hub's checkpoints."""
    dirs = [weights_dir()]
    extra = os.environ.get("JUDGEAPP_WEIGHTS_PATH", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    if site_weights_enabled():
        dirs.append(site_weights_dir())
    dirs.append(_torch_hub_checkpoints())
    return dirs


def candidates(entry: WeightsFile) -> list[Path]:
    """Existing files that may be `entry`, in search order."""
    return [d / entry.filename for d in search_dirs() if (d / entry.filename).is_file()]


@dataclass(frozen=True)
class Check:
    """The result of checking one file against its registry entry."""

    path: Path
    ok: bool
    digest: str
    problem: str = ""

    @property
    def how(self) -> str:
        return self.problem or "ok"


def _load_records() -> dict:
    path = weights_dir() / VERIFIED_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def remember(path: Path, digest: str) -> None:
    """Record `digest` as the SHA-256 of `path` at its current size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return
    records = _load_records()
    records[str(path.resolve())] = {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": digest,
    }
    try:
        write_text_atomic(weights_dir() / VERIFIED_FILE, json.dumps(records, indent=1))
    except Exception:  # noqa: BLE001 - a read-only cache only costs a re-hash next time
        pass


def cached_digest(path: Path) -> str | None:
    """The remembered SHA-256 of `path` if its size and mtime have not changed since."""
    try:
        stat = path.stat()
    except OSError:
        return None
    record = _load_records().get(str(path.resolve()))
    if (
        isinstance(record, dict)
        and record.get("size") == stat.st_size
        and record.get("mtime_ns") == stat.st_mtime_ns
        and isinstance(record.get("sha256"), str)
    ):
        return record["sha256"]
    return None


def file_digest(path: Path, use_cache: bool = True, record: bool = True) -> str:
    """SHA-256 of `path`, from the verification record when still valid, else computed."""
    if use_cache and (digest := cached_digest(path)) is not None:
        return digest
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise WeightsError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if record:
        remember(path, digest)
    return digest


def check_file(
    entry: WeightsFile, path: Path, use_cache: bool = True, record: bool = True
) -> Check:
    """Compare `path` with `entry`'s size and hash (use_cache: trust a still-valid record)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Check(path, False, "", f"cannot read ({exc.strerror or exc})")
    if problem := size_problem(entry, size):
        return Check(path, False, "", problem)
    digest = file_digest(path, use_cache=use_cache, record=record)
    if problem := hash_problem(entry, digest):
        return Check(path, False, digest, problem)
    return Check(path, True, digest)


def size_problem(entry: WeightsFile, size: int) -> str:
    """Why a file of `size` bytes cannot be `entry` ("" when the size is right or unknown)."""
    if entry.size_bytes is not None and size != entry.size_bytes:
        return f"size {size} bytes, expected {entry.size_bytes}"
    if size == 0:
        return "empty file"
    return ""


def hash_problem(entry: WeightsFile, digest: str) -> str:
    """Why a file with SHA-256 `digest` is not `entry` ("" when the hash matches)."""
    if entry.hash_matches(digest):
        return ""
    return f"SHA-256 {digest}, expected {entry.expected_hash_text()}"

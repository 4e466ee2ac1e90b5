"""The state of each registered weights file: for `judgeapp models list` and the Models window.

A file is "verified" (its size and its published hash, or hash prefix, check out), "no-hash"
(found and not empty, but no hash is published to check it against: never called verified),
"present" (found, size plausible, hash not checked yet), "corrupt" (wrong size or hash,
unreadable) or "missing". How much hashing a look may do is the caller's choice: hashing a
100 MB file takes a second or more, so an instant look trusts only remembered digests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.weights.registry import FINDER_FILES, REGISTRY, WeightsFile, get_weights_file
from judgeapp.weights.store import (
    cached_digest,
    candidates,
    check_file,
    hash_problem,
    size_problem,
    target_path,
)

VERIFIED = "verified"
NO_HASH = "no-hash"
PRESENT = "present"
CORRUPT = "corrupt"
MISSING = "missing"

# never: only a remembered digest counts (no file is read); unverified: hash the files without
# a still-valid remembered digest; always: hash every file anew.
Hashing = Literal["never", "unverified", "always"]


@dataclass(frozen=True)
class FileStatus:
    """Where one registered file is and whether it is intact.

    path: the file found (the one `resolve` would use, else the first damaged one), or where it
    belongs when missing. size_bytes: on disk when found, else the registry's (None: unknown).
    problem: why a corrupt file is not the expected one.
    """

    entry: WeightsFile
    state: str
    path: Path
    size_bytes: int | None
    problem: str = ""

    @property
    def installed(self) -> bool:
        """Whether a usable copy is there (verified, or present and not checked yet)."""
        return self.state in (VERIFIED, NO_HASH, PRESENT)

    @property
    def text(self) -> str:
        """The state in a few words, e.g. "installed, verified" or "wrong hash"."""
        if self.state == MISSING:
            return "missing"
        if self.state == PRESENT:
            return "installed, not verified"
        if self.state == NO_HASH:
            return "installed (no published hash)"
        if self.state == VERIFIED:
            if self.entry.hash_check == "prefix":
                return "installed, verified (hash prefix)"
            return "installed, verified"
        if self.problem.startswith("SHA-256"):
            return "wrong hash"
        if self.problem.startswith("size"):
            return "wrong size"
        return self.problem or "damaged"


def _look(entry: WeightsFile, path: Path, hashing: Hashing) -> FileStatus:
    status = _look_hashed(entry, path, hashing)
    if status.state == VERIFIED and entry.hash_check == "none":
        return FileStatus(entry, NO_HASH, path, status.size_bytes)
    return status


def _look_hashed(entry: WeightsFile, path: Path, hashing: Hashing) -> FileStatus:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return FileStatus(entry, CORRUPT, path, None, f"cannot read ({exc.strerror or exc})")
    if hashing != "never":
        check = check_file(entry, path, use_cache=hashing == "unverified")
        return FileStatus(entry, VERIFIED if check.ok else CORRUPT, path, size, check.problem)
    if problem := size_problem(entry, size):
        return FileStatus(entry, CORRUPT, path, size, problem)
    digest = cached_digest(path)
    if digest is None:
        return FileStatus(entry, PRESENT, path, size)
    problem = hash_problem(entry, digest)
    return FileStatus(entry, CORRUPT if problem else VERIFIED, path, size, problem)


def file_status(entry: WeightsFile | str, hashing: Hashing = "never") -> FileStatus:
    """The state of one registered file, looking where `resolve` looks, in the same order."""
    entry = get_weights_file(entry)
    damaged = None
    for path in candidates(entry):
        status = _look(entry, path, hashing)
        if status.state != CORRUPT:
            return status
        damaged = damaged or status
    return damaged or FileStatus(entry, MISSING, target_path(entry), entry.size_bytes)


def auto_finder() -> str:
    """The person finder `--detector auto` takes on this machine: the first of FINDER_FILES
    whose files are all there, else "hog". Not hashed here: the analysis checks them when it
    builds the finder (and falls back, saying so, where one fails)."""
    for finder, names in FINDER_FILES.items():
        if all(file_status(name).installed for name in names):
            return finder
    return "hog"


def registry_status(
    hashing: Hashing = "never",
    names: Iterable[str] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[FileStatus]:
    """The state of every registered file (or of `names`), in registry order.

    progress gets Progress("check FILENAME", files done, files) before each file; cancel is
    checked between files (a file being hashed is finished first).
    """
    entries = [get_weights_file(n) for n in names] if names is not None else list(REGISTRY.values())
    statuses = []
    for done, entry in enumerate(entries):
        if cancel is not None:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress(Progress(f"check {entry.filename}", done, len(entries)))
        statuses.append(file_status(entry, hashing))
    return statuses

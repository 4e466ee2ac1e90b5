"""Trained heads installed in the cache: where they live, which there are, installing one.

Heads are judgeapp's safetensors checkpoints (a JSON model card in the header) kept in
`<cache>/heads/`, where `judgeapp models install` puts the heads of a model pack (or a single
`.safetensors` file). Listing reads only each file's header, never its tensors and never
PyTorch. Installing copies the file to a hidden staging file in the heads folder, loads that
copy completely through the real, non-pickle loading code (`judgeapp.model.load_checkpoint`),
and only then renames it into place (a failure removes it; a copy left by a killed install is
removed by the next install once it is an hour old). A head keeps its file name; if
a different file of that name is already installed, it is left alone and the new head gets the
first free name `NAME-2.safetensors`, `NAME-3.safetensors`, ... (the same file again is a
no-op). A head must fit a known feature profile (its feature sizes are the profile's) to be
installed. Which head an analysis scores with is decided in `weights.head_resolver` alone,
from this module's listing.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple

from judgeapp.core.errors import CheckpointError, JudgeappError
from judgeapp.core.files import publish, sha256_file
from judgeapp.core.paths import cache_dir
from judgeapp.features.recipes import FEATURE_SIZES
from judgeapp.model import ModelCard, read_model_card
from judgeapp.model.header import check_file_kind

HEAD_SUFFIX = ".safetensors"
CHUNK_BYTES = 1 << 20
MAX_NAME_CHARS = 200
STAGED_PREFIX, STAGED_SUFFIX = ".staged-", ".part"
STALE_STAGED_S = 3600.0
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@-]*")


class InstalledHead(NamedTuple):
    """One installed head: its file and its model card."""

    path: Path
    card: ModelCard


def heads_dir() -> Path:
    """The folder installed trained heads live in (`<cache>/heads`)."""
    return cache_dir() / "heads"


def head_files() -> list[Path]:
    """The head checkpoints in `heads_dir()`, newest first (modification time, then name)."""
    folder = heads_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{HEAD_SUFFIX}"):
        try:
            if path.is_file() and not path.name.startswith("."):
                found.append((path.stat().st_mtime_ns, path.name, path))
        except OSError:
            continue  # removed while we looked
    return [path for _, _, path in sorted(found, key=lambda item: (-item[0], item[1]))]


def scan_heads() -> tuple[list[InstalledHead], list[str]]:
    """The installed heads, newest first, and one line per file that is not a readable head.

    Reads only each file's header (its model card), so it is quick and needs no PyTorch.
    """
    heads: list[InstalledHead] = []
    problems: list[str] = []
    for path in head_files():
        try:
            heads.append(InstalledHead(path, read_model_card(path)))
        except CheckpointError as exc:
            problems.append(str(exc))
    return heads, problems


def installed_heads(profile: str | None = None) -> list[InstalledHead]:
    """The readable installed heads, newest first; only those for `profile` unless None."""
    heads, _ = scan_heads()
    return [h for h in heads if profile is None or h.card.profile == profile]


def head_problem(card: ModelCard) -> str:
    """Why a head with this card cannot score videos ("" when it can): its profile must be a
    known one and the feature sizes of the streams it uses that profile's. Needs no PyTorch
    (the sizes come from `features.recipes.FEATURE_SIZES`), so the GUI can ask."""
    sizes = FEATURE_SIZES.get(card.profile)
    if sizes is None:
        known = ", ".join(sorted(FEATURE_SIZES))
        return f"its model card names the unknown feature profile {card.profile!r} ({known})"
    config = card.head_config
    for stream, size in zip(("dynamic", "static"), sizes, strict=True):
        if stream in config.streams and config.input_dim(stream) != size:
            return (
                f"its model card expects {config.input_dim(stream)}-d {stream} features, the "
                f"'{card.profile}' profile makes {size}-d ones"
            )
    return ""


def check_head_usable(card: ModelCard, label: str) -> None:
    """CheckpointError naming `label` when `head_problem(card)` finds a reason."""
    if problem := head_problem(card):
        raise CheckpointError(f"{label}: this head cannot score videos: {problem}")


def validate_head(path: str | Path) -> ModelCard:
    """Load a head checkpoint or a model set completely (cards and weights, no pickle); return
    its (main) card.

    Raises CheckpointError, one line naming the file, when it is not a valid head or set or
    cannot score videos (`head_problem` on every member: unknown profile, other feature sizes).
    """
    from judgeapp.model.model_set import ModelSet, load_scoring_model  # torch: installing only

    model, card = load_scoring_model(Path(path))
    members = (
        [c for cards in model.card.targets.values() for c in cards]
        if isinstance(model, ModelSet)
        else [card]
    )
    for member in members:
        check_head_usable(member, str(path))
    return card


def check_head_name(name: str) -> str:
    """`name` if it can be a head's file name in the heads folder, else a JudgeappError.

    A plain file name ending in .safetensors: no folder, no leading dot, no odd characters.
    """
    if (
        len(name) > MAX_NAME_CHARS
        or not name.endswith(HEAD_SUFFIX)
        or name == HEAD_SUFFIX
        or _SAFE_NAME.fullmatch(name) is None
    ):
        raise JudgeappError(
            f"{name!r}: not a usable head file name (a plain name ending in {HEAD_SUFFIX})"
        )
    return name


def _free_target(name: str, digest: str) -> tuple[Path, bool]:
    """Where a head of file name `name` and SHA-256 `digest` goes, and whether it is there.

    The name itself when free or when the same file is installed under it; otherwise the first
    free (or identical) NAME-2, NAME-3, ...
    """
    folder = heads_dir()
    stem = name[: -len(HEAD_SUFFIX)]
    for number in range(1, 1000):
        candidate = folder / (name if number == 1 else f"{stem}-{number}{HEAD_SUFFIX}")
        if not candidate.exists():
            return candidate, False
        try:
            if candidate.is_file() and sha256_file(candidate) == digest:
                return candidate, True
        except OSError:
            continue
    raise JudgeappError(f"{folder}: no free file name for {name} (1000 heads of that name)")


def stage_head(source: BinaryIO) -> tuple[Path, str]:
    """Copy a head's bytes into a hidden temporary file in `heads_dir()`: (its path, SHA-256).

    The caller validates it and then `commit_head`s it, or removes it (`discard`).
    """
    folder = heads_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sweep_stale_staged(folder)
        fd, name = tempfile.mkstemp(prefix=STAGED_PREFIX, suffix=STAGED_SUFFIX, dir=folder)
    except OSError as exc:
        raise JudgeappError(f"{folder}: cannot write ({exc.strerror or exc})") from None
    tmp = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        discard(tmp)
        raise JudgeappError(f"{folder}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        discard(tmp)
        raise
    return tmp, digest.hexdigest()


def sweep_stale_staged(folder: Path, max_age_s: float = STALE_STAGED_S) -> list[Path]:
    """Remove staged copies older than `max_age_s`: leftovers of installs that were killed.

    A running install validates its copies within minutes, so an hour-old one has no owner.
    Returns what was removed; files that cannot be removed are left for next time.
    """
    removed = []
    now = time.time()
    for path in folder.glob(f"{STAGED_PREFIX}*{STAGED_SUFFIX}"):
        try:
            if now - path.stat().st_mtime > max_age_s:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def validate_staged(
    tmp: Path, label: str, validate: Callable[[Path], ModelCard] | None = None
) -> ModelCard:
    """`validate(tmp)` (default `validate_head`) of a staged copy; its errors name `label`,
    the file the user gave, not the temporary copy."""
    try:
        return (validate or validate_head)(tmp)
    except CheckpointError as exc:
        raise CheckpointError(str(exc).replace(str(tmp), label)) from None


def commit_head(tmp: Path, name: str, digest: str) -> Path:
    """Move a staged, validated head into place as `name` (or a free variant); its path.

    When the same file is installed already, the staged copy is removed and that path returned.
    """
    check_head_name(name)
    target, present = _free_target(name, digest)
    if present:
        discard(tmp)
        return target
    try:
        publish(tmp, target)
    except OSError as exc:
        discard(tmp)
        raise JudgeappError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target


def discard(tmp: Path) -> None:
    """Remove a staged file (nothing if it is gone)."""
    tmp.unlink(missing_ok=True)


def install_head(path: str | Path) -> tuple[Path, ModelCard]:
    """Validate one head checkpoint and copy it into `heads_dir()`: (installed path, card).

    The copy is validated (loaded completely, no pickle) before it gets its name; nothing is
    left behind for a file that is not a valid head (CheckpointError naming it).
    """
    path = Path(path)
    check_file_kind(path)  # a clear message for a missing or foreign file, before any copy
    name = usable_head_name(path.name)
    try:
        with open(path, "rb") as src:
            tmp, digest = stage_head(src)
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        card = validate_staged(tmp, str(path))
    except BaseException:
        discard(tmp)
        raise
    return commit_head(tmp, name, digest), card


def usable_head_name(name: str) -> str:
    """`name` if `check_head_name` accepts it, else one made from it: odd characters become
    "_" and the name ends in .safetensors ("my head.st" -> "my_head.st.safetensors")."""
    try:
        return check_head_name(name)
    except JudgeappError:
        pass
    stem = name[: -len(HEAD_SUFFIX)] if name.endswith(HEAD_SUFFIX) else name
    stem = re.sub(r"[^A-Za-z0-9._+@-]", "_", stem).lstrip("._-+@")
    return f"{(stem or 'head')[: MAX_NAME_CHARS - len(HEAD_SUFFIX)]}{HEAD_SUFFIX}"

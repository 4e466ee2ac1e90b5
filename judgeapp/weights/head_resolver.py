"""Which head scores an analysis: the one answer analysis, library, Models window and CLI share.

A request names a checkpoint file, "random" (an untrained head) or nothing; nothing means the
newest installed head of the request's profile (any profile when it names none) that can score
videos: a head copied into the heads folder by hand whose card names an unknown profile or other
feature sizes is skipped. `resolve_head` reads the heads folder once (headers only, no PyTorch)
and returns the file, its content hash and its card, or why there is none. Everything that asks
"which head?" asks here, so the head an analysis scores with, the hash the library compares a
stored result against and the head the Models window calls the default are always the same one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from judgeapp.core.errors import CheckpointError
from judgeapp.core.files import sha256_file
from judgeapp.model import ModelCard, read_model_card
from judgeapp.weights.heads import InstalledHead, head_problem, heads_dir, scan_heads

RANDOM_HEAD = "random"


@dataclass(frozen=True)
class HeadChoice:
    """The head a request scores with.

    path: its checkpoint file (None for the untrained head, or when none is installed).
    sha256: the file's content hash ("" for the untrained head; None when it cannot be known:
    no head installed, a file that cannot be read).
    card: its model card (None for the untrained head, none installed, an unreadable header).
    missing: why there is no head to score with ("" when there is one, or for the untrained
    head): one line saying what to do.
    """

    path: Path | None
    sha256: str | None
    card: ModelCard | None
    missing: str = ""

    @property
    def untrained(self) -> bool:
        """The request asked for an untrained head ("random")."""
        return self.path is None and not self.missing


UNTRAINED = HeadChoice(None, "", None)


def default_head(heads: Sequence[InstalledHead], profile: str | None) -> InstalledHead | None:
    """The head an analysis uses when none is named: the first of `heads` (newest first) of
    `profile` (any when None or "") that can score videos (`weights.heads.head_problem`)."""
    return next(
        (
            head
            for head in heads
            if (not profile or head.card.profile == profile) and not head_problem(head.card)
        ),
        None,
    )


def list_heads() -> tuple[list[InstalledHead], list[str]]:
    """The installed heads, newest first, and one line per file in the heads folder that is no
    readable head: what the Models window and `judgeapp models list` show (headers only)."""
    return scan_heads()


def no_head_message(profile: str | None) -> str:
    """What to do when no usable head is installed (for `profile`, when given)."""
    which = f"for the '{profile}' profile " if profile else ""
    return (
        f"no trained model {which}installed in {heads_dir()}: pass --model CKPT, install a "
        "model pack that holds a trained head (judgeapp models install PACK) or a head file "
        "(judgeapp models install HEAD.safetensors), train one (judgeapp train), or use "
        "--model random for an untrained head"
    )


def resolve_head(
    model: str | None, profile: str | None, heads: Sequence[InstalledHead] | None = None
) -> HeadChoice:
    """The head an analysis with `model` and `profile` scores with.

    model: a checkpoint path, "random" or None/"" (the installed head: `default_head`).
    profile: the request's feature profile (None/"": any). heads: the installed heads when the
    caller has listed them already; else the heads folder is read here, once.
    """
    if model == RANDOM_HEAD:
        return UNTRAINED
    if model:
        path = Path(model)
        return HeadChoice(path, file_sha256(path), _card_or_none(path))
    found = default_head(list_heads()[0] if heads is None else heads, profile or None)
    if found is None:
        return HeadChoice(None, None, None, no_head_message(profile or None))
    return HeadChoice(found.path, file_sha256(found.path), found.card)


def file_sha256(path: Path) -> str | None:
    """A head file's SHA-256 (None when it cannot be read); hashed again only when its size or
    modification time changed."""
    try:
        stat = os.stat(path)
        return _hash_of(str(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return None


@lru_cache(maxsize=64)
def _hash_of(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)  # keyed by size and time too: a replaced file is hashed again


def _card_or_none(path: Path) -> ModelCard | None:
    try:
        return read_model_card(path)  # a set's main card; headers only
    except CheckpointError:
        return None

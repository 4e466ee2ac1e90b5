"""Model files for the application: the pretrained weights, the trained heads, packs, folders.

The Models window shows and changes what this service reports, and imports nothing of
`judgeapp.weights` itself. Every call may read disks or the network, so the window runs them
as jobs (app.jobs); they take `progress` and `cancel` where they can stop half-way.

Installing a model pack checks each trained head by loading it completely, which needs
PyTorch: `install_pack` does those checks in a child process, so no PyTorch enters the GUI's
interpreter (importing it there holds the GIL for seconds). No Qt here.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from judgeapp.core import errors
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.model import ModelCard
from judgeapp.weights import download_many, heads_dir, offline, packs, weights_dir
from judgeapp.weights.heads import InstalledHead, scan_heads, validate_head
from judgeapp.weights.registry import WeightsFile
from judgeapp.weights.status import (
    CORRUPT,
    MISSING,
    NO_HASH,
    PRESENT,
    VERIFIED,
    FileStatus,
    Hashing,
    registry_status,
)

__all__ = [
    "CORRUPT",
    "MISSING",
    "NO_HASH",
    "PRESENT",
    "VERIFIED",
    "FileStatus",
    "InstalledHead",
    "ModelsLook",
    "ModelsService",
    "install_pack",
]

# "spawn": a fresh interpreter (fork is unsafe with threads, Qt and CUDA).
_CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class ModelsLook:
    """One look at the model files: every registered file's state (digests remembered from
    earlier checks only), the installed heads (newest first) and one line per file in the
    heads folder that is not a readable head."""

    statuses: list[FileStatus]
    heads: list[InstalledHead]
    head_problems: list[str]


class ModelsService:
    """What the Models window asks of the weights registry and the heads folder."""

    def look(self, progress: ProgressCallback, cancel: CancelToken) -> ModelsLook:
        """Every file's state without hashing anything new, and the installed heads (their
        model cards' headers only)."""
        statuses = registry_status("never", progress=progress, cancel=cancel)
        heads, problems = scan_heads()
        return ModelsLook(statuses, heads, problems)

    def check(
        self,
        names: Sequence[str],
        hashing: Hashing,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> list[FileStatus]:
        """The state of the named files; hashing "unverified" hashes those without a
        remembered digest, "always" hashes every one anew."""
        return registry_status(hashing, list(names), progress, cancel)

    def download(
        self, entries: Sequence[WeightsFile], progress: ProgressCallback, cancel: CancelToken
    ) -> tuple[list[Path], list[str]]:
        """Download each file, verifying it: (paths downloaded, one error line per failure)."""
        return download_many(list(entries), progress, cancel)

    def install_pack(self, path: str | Path) -> list[Path]:
        """Verify a model pack (folder or .zip) and install its files; see `install_pack`."""
        return install_pack(path)

    @staticmethod
    def offline() -> bool:
        """True when downloads are switched off (JUDGEAPP_OFFLINE=1)."""
        return offline()

    @staticmethod
    def weights_folder() -> Path:
        """Where downloads and model packs put the pretrained files."""
        return weights_dir()

    @staticmethod
    def heads_folder() -> Path:
        """Where model packs put the trained heads."""
        return heads_dir()


def install_pack(pack_path: str | Path) -> list[Path]:
    """`judgeapp.weights.packs.install`, with each head's full load in one child process.

    The child starts only when the pack holds a head; it gets a path and sends back the model
    card's JSON or the error's type and message (plain data), so no PyTorch enters this
    process. Returns the files installed; a damaged pack raises one JudgeappError line and
    installs nothing.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=_CONTEXT) as pool:

        def validate(path: Path) -> ModelCard:
            kind, text = pool.submit(_validate_in_child, str(path)).result()
            if kind == "card":
                return ModelCard.from_json(text)
            raise _rebuild_error(kind, text)

        return packs.install(pack_path, validate=validate)


def _validate_in_child(path: str) -> tuple[str, str]:
    """In the child: ("card", the card's JSON) or (error type name, message)."""
    try:
        return "card", validate_head(path).to_json()
    except JudgeappError as exc:
        return type(exc).__name__, str(exc)
    except BaseException as exc:  # one line for the GUI, never a traceback
        return "JudgeappError", f"{path}: unexpected {type(exc).__name__}: {exc}"


def _rebuild_error(name: str, message: str) -> BaseException:
    """The child's exception as the same JudgeappError subclass (else a JudgeappError)."""
    kind = getattr(errors, name, None)
    if isinstance(kind, type) and issubclass(kind, JudgeappError):
        return kind(message)
    return JudgeappError(message)

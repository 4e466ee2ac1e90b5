"""Model files for the application: the pretrained weights, the trained heads, packs, folders.

The Models window shows and changes what this service reports, and imports nothing of
`judgeapp.weights` itself. Every call may read disks or the network, so the window runs them
as jobs (app.jobs); they take `progress` and `cancel` where they can stop half-way.

Installing a model pack checks each trained head by loading it completely, which needs
PyTorch: `install_pack` does those checks in a child process, so no PyTorch enters the GUI's
interpreter (importing it there holds the GIL for seconds). No Qt here.
"""

from __future__ import annotations

import importlib
import multiprocessing
import socket
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from judgeapp.core import errors
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.finders import finder
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.features.recipes import SPECS
from judgeapp.model import ModelCard
from judgeapp.weights import heads_dir, offline, packs, weights_dir
from judgeapp.weights.head_resolver import list_heads
from judgeapp.weights.heads import InstalledHead, validate_head
from judgeapp.weights.registry import FINDER_FILES, WeightsFile
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
    "OFFLINE_LINE",
    "NO_HASH",
    "PRESENT",
    "VERIFIED",
    "DownloadOutcome",
    "FileStatus",
    "InstalledHead",
    "ModelsLook",
    "ModelsService",
    "file_cells",
    "file_purpose",
    "files_to_download",
    "install_pack",
    "needed_files",
    "profile_words",
    "settings_profile",
    "settings_words",
]

# The weights module whose `download` fetches one file, looked up at call time (the package
# re-exports the function under the module's own name).
_DOWNLOADS = importlib.import_module("judgeapp.weights.download")

OFFLINE_LINE = (
    "No internet connection: the files could not be downloaded. Install a model pack from a "
    "file instead (Install from file…)."
)

# What each pretrained file is for, in a coach's words (the registry's own words, with the
# exact names, go to the details view). A file not listed here shows its registry description.
PURPOSES: dict[str, str] = {
    "s3d_kinetics400": "Video network: recognises movement (standard set)",
    "resnet50_imagenet1k_v2": "Picture network: sees the athlete's body position (standard set)",
    "resnet50_imagenet1k_v1": (
        "Picture network: sees the athlete's body position (original-study set)"
    ),
    "i3d_rgb_kinetics400": "Video network: recognises movement (original-study set)",
    "swin3d_b_kinetics600_22k": (
        "Video network: recognises movement (Video Swin set; slow without a graphics card)"
    ),
    "yolo": "Athlete finder: finds the athlete in each picture (YOLO)",
    "blazepose_detector": "Athlete finder: finds the athlete (pose model, part 1 of 2)",
    "blazepose_landmark_full": (
        "Athlete finder: follows the athlete's body (pose model, part 2 of 2)"
    ),
}

# The files each set of video networks needs (features.recipes.SPECS).
PROFILE_FILES: dict[str, tuple[str, ...]] = {name: s.weights for name, s in SPECS.items()}
DEFAULT_PROFILE = "torchvision"  # analysis.options.DEFAULT_PROFILE (a test keeps them equal)
PROFILE_WORDS: dict[str, str] = {name: s.words for name, s in SPECS.items()}
# The Models window's pretrained-files table; the last three columns are the details view.
FILE_COLUMNS = (
    "What it is for",
    "Needed now",
    "Size",
    "Status",
    "File name",
    "Registry name",
    "Folder",
)
FILE_DETAIL_COLUMNS = (4, 5, 6)


def profile_words(profile: str) -> str:
    """A set of video networks in plain words, with its exact name: "standard (torchvision)"."""
    words = PROFILE_WORDS.get(profile)
    return f"{words} ({profile})" if words else profile or "—"


def file_cells(status: FileStatus, needed: Iterable[str], folder: str) -> list[str]:
    """One row of the pretrained-files table (FILE_COLUMNS)."""
    entry = status.entry
    size = "?" if status.size_bytes is None else f"{status.size_bytes / 1e6:.1f} MB"
    return [
        file_purpose(entry),
        "yes" if entry.name in set(needed) else "no",
        size,
        status.text,
        entry.filename,
        entry.name,
        folder,
    ]


def settings_words(profile: str, detector: str, pretrained: bool) -> str:
    """What the settings use, in one sentence for the Models window."""
    words = finder(detector).short
    networks = (
        f"the {PROFILE_WORDS.get(profile, profile)} video networks"
        if pretrained
        else "untrained video networks (a demo: no files)"
    )
    return f"Your settings use {networks} and the {words} athlete finder."


def file_purpose(entry: WeightsFile) -> str:
    """What a pretrained file is for, in plain words."""
    return PURPOSES.get(entry.name, entry.description)


def settings_profile(profile: str, model: str, heads: Sequence[InstalledHead]) -> str:
    """The set of video networks an analysis with these settings uses: the setting's own, else
    the chosen scoring model's (`model` a path among `heads`), else the newest installed
    model's (`model` ""), else the default."""
    if profile:
        return profile
    if model == "":
        chosen = heads[0] if heads else None
    else:
        chosen = next((h for h in heads if _same_path(h.path, model)), None)
    return chosen.card.profile if chosen is not None and chosen.card.profile else DEFAULT_PROFILE


def _same_path(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    except (OSError, RuntimeError):
        return str(a) == str(b)


def needed_files(profile: str, detector: str = "auto", pretrained: bool = True) -> frozenset[str]:
    """The registry names an analysis needs: the video networks of `profile` (none when the
    networks are untrained, `pretrained` False) and the athlete finder's files ("auto" wants
    the pose model, the finder it prefers; "hog" and "none" need no file)."""
    names = list(PROFILE_FILES.get(profile, ())) if pretrained else []
    kind = "pose" if detector == "auto" else detector
    names += FINDER_FILES.get(kind, ())
    return frozenset(names)


def files_to_download(
    statuses: Iterable[FileStatus], needed: Iterable[str], selected: Iterable[str] = ()
) -> list[FileStatus]:
    """The missing or damaged files a download fetches: the selected ones when any are
    selected, else only the ones the settings need."""
    chosen = set(selected) or set(needed)
    return [s for s in statuses if s.entry.name in chosen and s.state in (MISSING, CORRUPT)]


@dataclass(frozen=True)
class DownloadOutcome:
    """What a download did: the files saved, one error line per file that failed (exact names:
    the details), and the registry names that failed because no source could be reached."""

    paths: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    switched_off: bool = False  # JUDGEAPP_OFFLINE=1: nothing was tried

    @property
    def offline(self) -> bool:
        """Nothing could be downloaded because there is no connection."""
        return not self.paths and (
            self.switched_off
            or (bool(self.unreachable) and len(self.unreachable) == len(self.errors))
        )

    @property
    def message(self) -> str:
        """One line for the window: what was saved, and what went wrong in plain words."""
        if self.offline:
            return OFFLINE_LINE
        parts = []
        if self.paths:
            parts.append(f"Downloaded {', '.join(p.name for p in self.paths)}.")
        failed = len(self.errors)
        if failed:
            word = "file" if failed == 1 else "files"
            cause = " (no connection to their website)" if self.unreachable else ""
            parts.append(
                f"{failed} {word} could not be downloaded{cause}: show details for why, or "
                "install a model pack from a file (Install from file…)."
            )
        return " ".join(parts)


_SWITCHED_OFF = "not found, and JUDGEAPP_OFFLINE=1 forbids downloading"


def _hosts(entry: WeightsFile) -> list[tuple[str, int]]:
    urls = [a.url for a in entry.archives] or [entry.url]
    hosts = []
    for url in urls:
        parts = urlsplit(url)
        if parts.hostname:
            hosts.append((parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)))
    return hosts


def _reachable(host: tuple[str, int], timeout_s: float = 5.0) -> bool:
    """Whether a connection to `host` opens (a name that does not resolve is unreachable)."""
    try:
        with socket.create_connection(host, timeout=timeout_s):
            return True
    except (OSError, ValueError):
        return False


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
        heads, problems = list_heads()
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
    ) -> DownloadOutcome:
        """Download each file, verifying it. A failure is looked at once more: when none of
        the file's sources can be reached it counts as "no connection", so a computer without
        internet gets one line, not one error per file. JUDGEAPP_OFFLINE=1 tries nothing."""
        if offline():
            names = [e.name for e in entries]
            return DownloadOutcome(
                errors=[str(_DOWNLOADS.missing_error(e, _SWITCHED_OFF)) for e in entries],
                unreachable=names,
                switched_off=True,
            )
        paths: list[Path] = []
        errors: list[str] = []
        unreachable: list[str] = []
        seen: dict[tuple[str, int], bool] = {}
        with _DOWNLOADS.sharing_archives():
            for entry in entries:
                cancel.raise_if_cancelled()
                try:
                    paths.append(_DOWNLOADS.download(entry, progress, cancel))
                except JudgeappError as exc:
                    if isinstance(exc, Cancelled):
                        raise
                    errors.append(str(exc))
                    hosts = _hosts(entry)
                    for host in hosts:
                        if host not in seen:
                            seen[host] = _reachable(host)
                    if hosts and not any(seen[h] for h in hosts):
                        unreachable.append(entry.name)
        return DownloadOutcome(paths, errors, unreachable)

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

"""What the Models window shows: its files and heads as rows, tooltips and progress words."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from judgeapp.core.progress import Progress
from judgeapp.weights.head_resolver import resolve_head
from judgeapp.weights.heads import InstalledHead, head_problem
from judgeapp.weights.status import MISSING, FileStatus

MODEL_COLUMNS = ("File", "Used for", "Size", "Status", "Folder")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def short_path(path: Path, home: Path | None = None) -> str:
    """`path` with the home folder written as ~ (the Models window's Folder column)."""
    home = Path.home() if home is None else home
    try:
        return str(Path("~") / path.relative_to(home))
    except ValueError:
        return str(path)


def model_file_cells(status: FileStatus) -> list[str]:
    """One row of the Models window: name, what it is for, size, state, the folder it is in
    (or belongs in; the tooltip gives the whole path)."""
    entry = status.entry
    return [
        entry.name,
        "; ".join(entry.used_by),
        "?" if status.size_bytes is None else _megabytes(status.size_bytes),
        status.text,
        short_path(status.path.parent),
    ]


def model_file_tooltip(status: FileStatus) -> str:
    """The details of one row: what the file is, where it comes from, what is wrong with it."""
    entry = status.entry
    where = "belongs at" if status.state == MISSING else "found at"
    lines = [
        entry.description,
        f"file: {entry.filename}, {where} {status.path}",
        f"source: {entry.url}",
        f"expected SHA-256: {entry.expected_hash_text()}",
        f"licence: {entry.license}",
    ]
    if status.problem:
        lines.append(f"problem: {status.problem}")
    return "\n".join(lines)


HEAD_COLUMNS = ("Head", "Routine", "Target", "Profile", "Trained on", "Test Spearman", "Use")
CHOSEN = "chosen"
NEWEST = "newest (default)"
CANNOT_SCORE = "cannot score"


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    except (OSError, RuntimeError):
        return str(a) == str(b)


def head_uses(heads: Sequence[InstalledHead], model: str, profile: str) -> list[str]:
    """The Use column: "chosen" for the head the settings' `model` names; when `model` is ""
    (the installed head), "newest (default)" for the one an analysis picks
    (`weights.head_resolver.resolve_head` over these `heads`, newest first, for the settings'
    `profile`, "" = any); "cannot score" for a head that never could (copied in by hand with
    other feature sizes: its tooltip says why), unless the settings name it."""
    if model == "":
        default = resolve_head(model, profile, heads).path
        uses = [NEWEST if h.path == default else "" for h in heads]
    elif model == "random":
        uses = ["" for _ in heads]
    else:
        uses = [CHOSEN if _same_file(h.path, model) else "" for h in heads]
    return [
        CANNOT_SCORE if not use and head_problem(h.card) else use
        for h, use in zip(heads, uses, strict=True)
    ]


def head_cells(head: InstalledHead, use: str = "") -> list[str]:
    """One row of the Models window's Trained heads table."""
    card = head.card
    if card.trained:
        trained_on = " ".join(card.trained_on.split()) or "—"
    else:
        trained_on = "untrained"
    spearman = "—" if card.test_spearman is None else f"{card.test_spearman:.3f}"
    return [card.name, card.routine, card.target, card.profile, trained_on, spearman, use]


def head_tooltip(head: InstalledHead) -> str:
    """The details of a head's row: file, training, score range, when it was made."""
    card = head.card

    def score(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    backbones = {True: "pretrained", False: "random", None: "unknown"}[card.backbones_pretrained]
    return "\n".join(
        [
            f"file: {head.path}",
            f"{card.routine}, {card.target} score of {card.score_max:g}, "
            f"'{card.profile}' features ({backbones} backbones)",
            f"trained on: {card.trained_on or ('nothing' if not card.trained else '—')}",
            f"validation Spearman {score(card.val_spearman)}, "
            f"test Spearman {score(card.test_spearman)}",
            f"created {card.created}",
            *([f"cannot score videos: {problem}"] if (problem := head_problem(card)) else []),
        ]
    )


def pack_installed_text(paths: Sequence[Path], weights_folder: Path, heads_folder: Path) -> str:
    """What the Models window says after a model pack was installed."""
    heads = [p for p in paths if p.parent == heads_folder]
    files = [p for p in paths if p.parent != heads_folder]
    parts = []
    if files:
        word = "file" if len(files) == 1 else "files"
        names = ", ".join(p.name for p in files)
        parts.append(f"{len(files)} {word} ({names}) in {short_path(weights_folder)}")
    if heads:
        word = "trained head" if len(heads) == 1 else "trained heads"
        names = ", ".join(p.name for p in heads)
        parts.append(f"{len(heads)} {word} ({names}) in {short_path(heads_folder)}")
    return f"Model pack installed: {'; '.join(parts) or 'nothing new'}."


def models_progress_text(progress: Progress) -> str:
    """The Models window's progress words: bytes for a download, files for a check."""
    stage = progress.stage[:1].upper() + progress.stage[1:]
    if progress.stage.startswith("download"):
        total = f" / {_megabytes(progress.total)}" if progress.total > 0 else ""
        return f"{stage}: {_megabytes(progress.done)}{total}"
    count = f" ({progress.done + 1} / {progress.total})" if progress.total > 1 else ""
    return f"{stage}{count}"

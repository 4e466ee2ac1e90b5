"""Panel scores into the library in bulk: read a score file, match its rows to library videos,
preview what would change, then write it all in one transaction (undoable). No Qt.

A score file is either
- a CSV with a header row naming its columns (any order, any case): `name` (the video's file
  name, with or without extension) and/or `sha256` (its content hash), `total`, and optionally
  `difficulty`, `execution`, `routine`, `athlete`;
- the authors' label layout (`Video_Name Difficulty_Score Execution_Score Total_Score Penalty
  Video_length`, whitespace-separated; the routine is the name's prefix, `Ball_001` -> ball);
- a feature folder exported from the library (its `scores.csv`, whose sha256 column matches
  rows by content hash, or `labels.txt` in the label layout beside a `manifest.json` that
  records each video's content hash).

A row matches a library video by content hash when it gives one (or the exported folder's
manifest does, or `videos_dir` holds a file of that name, which is hashed), else by file name.
Every problem (unknown or ambiguous names, a video listed twice, a score that is not a number or
outside its range) is one line naming the file and the line; with any problem nothing is written.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.marks import PanelScore
from judgeapp.core.text_safety import csv_text
from judgeapp.features.feature_folder import read_manifest
from judgeapp.store.library import Library, PanelEntry, VideoRow
from judgeapp.training.labels import (
    RG_COLUMNS,
    TARGET_SCORE_MAX,
    is_rg_file,
    read_text,
    routine_of,
)

EXPORT_LABELS = ("scores.csv", "labels.txt")  # training.library_set writes both
NAME_COLUMNS = ("name", "video", "file", "video_name")
HASH_COLUMNS = ("sha256", "hash", "content_hash")
SCORE_COLUMNS = ("total", "difficulty", "execution")
# Shown in full under the preview; the rest counted.
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class ScoreRow:
    """One row of a score file, as read (scores checked later, with the others)."""

    line: int
    name: str
    sha256: str
    scores: dict[str, str]  # target -> the text in the file ("" when absent)
    routine: str = ""
    athlete: str = ""


@dataclass(frozen=True)
class PreviewRow:
    """What one matched row would do to its video."""

    line: int
    name: str
    sha256: str
    video_name: str
    matched_by: str  # "hash" or "name"
    before: PanelEntry | None
    after: PanelEntry

    @property
    def change(self) -> str:
        """'new' (no score yet), 'changed' or 'same' (nothing to write)."""
        if self.before is None:
            return "new"
        return "same" if self.before == self.after else "changed"


@dataclass(frozen=True)
class ImportPreview:
    """The whole import before anything is written: matched rows, rows that match no video,
    and every problem (one line each). `can_apply` only without problems."""

    source: str
    rows: tuple[PreviewRow, ...]
    unmatched: tuple[ScoreRow, ...]
    problems: tuple[str, ...]
    unscored_videos: int = 0  # library videos this file gives no score to

    @property
    def can_apply(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def changes(self) -> dict[str, PanelEntry]:
        """The entries to write (rows whose video would change)."""
        return {r.sha256: r.after for r in self.rows if r.change != "same"}

    def counts(self) -> dict[str, int]:
        kinds = [r.change for r in self.rows]
        return {
            "new": kinds.count("new"),
            "changed": kinds.count("changed"),
            "same": kinds.count("same"),
            "unmatched": len(self.unmatched),
            "problems": len(self.problems),
        }

    def summary(self) -> str:
        c = self.counts()
        text = (
            f"{len(self.rows)} rows match library videos: {c['new']} new, {c['changed']} "
            f"changed, {c['same']} unchanged; {c['unmatched']} match no video"
        )
        if self.problems:
            count = len(self.problems)
            text += f"; {count} problem{'s' if count != 1 else ''}: nothing will be written"
        return text

    def problem_text(self) -> str:
        shown = list(self.problems[:SHOWN_PROBLEMS])
        if len(self.problems) > SHOWN_PROBLEMS:
            shown.append(f"... and {len(self.problems) - SHOWN_PROBLEMS} more problems")
        return "\n".join(shown)


# ----------------------------------------------------------------------------- reading files


def _csv_rows(text: str, path: Path) -> list[ScoreRow]:
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise JudgeappError(f"{path}: not a CSV file ({exc})") from None
    header_at = next((i for i, r in enumerate(table) if any(f.strip() for f in r)), None)
    if header_at is None:
        raise JudgeappError(f"{path}: the file is empty")
    header = [f.strip().lower() for f in table[header_at]]
    column = {}
    for wanted in (NAME_COLUMNS, HASH_COLUMNS, SCORE_COLUMNS, ("routine",), ("athlete",)):
        for name in wanted:
            if name in header:
                column[wanted[0] if wanted is not SCORE_COLUMNS else name] = header.index(name)
    if "total" not in column:
        raise JudgeappError(
            f"{path}: line {header_at + 1}: no 'total' column (the header must name the "
            "columns: name or sha256, total, and optionally difficulty, execution, routine, "
            "athlete)"
        )
    if "name" not in column and "sha256" not in column:
        raise JudgeappError(f"{path}: line {header_at + 1}: no 'name' or 'sha256' column")

    def cell(fields: list[str], key: str) -> str:
        index = column.get(key)
        return fields[index].strip() if index is not None and index < len(fields) else ""

    rows = []
    for number, fields in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(f.strip() for f in fields):
            continue
        rows.append(
            ScoreRow(
                line=number,
                name=csv_text(cell(fields, "name")),
                sha256=cell(fields, "sha256").lower(),
                scores={t: cell(fields, t) for t in SCORE_COLUMNS},
                routine=cell(fields, "routine").lower(),
                athlete=csv_text(cell(fields, "athlete")),
            )
        )
    return rows


def _rg_rows(text: str, path: Path, hashes: dict[str, str]) -> list[ScoreRow]:
    lines = text.splitlines()
    if tuple(lines[0].split()) != RG_COLUMNS:
        raise JudgeappError(f"{path}: line 1: expected the header {' '.join(RG_COLUMNS)}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split()
        if not fields:
            continue
        values = (fields + [""] * 4)[1:4]
        rows.append(
            ScoreRow(
                line=number,
                name=fields[0],
                sha256=hashes.get(fields[0], ""),
                scores=dict(zip(("difficulty", "execution", "total"), values, strict=True)),
                routine=routine_of(fields[0]),
            )
        )
    return rows


def read_score_file(path: str | Path) -> tuple[Path, list[ScoreRow]]:
    """The rows of a score file (or of an exported feature folder's label file); the path
    problems are reported against."""
    path = Path(path)
    hashes: dict[str, str] = {}
    if path.is_dir():
        manifest = read_manifest(path) or {}
        videos = manifest.get("videos", {})
        hashes = {n: str(v.get("sha256", "")) for n, v in videos.items() if isinstance(v, dict)}
        path = next(
            (path / n for n in EXPORT_LABELS if (path / n).is_file()), path / EXPORT_LABELS[0]
        )
    text = read_text(path, "score file")
    if not text.strip():
        raise JudgeappError(f"{path}: the file is empty")
    if is_rg_file(text):
        return path, _rg_rows(text, path, hashes)
    return path, _csv_rows(text, path)


# ----------------------------------------------------------------------------- matching


def _score(text: str, target: str, where: str, problems: list[str]) -> float | None:
    """A checked score, or None (absent, or a problem recorded)."""
    if not text:
        if target == "total":
            problems.append(f"{where}: no total score")
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{where}: {target} {text!r} is not a number")
        return None
    if not math.isfinite(value):
        problems.append(f"{where}: {target} {text!r} is not a finite number")
        return None
    top = TARGET_SCORE_MAX[target]
    if not 0.0 <= value <= top:
        problems.append(f"{where}: {target} {value:g} is outside [0, {top:g}]")
        return None
    return value


class _Matcher:
    """Library videos by content hash and by file name (with and without extension)."""

    def __init__(self, videos: list[VideoRow], videos_dir: Path | None, hash_file) -> None:
        self.by_hash = {v.sha256: v for v in videos}
        self.by_name: dict[str, list[VideoRow]] = {}
        for video in videos:
            for key in {video.name, PurePath(video.name).stem}:
                self.by_name.setdefault(key, []).append(video)
        self.videos_dir = videos_dir
        self.hash_file = hash_file

    def _folder_file(self, name: str) -> Path | None:
        if self.videos_dir is None or not name:
            return None
        direct = self.videos_dir / name
        if direct.is_file():
            return direct
        found = sorted(p for p in self.videos_dir.glob(f"{name}.*") if p.is_file())
        return found[0] if len(found) == 1 else None

    def match(self, row: ScoreRow, where: str, problems: list[str]) -> tuple[VideoRow, str] | None:
        if row.sha256:
            found = self.by_hash.get(row.sha256)
            if found is None:
                problems.append(f"{where}: no library video has content hash {row.sha256[:16]}")
            return None if found is None else (found, "hash")
        file = self._folder_file(row.name)
        if file is not None:
            found = self.by_hash.get(self.hash_file(file))
            if found is not None:
                return found, "hash"
        candidates = self.by_name.get(row.name, [])
        if len(candidates) == 1:
            return candidates[0], "name"
        if not candidates:
            problems.append(f"{where}: video {row.name!r} is not in the library")
        else:
            problems.append(
                f"{where}: {len(candidates)} library videos are named {row.name!r}; give its "
                "sha256 (content hash) column to say which"
            )
        return None


def preview_import(
    library: Library,
    path: str | Path,
    videos_dir: str | Path | None = None,
    hash_file: Callable[[Path], str] = sha256_file,
) -> ImportPreview:
    """Read and check a score file and match it to `library`'s videos; writes nothing."""
    source, rows = read_score_file(path)
    matcher = _Matcher(library.videos(), Path(videos_dir) if videos_dir else None, hash_file)
    problems: list[str] = []
    matched: list[PreviewRow] = []
    unmatched: list[ScoreRow] = []
    first_line: dict[str, int] = {}
    for row in rows:
        where = f"{source}: line {row.line}"
        before_count = len(problems)
        scores = {t: _score(row.scores.get(t, ""), t, where, problems) for t in SCORE_COLUMNS}
        found = matcher.match(row, where, problems)
        if found is None:
            unmatched.append(row)
            continue
        video, how = found
        if video.sha256 in first_line:
            problems.append(
                f"{where}: video {video.name!r} is listed twice (first on line "
                f"{first_line[video.sha256]})"
            )
            continue
        first_line[video.sha256] = row.line
        if len(problems) > before_count or scores["total"] is None:
            continue
        before = library.panel_entry(video.sha256)
        panel = PanelScore(scores["total"], scores["difficulty"], scores["execution"])
        routine = row.routine or (before.routine if before else "")
        athlete = row.athlete or (before.athlete if before else "")
        after = PanelEntry(panel, routine, athlete)
        matched.append(
            PreviewRow(
                row.line, row.name or video.name, video.sha256, video.name, how, before, after
            )
        )
    if not rows:
        problems.append(f"{source}: no score rows")
    unscored = len(matcher.by_hash) - len(first_line)
    return ImportPreview(str(source), tuple(matched), tuple(unmatched), tuple(problems), unscored)


def apply_import(library: Library, preview: ImportPreview) -> int:
    """Write a checked preview in one transaction; return the import's id (for undo).

    Refuses (JudgeappError, every problem on its own line) a preview with problems."""
    if preview.problems:
        raise JudgeappError(preview.problem_text())
    if not preview.changes:
        raise JudgeappError(f"{preview.source}: nothing to import (every score is already there)")
    return library.import_panel_entries(preview.source, preview.changes)


def undo_last_import(library: Library) -> tuple[int, int]:
    """Undo the newest import not undone yet: (its id, videos changed)."""
    pending = [i for i in library.score_imports() if not i.undone]
    if not pending:
        raise JudgeappError(f"{library.path}: no score import to undo")
    return pending[0].id, library.undo_score_import(pending[0].id)


@dataclass
class ImportScores:
    """The import as an undoable command for the GUI's UndoStack (store.undo.Command)."""

    preview: ImportPreview
    import_id: int | None = None
    undone: bool = False
    label: str = field(init=False)

    def __post_init__(self) -> None:
        self.label = f"Import {len(self.preview.changes)} panel scores"

    def redo(self, library: Library) -> None:
        if self.import_id is None:
            self.import_id = apply_import(library, self.preview)
        else:
            library.redo_score_import(self.import_id)

    def undo(self, library: Library) -> None:
        assert self.import_id is not None
        library.undo_score_import(self.import_id)


def preview_table(preview: ImportPreview) -> list[list[str]]:
    """The preview's rows as text cells: line, name, video, matched by, before, after, change."""

    def text(entry: PanelEntry | None) -> str:
        if entry is None:
            return "—"
        p = entry.panel
        parts = [f"T {p.total:g}"]
        if p.difficulty is not None:
            parts.insert(0, f"D {p.difficulty:g}")
        if p.execution is not None:
            parts.insert(-1, f"E {p.execution:g}")
        extra = " · ".join(x for x in (entry.routine, entry.athlete) if x)
        return " ".join(parts) + (f" ({extra})" if extra else "")

    cells = [
        [str(r.line), r.name, r.video_name, r.matched_by, text(r.before), text(r.after), r.change]
        for r in preview.rows
    ]
    cells += [
        [str(r.line), r.name or r.sha256[:16], "—", "no match", "—", "—", "—"]
        for r in preview.unmatched
    ]
    return cells


class ScoreImportService:
    """The import dialog's access: a preview job (its own connection: it runs in a job thread
    and may hash files), applying on the owner's thread, and undo/redo of imports. No Qt.

    library: the owner thread's Library (LibraryService.library)."""

    def __init__(self, library: Library) -> None:
        from judgeapp.store.undo import UndoStack

        self.library = library
        self.undo_stack = UndoStack(library)

    def preview_job(self, path: str | Path, videos_dir: str | Path | None = None):
        """A job function whose value is the ImportPreview (nothing is written)."""
        library_path = self.library.path

        def job(_progress, _cancel) -> ImportPreview:
            with Library.open(library_path) as own:
                return preview_import(own, path, videos_dir or None)

        return job

    def apply(self, preview: ImportPreview) -> int:
        """Write the preview (one transaction) as an undoable step; the number of videos."""
        self.undo_stack.push(ImportScores(preview))
        return len(preview.changes)

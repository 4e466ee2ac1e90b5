"""The library: every analysed video, its results, the judges' marks and the panel's scores.

One SQLite file in the user's data folder. WAL journal and `synchronous=FULL`: every write
commits in its own transaction and is on disk when the call returns, so killing the process at
any moment loses nothing a call had already reported as saved.

A Library object belongs to the thread that opened it (SQLite's default); open another one per
thread if needed — WAL lets readers and one writer work at the same time.

A library on a read-only disk (or in a folder this user cannot write) opens read-only: reports
and lists work, saving says why it cannot. A damaged database gives one-line errors that name
the file, never a bare sqlite3 exception.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath

from judgeapp.core.drawing import Drawing, check_drawing, drawing_from_json, drawing_to_json
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark, PanelScore, check_mark_fields, now_iso
from judgeapp.core.paths import data_dir
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.store.schema import SCHEMA_VERSION, current_version, migrate

LIBRARY_FILE = "library.sqlite3"
_BUSY_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class AnalysisRow:
    """One line of the library's list of analyses (what the library window shows)."""

    id: int
    video_sha256: str
    video_name: str
    video_path: str
    duration_s: float
    model_name: str
    routine: str
    target: str
    calibrated: bool
    score: float
    score_max: float
    panel_total: float | None
    marks: int
    created: str

    @property
    def difference(self) -> float | None:
        """Predicted minus panel total, when the panel's total is known."""
        return None if self.panel_total is None else self.score - self.panel_total


@dataclass(frozen=True)
class PanelEntry:
    """A panel score with the routine the video is and the athlete it shows ("" unknown)."""

    panel: PanelScore
    routine: str = ""
    athlete: str = ""

    def to_dict(self) -> dict:
        return {**asdict(self.panel), "routine": self.routine, "athlete": self.athlete}

    @classmethod
    def from_dict(cls, data: dict) -> PanelEntry:
        panel = PanelScore(data["total"], data.get("difficulty"), data.get("execution"))
        return cls(panel, data.get("routine", ""), data.get("athlete", ""))


@dataclass(frozen=True)
class VideoRow:
    """A known video: its content hash, file name and last known path."""

    sha256: str
    name: str
    path: str


@dataclass(frozen=True)
class ScoredVideo:
    """A video with a panel score (what a training set from the library is made of)."""

    sha256: str
    name: str
    path: str
    entry: PanelEntry
    updated: str
    analysis_routine: str = ""
    analysis_profile: str = ""

    @property
    def routine(self) -> str:
        """The routine the panel entry names, else the one its newest analysis used."""
        return self.entry.routine or self.analysis_routine


@dataclass(frozen=True)
class ScoreImport:
    """One logged bulk import of panel scores."""

    id: int
    source: str
    created: str
    videos: int
    undone: bool


@dataclass(frozen=True)
class ComparisonRecord:
    """A saved comparison of two routines: each video's content hash and last known path,
    the sync points (seconds, each in its own video's time), the overlay settings and a name.
    `id` is None until the library has saved it."""

    name: str
    video_a_sha256: str
    video_a_path: str
    video_b_sha256: str
    video_b_path: str
    sync_a_s: float = 0.0
    sync_b_s: float = 0.0
    overlay_enabled: bool = False
    opacity: float = 0.5
    offset_x: float = 0.0
    scale: float = 1.0
    id: int | None = None
    created: str = ""
    updated: str = ""


# Sort keys of list_analyses and the SQL expressions they order by (ties: newest first).
SORT_KEYS = {
    "date": "a.id",
    "name": "v.name COLLATE NOCASE",
    "score": "a.score",
    "panel": "p.total",
    "difference": "(a.score - p.total)",
    "marks": "marks",
    "model": "a.model_name COLLATE NOCASE",
}


# Judges' marks and notes are the user's own: a new library and a folder made for it are
# private (SQLite gives its -wal and -shm files the database's permissions).
LIBRARY_FOLDER_MODE = 0o700
LIBRARY_FILE_MODE = 0o600


def _create_private(path: Path) -> None:
    """Make the library's folder (0700, where it is missing; folders above it as mkdir -p
    would) and an empty library file (0600, where there is none: SQLite takes an empty file
    as a new database). An existing folder or library keeps its permissions."""
    path.parent.mkdir(mode=LIBRARY_FOLDER_MODE, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, LIBRARY_FILE_MODE)
    except FileExistsError:
        return  # there already, or another process made it a moment ago
    os.close(fd)


def default_library_path() -> Path:
    """Where the library lives: `data_dir()/library.sqlite3`."""
    return data_dir() / LIBRARY_FILE


def _named_errors(cls: type) -> type:
    """Wrap every public method so that a damaged database is a JudgeappError naming it."""

    def wrap(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except sqlite3.DatabaseError as exc:
                raise JudgeappError(
                    f"{self.path}: the library cannot be read ({exc}); it may be damaged: "
                    "keep a copy and check it with `sqlite3 FILE 'PRAGMA integrity_check'`"
                ) from None

        return wrapper

    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and not name.startswith("_"):
            setattr(cls, name, wrap(member))
    return cls


class _LockedAtOpen(Exception):
    """Opening met a lock SQLite reports at once instead of waiting for."""


@_named_errors
class Library:
    """The SQLite library. Create with `Library.open(path)`; close with `close()` or `with`.

    read_only: why it cannot be written ("" when it can).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: str = "") -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only

    # ----------------------------------------------------------------- opening and closing

    @classmethod
    def open(cls, path: str | Path | None = None) -> Library:
        """Open (creating and migrating where needed) the library at `path` or the default.

        An existing library that cannot be written (read-only disk, folder not writable) is
        opened read-only; one that does not exist there cannot be created (JudgeappError).
        """
        path = Path(path) if path is not None else default_library_path()
        why = _read_only_reason(path)
        if why and path.is_file():
            return cls._open_read_only(path, why)
        deadline_s = time.monotonic() + _BUSY_TIMEOUT_S
        while True:
            try:
                return cls(cls._connect_and_migrate(path), path)
            except _LockedAtOpen as exc:
                # Setting WAL and the first migration take locks for which SQLite does not
                # wait (it reports "locked" at once to avoid a deadlock): a new library that
                # several processes create together needs a retry, not an error.
                if time.monotonic() > deadline_s:
                    raise JudgeappError(f"{path}: cannot open the library ({exc})") from None
                time.sleep(0.02 + 0.08 * random.random())

    @staticmethod
    def _connect_and_migrate(path: Path) -> sqlite3.Connection:
        """One attempt at connecting, setting WAL and migrating; _LockedAtOpen if another
        process holds a lock SQLite would not wait for."""
        try:
            _create_private(path)
            conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise JudgeappError(f"{path}: cannot open the library ({_reason(exc)})") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"WAL journal not available (got {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn, str(path))
        except sqlite3.OperationalError as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise _LockedAtOpen(str(exc)) from None
            raise JudgeappError(f"{path}: cannot open the library ({exc})") from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise JudgeappError(f"{path}: not a usable judgeapp library ({exc})") from None
        except BaseException:
            conn.close()
            raise
        return conn

    @classmethod
    def _open_read_only(cls, path: Path, why: str) -> Library:
        """Open an existing library for reading only. On a read-only disk nothing can change
        it, so SQLite may treat it as immutable (no -shm/-wal files are needed)."""
        immutable = "&immutable=1" if _on_read_only_disk(path) else ""
        uri = f"{path.resolve().as_uri()}?mode=ro{immutable}"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
            version = current_version(conn, create=False)
        except sqlite3.DatabaseError as exc:
            raise JudgeappError(f"{path}: cannot read the library ({why}; {exc})") from None
        if version != SCHEMA_VERSION:
            conn.close()
            raise JudgeappError(
                f"{path}: the library (schema {version}) needs an upgrade to schema "
                f"{SCHEMA_VERSION}, but it is {why}"
            )
        return cls(conn, path, read_only=why)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One durable write transaction; SQLite errors become one-line JudgeappErrors."""
        if self.read_only:
            raise JudgeappError(f"{self.path}: cannot write the library ({self.read_only})")
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise JudgeappError(f"{self.path}: cannot write the library ({exc})") from None
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise JudgeappError(f"{self.path}: cannot write the library ({exc})") from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def integrity_check(self) -> str:
        """SQLite's `PRAGMA integrity_check`: "ok" for a sound database."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    # ------------------------------------------------------------------------------ videos

    def remember_video(self, info: VideoInfo) -> None:
        """Record (or refresh the path and geometry of) a video, keyed by its content hash."""
        if not info.sha256:
            raise JudgeappError(f"{info.path}: cannot store a video without its content hash")
        stamp = now_iso()
        with self._write() as conn:
            self._upsert_video(conn, info, stamp)

    @staticmethod
    def _upsert_video(conn: sqlite3.Connection, info: VideoInfo, stamp: str) -> None:
        size_bytes, mtime_ns = _file_stamp(info.path)
        conn.execute(
            """INSERT INTO videos (sha256, path, name, duration_s, fps, frames, width, height,
                                   size_bytes, mtime_ns, added, seen)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(sha256) DO UPDATE SET
                   path = excluded.path, name = excluded.name, duration_s = excluded.duration_s,
                   fps = excluded.fps, frames = excluded.frames, width = excluded.width,
                   height = excluded.height, seen = excluded.seen,
                   size_bytes = COALESCE(excluded.size_bytes, size_bytes),
                   mtime_ns = COALESCE(excluded.mtime_ns, mtime_ns)""",
            (
                info.sha256,
                info.path,
                PurePath(info.path).name,
                info.duration_s,
                info.fps,
                info.frames,
                info.width,
                info.height,
                size_bytes,
                mtime_ns,
                stamp,
                stamp,
            ),
        )

    def find_video(self, path: str | Path) -> VideoInfo | None:
        """The stored video this file most likely is, without reading its content.

        Matches the file's name, size and modification time against what the library saw;
        callers that must be sure compare the content hash afterwards. The returned facts
        carry `path` as given.
        """
        size_bytes, mtime_ns = _file_stamp(path)
        if size_bytes is None:
            return None
        rows = self._conn.execute(
            "SELECT sha256, duration_s, fps, frames, width, height FROM videos"
            " WHERE size_bytes = ? AND mtime_ns = ? AND name = ?",
            (size_bytes, mtime_ns, PurePath(path).name),
        ).fetchall()
        if len(rows) != 1:
            return None
        sha, duration_s, fps, frames, width, height = rows[0]
        return VideoInfo(str(path), sha, duration_s, fps, frames, width, height)

    def video(self, sha256: str) -> VideoInfo | None:
        """The stored facts of a video (its last known path), or None if it is unknown."""
        row = self._conn.execute(
            "SELECT path, sha256, duration_s, fps, frames, width, height FROM videos"
            " WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        return None if row is None else VideoInfo(*row)

    # ---------------------------------------------------------------------------- analyses

    def save_analysis(self, result: AnalysisResult) -> int:
        """Store a result (and its video); return the new analysis id."""
        if not result.video.sha256:
            raise JudgeappError(f"{result.video.path}: the result lacks the video's content hash")
        stamp = now_iso()
        model = result.model
        with self._write() as conn:
            self._upsert_video(conn, result.video, stamp)
            cursor = conn.execute(
                """INSERT INTO analyses (video_sha256, model_name, routine, target, profile,
                       calibrated, score, score_max, model_json, result_json, created)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    result.video.sha256,
                    model.name,
                    model.routine,
                    model.target,
                    model.profile,
                    int(model.calibrated),
                    float(result.score),
                    float(model.score_max),
                    json.dumps(asdict(model)),
                    json.dumps(result.to_dict()),
                    stamp,
                ),
            )
            return int(cursor.lastrowid)

    def analysis(self, analysis_id: int) -> AnalysisResult | None:
        """The stored result with this id, or None."""
        row = self._conn.execute(
            "SELECT result_json FROM analyses WHERE id = ?", (analysis_id,)
        ).fetchone()
        return None if row is None else self._result(row[0], analysis_id)

    def latest_analysis(self, sha256: str, model_name: str | None = None) -> AnalysisResult | None:
        """The newest stored result for a video (optionally by one model), or None."""
        sql = "SELECT id, result_json FROM analyses WHERE video_sha256 = ?"
        args: tuple = (sha256,)
        if model_name is not None:
            sql += " AND model_name = ?"
            args += (model_name,)
        row = self._conn.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return None if row is None else self._result(row[1], row[0])

    def _result(self, text: str, analysis_id: int) -> AnalysisResult:
        try:
            return AnalysisResult.from_dict(json.loads(text))
        except (ValueError, KeyError, TypeError) as exc:
            raise JudgeappError(
                f"{self.path}: stored analysis {analysis_id} is unreadable ({exc})"
            ) from None

    def delete_analysis(self, analysis_id: int) -> None:
        """Remove one stored result (the video, its marks and panel score stay)."""
        with self._write() as conn:
            conn.execute("DELETE FROM analyses WHERE id = ?", (analysis_id,))

    def list_analyses(
        self, search: str = "", sort: str = "-date", latest_only: bool = True
    ) -> list[AnalysisRow]:
        """Analyses whose video name, path, model or routine contains `search` (any case).

        `sort` is one of SORT_KEYS, "-" in front for descending (e.g. "-score"); rows without
        a value for the key (no panel score) come last. `latest_only` keeps the newest analysis
        of each video.
        """
        descending = sort.startswith("-")
        key = sort.lstrip("-+")
        if key not in SORT_KEYS:
            raise JudgeappError(f"unknown sort key {key!r}; use one of {', '.join(SORT_KEYS)}")
        order = SORT_KEYS[key]
        direction = "DESC" if descending else "ASC"
        where = ["1 = 1"]
        args: list[object] = []
        if search.strip():
            pattern = "%" + _escape_like(search.strip()) + "%"
            where.append(
                "(v.name LIKE ? ESCAPE '\\' OR v.path LIKE ? ESCAPE '\\'"
                " OR a.model_name LIKE ? ESCAPE '\\' OR a.routine LIKE ? ESCAPE '\\')"
            )
            args += [pattern] * 4
        if latest_only:
            where.append(
                "a.id = (SELECT MAX(b.id) FROM analyses b WHERE b.video_sha256 = a.video_sha256)"
            )
        sql = f"""
            SELECT a.id, a.video_sha256, v.name, v.path, v.duration_s, a.model_name, a.routine,
                   a.target, a.calibrated, a.score, a.score_max, p.total,
                   (SELECT COUNT(*) FROM marks m WHERE m.video_sha256 = a.video_sha256) AS marks,
                   a.created
            FROM analyses a
            JOIN videos v ON v.sha256 = a.video_sha256
            LEFT JOIN panel_scores p ON p.video_sha256 = a.video_sha256
            WHERE {" AND ".join(where)}
            ORDER BY ({order}) IS NULL, {order} {direction}, a.id DESC"""
        return [
            AnalysisRow(
                id=r[0],
                video_sha256=r[1],
                video_name=r[2],
                video_path=r[3],
                duration_s=r[4],
                model_name=r[5],
                routine=r[6],
                target=r[7],
                calibrated=bool(r[8]),
                score=r[9],
                score_max=r[10],
                panel_total=r[11],
                marks=r[12],
                created=r[13],
            )
            for r in self._conn.execute(sql, args)
        ]

    # ------------------------------------------------------------------------------- marks

    def add_mark(
        self,
        video_sha256: str,
        time_s: float,
        kind: str,
        text: str,
        deduction: float | None = None,
        drawing: Drawing = (),
    ) -> Mark:
        """Save a new mark (with the shapes drawn on its frame); it is durable when this
        returns. The video must be known."""
        check_mark_fields(time_s, kind, text, deduction)
        drawing = check_drawing(drawing)
        stamp = now_iso()
        with self._write() as conn:
            self._require_video(conn, video_sha256)
            cursor = conn.execute(
                """INSERT INTO marks (video_sha256, time_s, kind, text, deduction, created,
                                      updated, drawing) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    video_sha256,
                    float(time_s),
                    kind,
                    text,
                    _opt_float(deduction),
                    stamp,
                    stamp,
                    drawing_to_json(drawing),
                ),
            )
            mark_id = int(cursor.lastrowid)
        return Mark(
            mark_id, video_sha256, float(time_s), kind, text, deduction, stamp, stamp, drawing
        )

    def restore_mark(self, mark: Mark) -> Mark:
        """Put back a deleted mark with its original id and dates (undo of a delete)."""
        with self._write() as conn:
            self._require_video(conn, mark.video_sha256)
            try:
                conn.execute(
                    """INSERT INTO marks (id, video_sha256, time_s, kind, text, deduction,
                                          created, updated, drawing)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        mark.id,
                        mark.video_sha256,
                        float(mark.time_s),
                        mark.kind,
                        mark.text,
                        _opt_float(mark.deduction),
                        mark.created or now_iso(),
                        mark.updated or now_iso(),
                        drawing_to_json(mark.drawing),
                    ),
                )
            except sqlite3.IntegrityError:
                raise JudgeappError(f"mark {mark.id} already exists; cannot restore it") from None
        return self.mark(mark.id) or mark

    def update_mark(self, mark: Mark) -> Mark:
        """Save new time, kind, text, deduction and drawing for an existing mark; return it
        as saved."""
        check_mark_fields(mark.time_s, mark.kind, mark.text, mark.deduction)
        stamp = now_iso()
        with self._write() as conn:
            cursor = conn.execute(
                """UPDATE marks SET time_s = ?, kind = ?, text = ?, deduction = ?, updated = ?,
                   drawing = ? WHERE id = ?""",
                (
                    float(mark.time_s),
                    mark.kind,
                    mark.text,
                    _opt_float(mark.deduction),
                    stamp,
                    drawing_to_json(mark.drawing),
                    mark.id,
                ),
            )
            if cursor.rowcount != 1:
                raise JudgeappError(f"mark {mark.id} does not exist (deleted?)")
        saved = self.mark(mark.id)
        assert saved is not None
        return saved

    def delete_mark(self, mark_id: int) -> Mark:
        """Delete a mark; return it as it was (so it can be restored)."""
        with self._write() as conn:
            old = self._mark_row(conn, mark_id)
            if old is None:
                raise JudgeappError(f"mark {mark_id} does not exist (already deleted?)")
            conn.execute("DELETE FROM marks WHERE id = ?", (mark_id,))
        return old

    def mark(self, mark_id: int) -> Mark | None:
        """One mark by id, or None."""
        return self._mark_row(self._conn, mark_id)

    def marks_for(self, video_sha256: str) -> list[Mark]:
        """All marks of a video in time order."""
        rows = self._conn.execute(
            f"SELECT {_MARK_COLUMNS} FROM marks WHERE video_sha256 = ? ORDER BY time_s, id",
            (video_sha256,),
        )
        return [_mark(r) for r in rows]

    @staticmethod
    def _mark_row(conn: sqlite3.Connection, mark_id: int) -> Mark | None:
        row = conn.execute(f"SELECT {_MARK_COLUMNS} FROM marks WHERE id = ?", (mark_id,)).fetchone()
        return None if row is None else _mark(row)

    def _require_video(self, conn: sqlite3.Connection, sha256: str) -> None:
        if conn.execute("SELECT 1 FROM videos WHERE sha256 = ?", (sha256,)).fetchone() is None:
            raise JudgeappError(
                f"video {sha256[:12]}... is not in the library; remember_video() it first"
            )

    # ------------------------------------------------------------------------- comparisons

    def save_comparison(self, record: ComparisonRecord) -> ComparisonRecord:
        """Insert a new comparison (`id` None) or update the saved one; return it as saved
        (with its id and dates). Durable when this returns."""
        if not record.video_a_sha256 or not record.video_b_sha256:
            raise JudgeappError(f"comparison {record.name!r}: a video lacks its content hash")
        stamp = now_iso()
        values = _comparison_values(record)
        with self._write() as conn:
            if record.id is None:
                cursor = conn.execute(
                    f"INSERT INTO comparisons ({_COMPARISON_FIELDS}, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, stamp, stamp),
                )
                record_id = int(cursor.lastrowid)
            else:
                sets = ", ".join(f"{f.strip()} = ?" for f in _COMPARISON_FIELDS.split(","))
                cursor = conn.execute(
                    f"UPDATE comparisons SET {sets}, updated = ? WHERE id = ?",
                    (*values, stamp, record.id),
                )
                if cursor.rowcount != 1:
                    raise JudgeappError(f"comparison {record.id} does not exist (deleted?)")
                record_id = record.id
        saved = self.comparison(record_id)
        assert saved is not None
        return saved

    def restore_comparison(self, record: ComparisonRecord) -> ComparisonRecord:
        """Put back a deleted comparison with its id and dates (undo of a delete or a save)."""
        if record.id is None:
            raise JudgeappError(f"comparison {record.name!r} was never saved; cannot restore it")
        with self._write() as conn:
            try:
                conn.execute(
                    f"INSERT INTO comparisons (id, {_COMPARISON_FIELDS}, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.id,
                        *_comparison_values(record),
                        record.created or now_iso(),
                        record.updated or now_iso(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise JudgeappError(
                    f"comparison {record.id} already exists; cannot restore it"
                ) from None
        saved = self.comparison(record.id)
        assert saved is not None
        return saved

    def comparison(self, comparison_id: int) -> ComparisonRecord | None:
        """One saved comparison by id, or None."""
        row = self._conn.execute(
            f"SELECT {_COMPARISON_COLUMNS} FROM comparisons WHERE id = ?", (comparison_id,)
        ).fetchone()
        return None if row is None else _comparison(row)

    def comparisons(self) -> list[ComparisonRecord]:
        """Every saved comparison, the most recently changed first."""
        rows = self._conn.execute(
            f"SELECT {_COMPARISON_COLUMNS} FROM comparisons ORDER BY updated DESC, id DESC"
        )
        return [_comparison(r) for r in rows]

    def delete_comparison(self, comparison_id: int) -> ComparisonRecord:
        """Delete a saved comparison; return it as it was (so it can be restored)."""
        with self._write() as conn:
            row = conn.execute(
                f"SELECT {_COMPARISON_COLUMNS} FROM comparisons WHERE id = ?", (comparison_id,)
            ).fetchone()
            if row is None:
                raise JudgeappError(f"comparison {comparison_id} does not exist (deleted?)")
            conn.execute("DELETE FROM comparisons WHERE id = ?", (comparison_id,))
        return _comparison(row)

    # ------------------------------------------------------------------------ panel scores

    def set_panel_score(self, video_sha256: str, panel: PanelScore | None) -> None:
        """Record the panel's score for a video (None clears it)."""
        with self._write() as conn:
            if panel is None:
                conn.execute("DELETE FROM panel_scores WHERE video_sha256 = ?", (video_sha256,))
                return
            self._require_video(conn, video_sha256)
            conn.execute(
                """INSERT INTO panel_scores (video_sha256, total, difficulty, execution, updated)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(video_sha256) DO UPDATE SET total = excluded.total,
                       difficulty = excluded.difficulty, execution = excluded.execution,
                       updated = excluded.updated""",
                (
                    video_sha256,
                    float(panel.total),
                    _opt_float(panel.difficulty),
                    _opt_float(panel.execution),
                    now_iso(),
                ),
            )

    def get_panel_score(self, video_sha256: str) -> PanelScore | None:
        """The panel's score recorded for a video, or None."""
        row = self._conn.execute(
            "SELECT total, difficulty, execution FROM panel_scores WHERE video_sha256 = ?",
            (video_sha256,),
        ).fetchone()
        return None if row is None else PanelScore(*row)

    # ------------------------------------------------- panel entries (routine, athlete) and imports

    def panel_entry(self, video_sha256: str) -> PanelEntry | None:
        """The panel's score of a video with the routine and athlete recorded beside it."""
        row = self._conn.execute(
            "SELECT total, difficulty, execution, routine, athlete FROM panel_scores"
            " WHERE video_sha256 = ?",
            (video_sha256,),
        ).fetchone()
        return None if row is None else PanelEntry(PanelScore(*row[:3]), row[3], row[4])

    def videos(self) -> list[VideoRow]:
        """Every video the library knows, by name (for matching score files to videos)."""
        rows = self._conn.execute(
            "SELECT sha256, name, path FROM videos ORDER BY name COLLATE NOCASE, sha256"
        )
        return [VideoRow(*r) for r in rows]

    def scored_videos(self) -> list[ScoredVideo]:
        """Every video with a panel score, with its routine, athlete and the profile and routine
        of its newest analysis ("" when it has none)."""
        rows = self._conn.execute(
            """SELECT v.sha256, v.name, v.path, p.total, p.difficulty, p.execution, p.routine,
                      p.athlete, p.updated,
                      COALESCE((SELECT a.routine FROM analyses a WHERE a.video_sha256 = v.sha256
                                ORDER BY a.id DESC LIMIT 1), ''),
                      COALESCE((SELECT a.profile FROM analyses a WHERE a.video_sha256 = v.sha256
                                ORDER BY a.id DESC LIMIT 1), '')
               FROM panel_scores p JOIN videos v ON v.sha256 = p.video_sha256
               ORDER BY v.name COLLATE NOCASE, v.sha256"""
        )
        return [
            ScoredVideo(
                sha256=r[0],
                name=r[1],
                path=r[2],
                entry=PanelEntry(PanelScore(r[3], r[4], r[5]), r[6], r[7]),
                updated=r[8],
                analysis_routine=r[9],
                analysis_profile=r[10],
            )
            for r in rows
        ]

    def import_panel_entries(self, source: str, changes: dict[str, PanelEntry | None]) -> int:
        """Set (or clear: None) the panel entries of many videos in one transaction, and log
        what each had before so `undo_score_import` can put it back; return the import's id.
        Every video must be known; nothing is written when one is not."""
        stamp = now_iso()
        with self._write() as conn:
            before: dict[str, dict | None] = {}
            for sha in changes:
                self._require_video(conn, sha)
                old = self._panel_entry_row(conn, sha)
                before[sha] = None if old is None else old.to_dict()
            for sha, entry in changes.items():
                self._put_panel_entry(conn, sha, entry, stamp)
            log = {
                "before": before,
                "after": {s: None if e is None else e.to_dict() for s, e in changes.items()},
            }
            cursor = conn.execute(
                "INSERT INTO score_imports (source, created, changes_json) VALUES (?, ?, ?)",
                (source, stamp, json.dumps(log, sort_keys=True)),
            )
            return int(cursor.lastrowid)

    def score_imports(self) -> list[ScoreImport]:
        """The logged score imports, newest first."""
        rows = self._conn.execute(
            "SELECT id, source, created, changes_json, undone FROM score_imports ORDER BY id DESC"
        )
        return [
            ScoreImport(r[0], r[1], r[2], len(json.loads(r[3])["after"]), bool(r[4])) for r in rows
        ]

    def undo_score_import(self, import_id: int) -> int:
        """Put back what the videos of an import had before it (one transaction); return how
        many videos changed. An import already undone is an error."""
        return self._replay_score_import(import_id, undo=True)

    def redo_score_import(self, import_id: int) -> int:
        """Apply an undone import again; return how many videos changed."""
        return self._replay_score_import(import_id, undo=False)

    def _replay_score_import(self, import_id: int, undo: bool) -> int:
        """Write an import's "before" (undo) or "after" (redo) entries and flip its flag."""
        stamp = now_iso()
        with self._write() as conn:
            row = conn.execute(
                "SELECT changes_json, undone FROM score_imports WHERE id = ?", (import_id,)
            ).fetchone()
            if row is None:
                raise JudgeappError(f"score import {import_id} does not exist")
            if bool(row[1]) == undo:
                state = "undone already" if undo else "not undone; nothing to redo"
                raise JudgeappError(f"score import {import_id} is {state}")
            entries = json.loads(row[0])["before" if undo else "after"]
            for sha, data in entries.items():
                entry = None if data is None else PanelEntry.from_dict(data)
                self._put_panel_entry(conn, sha, entry, stamp)
            conn.execute("UPDATE score_imports SET undone = ? WHERE id = ?", (int(undo), import_id))
            return len(entries)

    @staticmethod
    def _panel_entry_row(conn: sqlite3.Connection, sha: str) -> PanelEntry | None:
        row = conn.execute(
            "SELECT total, difficulty, execution, routine, athlete FROM panel_scores"
            " WHERE video_sha256 = ?",
            (sha,),
        ).fetchone()
        return None if row is None else PanelEntry(PanelScore(*row[:3]), row[3], row[4])

    @staticmethod
    def _put_panel_entry(
        conn: sqlite3.Connection, sha: str, entry: PanelEntry | None, stamp: str
    ) -> None:
        if entry is None:
            conn.execute("DELETE FROM panel_scores WHERE video_sha256 = ?", (sha,))
            return
        panel = entry.panel
        conn.execute(
            """INSERT INTO panel_scores (video_sha256, total, difficulty, execution, updated,
                                         routine, athlete)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(video_sha256) DO UPDATE SET total = excluded.total,
                   difficulty = excluded.difficulty, execution = excluded.execution,
                   updated = excluded.updated, routine = excluded.routine,
                   athlete = excluded.athlete""",
            (
                sha,
                float(panel.total),
                _opt_float(panel.difficulty),
                _opt_float(panel.execution),
                stamp,
                entry.routine,
                entry.athlete,
            ),
        )


_MARK_COLUMNS = "id, video_sha256, time_s, kind, text, deduction, created, updated, drawing"

_COMPARISON_FIELDS = (
    "name, video_a_sha256, video_a_path, video_b_sha256, video_b_path, sync_a_s, sync_b_s,"
    " overlay_enabled, opacity, offset_x, scale"
)
_COMPARISON_COLUMNS = f"{_COMPARISON_FIELDS}, id, created, updated"


def _comparison_values(record: ComparisonRecord) -> tuple:
    """The record's fields in _COMPARISON_FIELDS's order, as SQLite stores them."""
    return (
        record.name,
        record.video_a_sha256,
        record.video_a_path,
        record.video_b_sha256,
        record.video_b_path,
        float(record.sync_a_s),
        float(record.sync_b_s),
        int(bool(record.overlay_enabled)),
        float(record.opacity),
        float(record.offset_x),
        float(record.scale),
    )


def _comparison(row: tuple) -> ComparisonRecord:
    return ComparisonRecord(*row[:7], bool(row[7]), *row[8:])


def _mark(row: tuple) -> Mark:
    try:
        drawing = drawing_from_json(row[-1])
    except JudgeappError as exc:
        raise JudgeappError(f"mark {row[0]}: {exc}") from None
    return Mark(*row[:-1], drawing)


def _opt_float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _file_stamp(path: str | Path) -> tuple[int | None, int | None]:
    """(size in bytes, modification time in ns) of a file, or (None, None) if it is not there."""
    try:
        stat = os.stat(path)
    except OSError:
        return None, None
    return stat.st_size, stat.st_mtime_ns


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _on_read_only_disk(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_only_reason(path: Path) -> str:
    """Why the library at `path` cannot be written ("" when it can, or cannot be told)."""
    if _on_read_only_disk(path):
        return "on a read-only disk"
    folder = path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        return f"in a folder you cannot write ({folder})"
    if path.is_file() and not os.access(path, os.W_OK):
        return "a read-only file"
    return ""


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)

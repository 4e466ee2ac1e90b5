"""The library's schema and its migrations, one numbered step per schema version.

A database records its version in `schema_version`; opening it applies every newer step in
order, each in its own transaction, so an interrupted upgrade leaves the last complete version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from judgeapp.core.errors import JudgeappError

_V1 = """
CREATE TABLE videos (
    sha256      TEXT PRIMARY KEY,
    path        TEXT NOT NULL,
    name        TEXT NOT NULL,
    duration_s  REAL NOT NULL,
    fps         REAL NOT NULL,
    frames      INTEGER NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    size_bytes  INTEGER,
    mtime_ns    INTEGER,
    added       TEXT NOT NULL,
    seen        TEXT NOT NULL
);
CREATE INDEX videos_by_file ON videos(size_bytes, mtime_ns);
CREATE TABLE analyses (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    video_sha256 TEXT NOT NULL REFERENCES videos(sha256) ON DELETE CASCADE,
    model_name   TEXT NOT NULL,
    routine      TEXT NOT NULL,
    target       TEXT NOT NULL,
    profile      TEXT NOT NULL,
    calibrated   INTEGER NOT NULL,
    score        REAL NOT NULL,
    score_max    REAL NOT NULL,
    model_json   TEXT NOT NULL,
    result_json  TEXT NOT NULL,
    created      TEXT NOT NULL
);
CREATE INDEX analyses_by_video ON analyses(video_sha256, id);
CREATE TABLE marks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    video_sha256 TEXT NOT NULL REFERENCES videos(sha256) ON DELETE CASCADE,
    time_s       REAL NOT NULL CHECK (time_s >= 0),
    kind         TEXT NOT NULL CHECK (kind IN ('deduction', 'highlight', 'comment')),
    text         TEXT NOT NULL,
    deduction    REAL CHECK (deduction IS NULL OR deduction >= 0),
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL
);
CREATE INDEX marks_by_video ON marks(video_sha256, time_s);
CREATE TABLE panel_scores (
    video_sha256 TEXT PRIMARY KEY REFERENCES videos(sha256) ON DELETE CASCADE,
    total        REAL NOT NULL,
    difficulty   REAL,
    execution    REAL,
    updated      TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Migration:
    """The step that brings a database from `version - 1` to `version`."""

    version: int
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    """A migration step that runs plain SQL statements (inside the caller's transaction)."""

    def run(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return run


# 2: a panel score may say which routine the video is and who the athlete was (training sets
# from the library group by both); bulk score imports are logged so they can be undone.
_V2 = """
ALTER TABLE panel_scores ADD COLUMN routine TEXT NOT NULL DEFAULT '';
ALTER TABLE panel_scores ADD COLUMN athlete TEXT NOT NULL DEFAULT '';
CREATE TABLE score_imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    created      TEXT NOT NULL,
    changes_json TEXT NOT NULL,
    undone       INTEGER NOT NULL DEFAULT 0
);
"""

# 3: a mark may carry a drawing on its frame (core/drawing.py, as JSON; '' for none).
_V3 = """
ALTER TABLE marks ADD COLUMN drawing TEXT NOT NULL DEFAULT '';
"""

# 4: a saved comparison of two routines (app.compare): the two videos by content hash and last
# known path, their sync points (seconds, each in its own video's time) and the overlay settings.
_V4 = """
CREATE TABLE comparisons (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    video_a_sha256  TEXT NOT NULL,
    video_a_path    TEXT NOT NULL,
    video_b_sha256  TEXT NOT NULL,
    video_b_path    TEXT NOT NULL,
    sync_a_s        REAL NOT NULL CHECK (sync_a_s >= 0),
    sync_b_s        REAL NOT NULL CHECK (sync_b_s >= 0),
    overlay_enabled INTEGER NOT NULL DEFAULT 0,
    opacity         REAL NOT NULL DEFAULT 0.5 CHECK (opacity >= 0 AND opacity <= 1),
    offset_x        REAL NOT NULL DEFAULT 0,
    scale           REAL NOT NULL DEFAULT 1 CHECK (scale > 0),
    created         TEXT NOT NULL,
    updated         TEXT NOT NULL
);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, _script(_V1)),
    Migration(2, _script(_V2)),
    Migration(3, _script(_V3)),
    Migration(4, _script(_V4)),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection, create: bool = True) -> int:
    """The schema version a database records (0 for a new, empty database).

    create: make the `schema_version` table where it is missing (False: read only).
    """
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        if not create:
            return 0
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(
    conn: sqlite3.Connection, label: str, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Apply every migration newer than the database's version; return the final version.

    `conn` must be in autocommit mode (isolation_level=None): each step runs in its own
    BEGIN IMMEDIATE ... COMMIT, so a crash mid-upgrade keeps the previous complete version.
    """
    latest = migrations[-1].version if migrations else 0
    version = current_version(conn)
    if version > latest:
        raise JudgeappError(
            f"{label}: library schema version {version} is newer than this judgeapp "
            f"understands ({latest}); update judgeapp"
        )
    for step in migrations:
        if step.version <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while we waited for the lock.
            version = current_version(conn)
            if step.version <= version:
                conn.execute("COMMIT")
                continue
            step.apply(conn)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (step.version,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = step.version
    return version

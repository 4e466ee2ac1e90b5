"""The SQLite library: schema and migrations, analyses, search and sort, marks, panel scores."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark, PanelScore
from judgeapp.store import Library
from judgeapp.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration, migrate


@pytest.fixture
def library(tmp_path: Path):
    lib = Library.open(tmp_path / "lib.sqlite3")
    yield lib
    lib.close()


def test_open_creates_a_wal_database_with_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "lib.sqlite3"
    Library.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"videos", "analyses", "marks", "panel_scores", "schema_version"} <= tables
    conn.close()


def test_default_path_is_in_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
    with Library.open() as lib:
        assert lib.path == tmp_path / "data" / "library.sqlite3"
    assert (tmp_path / "data" / "library.sqlite3").is_file()


def test_foreign_keys_are_enforced(library: Library) -> None:
    with pytest.raises(JudgeappError, match="not in the library"):
        library.add_mark("0" * 64, 1.0, "comment", "no such video")
    with pytest.raises(sqlite3.IntegrityError):
        library._conn.execute(
            "INSERT INTO marks (video_sha256, time_s, kind, text, created, updated)"
            " VALUES ('nope', 1, 'comment', 'x', '', '')"
        )


def test_migrations_apply_in_order_and_keep_data(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        info = fake_video_info("a.mp4")
        lib.remember_video(info)
        lib.add_mark(info.sha256, 3.0, "comment", "kept")

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE marks ADD COLUMN judge TEXT NOT NULL DEFAULT 'J1'")

    conn = sqlite3.connect(path, isolation_level=None)
    steps = (*MIGRATIONS, Migration(SCHEMA_VERSION + 1, add_column))
    assert migrate(conn, str(path), steps) == SCHEMA_VERSION + 1
    assert conn.execute("SELECT text, judge FROM marks").fetchall() == [("kept", "J1")]
    assert migrate(conn, str(path), steps) == SCHEMA_VERSION + 1  # idempotent
    conn.close()
    # This judgeapp only knows the older schema: it refuses instead of damaging the file.
    with pytest.raises(JudgeappError, match="newer than this judgeapp"):
        Library.open(path)


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn, str(path), (*MIGRATIONS, Migration(SCHEMA_VERSION + 1, broken)))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_file_that_is_not_a_database_gives_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JudgeappError, match=r"lib\.sqlite3: not a usable judgeapp library"):
        Library.open(path)


def test_a_library_below_a_regular_file_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(JudgeappError, match="cannot open the library"):
        Library.open(tmp_path / "file" / "lib.sqlite3")


def test_save_and_reload_analyses(library: Library) -> None:
    info = fake_video_info("ball_01.mp4")
    first = make_result(info, seed=1, score=15.0)
    second = make_result(info, seed=2, score=16.5)
    id1 = library.save_analysis(first)
    id2 = library.save_analysis(second)
    assert id2 > id1
    assert library.latest_analysis(info.sha256) == second
    assert library.analysis(id1) == first
    assert library.latest_analysis("f" * 64) is None
    assert library.video(info.sha256) == info
    library.delete_analysis(id2)
    assert library.latest_analysis(info.sha256) == first


def test_a_moved_video_keeps_its_marks_and_gets_its_new_path(library: Library) -> None:
    info = fake_video_info("hoop.mp4")
    library.save_analysis(make_result(info))
    library.add_mark(info.sha256, 4.0, "highlight", "nice catch")
    moved = dataclasses.replace(info, path="/elsewhere/hoop_renamed.mp4")
    library.remember_video(moved)
    assert library.video(info.sha256).path == "/elsewhere/hoop_renamed.mp4"
    assert [m.text for m in library.marks_for(info.sha256)] == ["nice catch"]


def test_list_analyses_searches_and_sorts(library: Library) -> None:
    names = {"ball_anna.mp4": 18.0, "clubs_bea.mp4": 12.5, "ball_cleo.mp4": 21.0}
    infos = {}
    for seed, (name, score) in enumerate(names.items()):
        infos[name] = fake_video_info(name)
        library.save_analysis(make_result(infos[name], seed=seed, score=score))
    library.save_analysis(make_result(infos["ball_anna.mp4"], seed=9, score=19.0))  # re-analysed
    library.set_panel_score(infos["ball_anna.mp4"].sha256, PanelScore(20.0))
    library.set_panel_score(infos["clubs_bea.mp4"].sha256, PanelScore(11.0, 5.0, 6.0))
    library.add_mark(infos["ball_cleo.mp4"].sha256, 1.0, "comment", "x")

    rows = library.list_analyses()
    assert len(rows) == 3  # the newest analysis of each video
    assert rows[0].video_name == "ball_anna.mp4" and rows[0].score == 19.0
    assert len(library.list_analyses(latest_only=False)) == 4

    assert [r.video_name for r in library.list_analyses(sort="-score")] == [
        "ball_cleo.mp4",
        "ball_anna.mp4",
        "clubs_bea.mp4",
    ]
    assert [r.video_name for r in library.list_analyses(sort="name")] == [
        "ball_anna.mp4",
        "ball_cleo.mp4",
        "clubs_bea.mp4",
    ]
    by_diff = library.list_analyses(sort="difference")
    assert [r.video_name for r in by_diff] == ["ball_anna.mp4", "clubs_bea.mp4", "ball_cleo.mp4"]
    assert by_diff[0].difference == pytest.approx(-1.0)
    assert by_diff[2].difference is None  # no panel score: last
    # "_" is literal (not a LIKE wildcard), so the routine "ball" does not match "BALL_".
    assert [r.video_name for r in library.list_analyses(search="BALL_")] == [
        "ball_anna.mp4",
        "ball_cleo.mp4",
    ]
    assert [r.marks for r in library.list_analyses(search="cleo")] == [1]
    assert library.list_analyses(search="%") == []  # LIKE wildcards are literal
    assert len(library.list_analyses(search="random")) == 3  # the model name
    with pytest.raises(JudgeappError, match="unknown sort key"):
        library.list_analyses(sort="colour")


def test_marks_add_update_delete_restore(library: Library) -> None:
    info = fake_video_info("ribbon.mp4")
    library.remember_video(info)
    late = library.add_mark(info.sha256, 50.0, "deduction", "ribbon knot", 0.3)
    early = library.add_mark(info.sha256, 5.5, "comment", "ünïcödé ✓ <b>")
    assert [m.id for m in library.marks_for(info.sha256)] == [early.id, late.id]
    assert library.mark(late.id) == late
    assert late.deduction == 0.3 and late.created and late.updated

    edited = library.update_mark(dataclasses.replace(late, text="knot", deduction=None))
    assert edited.text == "knot" and edited.deduction is None and edited.created == late.created

    gone = library.delete_mark(early.id)
    assert gone == early
    assert library.mark(early.id) is None
    assert library.restore_mark(gone) == early
    with pytest.raises(JudgeappError, match="already exists"):
        library.restore_mark(gone)
    library.delete_mark(early.id)
    with pytest.raises(JudgeappError, match="does not exist"):
        library.delete_mark(early.id)
    with pytest.raises(JudgeappError, match="does not exist"):
        library.update_mark(gone)
    # Ids are never reused, so a deleted mark can always be restored under its own id.
    newer = library.add_mark(info.sha256, 1.0, "highlight", "")
    assert newer.id > max(early.id, late.id)


@pytest.mark.parametrize(
    ("time_s", "kind", "deduction", "problem"),
    [
        (-1.0, "comment", None, "time"),
        (float("nan"), "comment", None, "time"),
        (1.0, "praise", None, "kind"),
        (1.0, "deduction", -0.1, "deduction"),
    ],
)
def test_invalid_marks_are_refused(library: Library, time_s, kind, deduction, problem) -> None:
    info = fake_video_info()
    library.remember_video(info)
    with pytest.raises(JudgeappError, match=problem):
        library.add_mark(info.sha256, time_s, kind, "text", deduction)
    with pytest.raises(JudgeappError, match=problem):
        Mark(1, info.sha256, time_s, kind, "text", deduction)
    assert library.marks_for(info.sha256) == []


def test_panel_scores(library: Library) -> None:
    info = fake_video_info()
    library.remember_video(info)
    assert library.get_panel_score(info.sha256) is None
    library.set_panel_score(info.sha256, PanelScore(18.2, difficulty=9.0, execution=9.2))
    assert library.get_panel_score(info.sha256) == PanelScore(18.2, 9.0, 9.2)
    library.set_panel_score(info.sha256, PanelScore(17.0))
    assert library.get_panel_score(info.sha256) == PanelScore(17.0)
    library.set_panel_score(info.sha256, None)
    assert library.get_panel_score(info.sha256) is None
    with pytest.raises(JudgeappError, match="total"):
        PanelScore(float("inf"))


def test_two_connections_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as a, Library.open(path) as b:
        info = fake_video_info()
        a.remember_video(info)
        mark = a.add_mark(info.sha256, 2.0, "comment", "from a")
        assert b.marks_for(info.sha256) == [mark]
        assert a.integrity_check() == "ok"


def test_find_video_recognises_a_known_file_without_reading_it(library, tmp_path) -> None:
    video = tmp_path / "anna.mp4"
    video.write_bytes(b"a" * 1000)
    info = dataclasses.replace(fake_video_info("anna.mp4"), path=str(video))
    assert library.find_video(video) is None
    library.save_analysis(make_result(info))
    assert library.find_video(video) == info
    moved = tmp_path / "moved"
    moved.mkdir()
    video.rename(moved / "anna.mp4")  # a move keeps size and modification time
    assert library.find_video(moved / "anna.mp4").sha256 == info.sha256
    (moved / "anna.mp4").write_bytes(b"b" * 1001)  # edited: not recognised any more
    assert library.find_video(moved / "anna.mp4") is None
    assert library.find_video(tmp_path / "missing.mp4") is None

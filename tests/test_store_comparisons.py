"""Saved comparisons: the round trip through a real SQLite file (closed and reopened), undo and
redo of saving, editing and deleting, the upgrade of a schema-3 library, and reopening with a
moved or missing video."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from report_helpers import fake_video_info

from judgeapp.app.compare import Comparison, OverlaySettings, SideVideo
from judgeapp.app.compare_store import ComparisonStore, hashes_job, with_record
from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.progress import CancelToken
from judgeapp.store import (
    ComparisonRecord,
    DeleteComparison,
    EditComparison,
    Library,
    SaveComparison,
    UndoStack,
)
from judgeapp.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate


def _record(**changes) -> ComparisonRecord:
    fields = dict(
        name="vault vs vault",
        video_a_sha256="a" * 64,
        video_a_path="/videos/a.mp4",
        video_b_sha256="b" * 64,
        video_b_path="/videos/b.mp4",
        sync_a_s=1.25,
        sync_b_s=3.5,
        overlay_enabled=True,
        opacity=0.35,
        offset_x=-0.1,
        scale=1.2,
    )
    return ComparisonRecord(**{**fields, **changes})


def _values(record: ComparisonRecord) -> ComparisonRecord:
    """What a user saved (id and dates left out: the library sets them)."""
    return dataclasses.replace(record, id=None, created="", updated="")


def test_a_comparison_round_trips_through_the_file_and_a_reopened_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        saved = lib.save_comparison(_record())
        other = lib.save_comparison(_record(name="second", sync_a_s=0.0))
    assert saved.id is not None and saved.created and saved.updated
    with Library.open(path) as lib:
        again = lib.comparison(saved.id)
        assert again == saved
        assert _values(again) == _record()
        assert {c.id for c in lib.comparisons()} == {saved.id, other.id}
        updated = lib.save_comparison(dataclasses.replace(again, sync_b_s=4.0, opacity=0.8))
        assert updated.id == saved.id and updated.created == saved.created
    with Library.open(path) as lib:
        assert lib.comparison(saved.id).sync_b_s == 4.0
        assert lib.comparison(saved.id).opacity == 0.8
        gone = lib.delete_comparison(saved.id)
        assert gone.sync_b_s == 4.0
        assert lib.comparison(saved.id) is None
        with pytest.raises(JudgeappError, match="does not exist"):
            lib.delete_comparison(saved.id)


def test_bad_values_are_one_line_errors_and_nothing_is_written(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        with pytest.raises(JudgeappError, match="cannot write the library"):
            lib.save_comparison(_record(opacity=1.5))
        with pytest.raises(JudgeappError, match="content hash"):
            lib.save_comparison(_record(video_b_sha256=""))
        assert lib.comparisons() == []


def test_save_edit_and_delete_undo_and_redo(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        stack = UndoStack(lib)
        save = stack.push(SaveComparison(_record()))
        record_id = save.record.id
        first = lib.comparison(record_id)
        stack.push(EditComparison(first, dataclasses.replace(first, sync_a_s=2.0), "sync"))
        assert lib.comparison(record_id).sync_a_s == 2.0
        # A second overlay edit merges into the first: one undo step for a slider drag.
        now = lib.comparison(record_id)
        stack.push_merged(EditComparison(now, dataclasses.replace(now, opacity=0.6), "overlay"))
        now = lib.comparison(record_id)
        stack.push_merged(EditComparison(now, dataclasses.replace(now, opacity=0.9), "overlay"))
        assert lib.comparison(record_id).opacity == 0.9
        assert stack.undo()
        assert (
            lib.comparison(record_id).opacity == 0.35 and lib.comparison(record_id).sync_a_s == 2.0
        )
        assert stack.undo()
        assert lib.comparison(record_id).sync_a_s == 1.25
        assert stack.undo()  # the save itself
        assert lib.comparison(record_id) is None
        assert stack.redo()
        assert lib.comparison(record_id) == first  # same id and dates
        assert stack.redo() and stack.redo()
        assert lib.comparison(record_id).opacity == 0.9
        stack.push(DeleteComparison(lib.comparison(record_id)))
        assert lib.comparisons() == []
        assert stack.undo()
        assert lib.comparison(record_id).opacity == 0.9
        assert stack.redo()
        assert lib.comparisons() == []


def test_a_schema_3_library_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, str(path), MIGRATIONS[:3]) == 3
    info = fake_video_info("a.mp4")
    conn.execute(
        "INSERT INTO videos (sha256, path, name, duration_s, fps, frames, width, height, added,"
        " seen) VALUES (?, ?, 'a.mp4', 95, 25, 2375, 640, 360, '', '')",
        (info.sha256, info.path),
    )
    conn.close()
    assert SCHEMA_VERSION == 4
    with Library.open(path) as lib:
        assert lib.video(info.sha256) is not None
        saved = lib.save_comparison(_record(video_a_sha256=info.sha256))
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 4
    assert conn.execute("SELECT name FROM comparisons").fetchall() == [("vault vs vault",)]
    conn.close()
    assert saved.id == 1


def _comparison(path_a: Path, path_b: Path) -> Comparison:
    return Comparison(
        SideVideo(str(path_a), 25.0, 100, 4.0), SideVideo(str(path_b), 30.0, 150, 5.0), 1.0, 2.0
    )


def test_the_store_finds_a_moved_video_by_its_content_or_names_the_missing_one(
    tmp_path: Path,
) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"video a")
    b.write_bytes(b"video b")
    infos = (
        dataclasses.replace(fake_video_info("a.mp4"), path=str(a), sha256=""),
        dataclasses.replace(fake_video_info("b.mp4"), path=str(b), sha256=""),
    )
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        store = ComparisonStore(lib)
        # Neither video is known yet: both must be read (a job in the window), not guessed.
        known, to_read = store.with_hashes(infos, (None, None))
        assert to_read == [a, b] and not known[0].sha256
        hashes = hashes_job(to_read)(None, CancelToken())
        assert hashes == {a: sha256_file(a), b: sha256_file(b)}
        overlay = OverlaySettings(True, 0.4, 0.1, 0.9)
        comparison = dataclasses.replace(_comparison(a, b), overlay=overlay)
        saved = store.save(comparison, infos)
        assert saved.name == "a.mp4 vs b.mp4"
        assert lib.video(saved.video_a_sha256).path == str(a)  # remembered for later moves
        opened = store.open(saved.id)
        assert (opened.path_a, opened.path_b) == (a, b)
        back = with_record(_comparison(a, b), opened.record)
        assert (back.sync_a_s, back.sync_b_s, back.overlay) == (1.0, 2.0, overlay)
        # Moved, and seen at the new place (opened from there): found by content.
        moved = tmp_path / "moved" / "b.mp4"
        moved.parent.mkdir()
        b.rename(moved)
        lib.remember_video(
            dataclasses.replace(infos[1], path=str(moved), sha256=saved.video_b_sha256)
        )
        assert store.open(saved.id).path_b == moved
        # Gone for good: one line naming the file.
        moved.unlink()
        with pytest.raises(JudgeappError, match=r"b\.mp4: video B of the comparison .* missing"):
            store.open(saved.id)


def test_store_edits_of_a_saved_comparison_undo_and_redo(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"video a")
    b.write_bytes(b"video b")
    infos = (
        dataclasses.replace(fake_video_info("a.mp4"), path=str(a)),
        dataclasses.replace(fake_video_info("b.mp4"), path=str(b)),
    )
    with Library.open(tmp_path / "lib.sqlite3") as lib:
        store = ComparisonStore(lib)
        comparison = _comparison(a, b)
        saved = store.save(comparison, infos)
        assert store.edit(saved, comparison, "sync") == saved  # nothing changed: no step
        moved = comparison.with_sync("b", 3.0)
        assert store.edit(saved, moved, "sync").sync_b_s == 3.0
        assert store.undo_stack.undo_label == "Change comparison sync"
        assert store.undo()
        assert store.get(saved.id).sync_b_s == 2.0
        assert store.redo()
        assert store.get(saved.id).sync_b_s == 3.0
        store.delete(saved.id)
        assert store.list() == []
        assert store.undo()
        assert store.get(saved.id).sync_b_s == 3.0

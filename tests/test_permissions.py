"""Permissions of what judgeapp writes (issue 24, class 7).

Reports were written 0644 whatever the umask, and replacing a report the user had made 0600
widened it to 0644; the library holding judges' marks was created 0644 in a 0755 folder. Now a
new file gets what open() gives under the umask, a replaced file keeps its own permissions
(core.files.final_mode, used by every atomic write), and a new library and the folder made for
it are private to the user (0600, 0700).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result
from video_helpers import write_video

from judgeapp.cli import main
from judgeapp.core.files import current_umask, write_text_atomic
from judgeapp.report import write_report
from judgeapp.store import Library
from judgeapp.video import probe

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    """The process's umask set to `mask` for the block, and restored after it."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def analysis(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("analysis") / "analysis.json"
    path.write_text(make_result(fake_video_info(duration_s=12.0)).to_json(), encoding="utf-8")
    return path


def test_the_umask_is_read_without_changing_it():
    for mask in (0o022, 0o077, 0o002, 0o027):
        with umask(mask):
            assert current_umask() == mask
            assert current_umask() == mask  # reading it left it as it was


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002, 0o027], ids=oct)
def test_a_new_report_respects_the_umask(tmp_path, analysis, capsys, mask):
    """Before: 0644 whatever the umask (0o077 gave a world-readable report)."""
    with umask(mask):
        for suffix in (".csv", ".html", ".json"):
            out = tmp_path / f"report{suffix}"
            code = main(["report", str(analysis), "--out", str(out), "--no-library"])
            assert code == 0, capsys.readouterr().err
            assert mode_of(out) == 0o666 & ~mask, (suffix, oct(mode_of(out)))


@pytest.mark.parametrize("private", [0o600, 0o640, 0o604], ids=oct)
def test_replacing_a_report_keeps_its_permissions(tmp_path, analysis, capsys, private):
    """Before: a report the user had made 0600 became 0644 when it was written again."""
    out = tmp_path / "report.csv"
    with umask(0o022):
        assert main(["report", str(analysis), "--out", str(out), "--no-library"]) == 0
        os.chmod(out, private)
        before = out.read_bytes()
        out.write_bytes(b"old")
        assert main(["report", str(analysis), "--out", str(out), "--no-library"]) == 0
    assert mode_of(out) == private
    assert out.read_bytes() == before  # replaced, not appended to


def test_every_atomic_write_keeps_an_existing_files_permissions(tmp_path):
    """core.files is the one place: JSON results, CSV tables and weights go through it."""
    target = tmp_path / "result.json"
    with umask(0o022):
        write_text_atomic(target, "{}")
        assert mode_of(target) == 0o644
        os.chmod(target, 0o600)
        write_text_atomic(target, '{"again": 1}')
        assert mode_of(target) == 0o600
        os.chmod(target, 0o664)  # group-writable, shared on purpose: kept too
        write_text_atomic(target, "{}")
        assert mode_of(target) == 0o664
    with umask(0o077):
        fresh = tmp_path / "fresh.json"
        write_text_atomic(fresh, "{}")
        assert mode_of(fresh) == 0o600


def test_an_annotated_video_gets_the_same_permissions(tmp_path):
    clip = write_video(tmp_path / "clip.mp4", fps=10.0, frames=20, width=160, height=120)
    result = make_result(probe(clip))
    out = tmp_path / "annotated.mp4"
    with umask(0o077):
        write_report(out, result, [])
        assert mode_of(out) == 0o600
        os.chmod(out, 0o640)
        write_report(out, result, [])
    assert mode_of(out) == 0o640


def test_a_new_library_and_its_folder_are_private(tmp_path, monkeypatch):
    """Before: the library 0644 in a 0755 folder (umask 022): anyone on the machine could
    read every judge's marks and notes."""
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "home" / "data" / "judgeapp"))
    result = make_result(fake_video_info(duration_s=12.0))
    with umask(0o022):
        with Library.open() as library:
            library.save_analysis(result)
            library.add_mark(result.video.sha256, 1.0, "comment", "a private note")
            folder = tmp_path / "home" / "data" / "judgeapp"
            files = sorted(folder.iterdir())
            assert [p.name for p in files][0] == "library.sqlite3"
            for path in files:  # the library, and SQLite's -wal and -shm beside it
                assert mode_of(path) == 0o600, (path.name, oct(mode_of(path)))
    assert mode_of(folder) == 0o700
    assert mode_of(folder.parent) == 0o755  # folders above are made as mkdir -p makes them


def test_an_existing_folder_and_library_keep_their_permissions(tmp_path):
    """The library is made private when judgeapp creates it; a folder the user chose (a
    shared one) and a library the user shared on purpose are left as they are."""
    shared = tmp_path / "team"
    shared.mkdir()
    os.chmod(shared, 0o2775)
    with umask(0o002):
        with Library.open(shared / "library.sqlite3"):
            pass
        assert mode_of(shared / "library.sqlite3") == 0o600
        os.chmod(shared / "library.sqlite3", 0o660)
        with Library.open(shared / "library.sqlite3") as library:
            library.save_analysis(make_result(fake_video_info(duration_s=12.0)))
    assert mode_of(shared) == 0o2775
    assert mode_of(shared / "library.sqlite3") == 0o660

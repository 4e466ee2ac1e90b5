"""Library edge cases (issue 11, classes 10 and 11): processes creating one new library at the
same moment, a library on a read-only disk, and a damaged database page."""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import subprocess
import time
import traceback
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.core.results import VideoInfo
from judgeapp.store import Library

# Eight made the lock SQLite does not wait for (WAL switch, first migration) fail in some of
# the rounds before Library.open retried it; the same eight processes play every round.
_CREATORS = 8
_ROUNDS = 50
_SPAWN = multiprocessing.get_context("spawn")  # fresh interpreters, as separate programs are


def _create_and_save(root: str, k: int, arrived, arriving, error_file: str) -> None:
    """One child, for each round: it counts itself in and waits until all the others have too,
    then they all open (creating) that round's library at once and save one video each.
    (A multiprocessing.Barrier lets its waiters go one by one, through its lock: too far apart
    for the race; polling the shared count lets every child go within a fraction of a ms.)"""
    failed = False
    for round_ in range(_ROUNDS):
        with arriving:
            arrived.value += 1
        deadline = time.monotonic() + 300
        while arrived.value < _CREATORS * (round_ + 1):
            if time.monotonic() > deadline:
                raise TimeoutError(f"round {round_}: not every child came")
            time.sleep(0.0002)
        try:
            with Library.open(Path(root) / str(round_) / "library.sqlite3") as lib:
                video = VideoInfo(f"/v/{k}.mp4", f"{k:064d}", 10.0, 25.0, 250, 640, 360)
                lib.remember_video(video)
        except Exception:  # noqa: BLE001 - reported by the test; the next round still runs
            failed = True
            with open(error_file, "a") as out:
                out.write(f"round {round_}: {traceback.format_exc()}")
    if failed:
        raise SystemExit(1)


def test_processes_creating_one_library_at_once_all_succeed(tmp_path):
    arrived, arriving = _SPAWN.RawValue("i", 0), _SPAWN.Lock()
    children = [
        _SPAWN.Process(
            target=_create_and_save,
            args=(str(tmp_path / "new"), k, arrived, arriving, str(tmp_path / f"error-{k}")),
        )
        for k in range(_CREATORS)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=600)
        if child.is_alive():  # stuck: fail below, leave nothing running
            child.kill()
            child.join()
    errors = [f.read_text() for f in sorted(tmp_path.glob("error-*"))]
    assert [child.exitcode for child in children] == [0] * _CREATORS, errors
    assert arrived.value == _CREATORS * _ROUNDS
    for round_ in range(_ROUNDS):
        with Library.open(tmp_path / "new" / str(round_) / "library.sqlite3") as lib:
            assert lib.integrity_check() == "ok"
            assert sorted(lib.video(f"{k:064d}").path for k in range(_CREATORS)) == [
                f"/v/{k}.mp4" for k in range(_CREATORS)
            ]


@contextlib.contextmanager
def read_only_disk(root: Path):
    """A small tmpfs under `root`, remounted read-only after `fill(folder)`; None where
    mounting is not allowed."""
    mount_point = root / "ro-disk"
    mount_point.mkdir()
    if (
        not shutil.which("mount")
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
            capture_output=True,
        ).returncode
    ):
        yield None, None
        return

    def seal() -> None:
        done = subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], capture_output=True)
        assert done.returncode == 0, done.stderr

    try:
        yield mount_point, seal
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_a_library_on_a_read_only_disk_can_be_read_for_a_report(tmp_path, capsys):
    info = fake_video_info(duration_s=20.0)
    result = make_result(info)
    analysis = tmp_path / "analysis.json"
    analysis.write_text(result.to_json())
    with read_only_disk(tmp_path) as (disk, seal):
        if disk is None:
            pytest.skip("cannot mount a tmpfs here")
        path = disk / "library.sqlite3"
        with Library.open(path) as lib:
            lib.save_analysis(result)
            lib.add_mark(info.sha256, 2.0, "deduction", "step out", 0.3)
        seal()
        with Library.open(path) as lib:
            assert lib.read_only == "on a read-only disk"
            assert [m.text for m in lib.marks_for(info.sha256)] == ["step out"]
            with pytest.raises(JudgeappError, match="cannot write the library .on a read-only"):
                lib.add_mark(info.sha256, 3.0, "comment", "more")
        out = tmp_path / "report.csv"
        assert main(["report", str(analysis), "--out", str(out), "--library", str(path)]) == 0
        assert "step out" in out.read_text()
        with pytest.raises(JudgeappError, match="cannot open the library"):
            Library.open(disk / "other.sqlite3")  # cannot be created there: no corruption hinted


def test_a_damaged_page_gives_one_line_naming_the_library(tmp_path, capsys):
    info = fake_video_info(duration_s=20.0)
    result = make_result(info)
    path = tmp_path / "library.sqlite3"
    with Library.open(path) as lib:
        lib.save_analysis(result)
        for k in range(300):
            lib.add_mark(info.sha256, k * 0.05, "comment", f"note {k} " + "x" * 200)
        lib._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # every page but the schema's
        data[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    analysis = tmp_path / "analysis.json"
    analysis.write_text(result.to_json())
    code = main(["report", str(analysis), "--out", str(tmp_path / "r.csv"), "--library", str(path)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith(f"error: {path}: "), err
    assert "unexpected" not in err and "\n" not in err

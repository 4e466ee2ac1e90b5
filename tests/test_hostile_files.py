"""Output paths that are not plain files, and temporaries left behind (issue 11, classes 5, 13).

Atomic replacement is for regular files: devices and pipes are written straight into (never
replaced by a file), links are written through (the link stays). SIGTERM during an annotated
video export is handled like Ctrl-C (nothing left behind), and temporaries an hour old (what a
SIGKILL leaves) are removed by the next write of the same file.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from report_helpers import make_result

from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import atomic_path, sweep_stale_temporaries, write_text_atomic
from judgeapp.video import probe


def _analysis(tmp_path: Path, video: Path | None = None) -> Path:
    from report_helpers import fake_video_info

    info = probe(video) if video is not None else fake_video_info(duration_s=20.0)
    path = tmp_path / "analysis.json"
    path.write_text(make_result(info).to_json())
    return path


def test_a_pipe_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_text_atomic(fifo, '{"score": 1}\n')
    reader.join(timeout=10)
    assert received == ['{"score": 1}\n']
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary left


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_device_gives_one_line_and_stays_a_device(tmp_path, capsys):
    with pytest.raises(JudgeappError, match=r"^/dev/full: cannot write \(No space left"):
        write_text_atomic("/dev/full", "x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    link = tmp_path / "report.json"  # `report --out` wants a suffix: a link named like one
    link.symlink_to("/dev/full")
    code = main(["report", str(_analysis(tmp_path)), "--out", str(link), "--no-library"])
    assert code == 1
    assert capsys.readouterr().err.startswith(f"error: {link}: cannot write (No space left")
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_stdout_through_a_link_is_written_into(tmp_path):
    link = tmp_path / "report.json"
    link.symlink_to("/dev/stdout")
    run = subprocess.run(
        [sys.executable, "-m", "judgeapp", "report", str(_analysis(tmp_path)), "--out", str(link),
         "--no-library"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout[: run.stdout.rindex("}") + 1])
    assert doc["analysis"]["score"] == pytest.approx(17.25)
    assert link.is_symlink()


def test_a_link_is_written_through(tmp_path, capsys):
    real = tmp_path / "exports" / "weights.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    assert main(["report", str(_analysis(tmp_path)), "--out", str(link), "--no-library"]) == 0
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text().startswith("record,")
    dangling = tmp_path / "new.csv"
    dangling.symlink_to(tmp_path / "exports" / "new-target.csv")
    assert main(["report", str(_analysis(tmp_path)), "--out", str(dangling), "--no-library"]) == 0
    assert dangling.is_symlink() and (tmp_path / "exports" / "new-target.csv").stat().st_size > 0


def test_stale_temporaries_are_swept_and_fresh_ones_kept(tmp_path):
    target = tmp_path / "report.pdf"
    old = tmp_path / ".report.pdf.abcd1234.part"
    fresh = tmp_path / ".report.pdf.efgh5678.part"
    other = tmp_path / ".report.pdf.notes.part"  # not a name atomic_path makes
    for path in (old, fresh, other):
        path.write_bytes(b"half")
    hour_ago = time.time() - 3700
    for path in (old, other):
        os.utime(path, (hour_ago, hour_ago))
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"%PDF")
    assert not old.exists() and fresh.exists() and other.exists()
    assert target.read_bytes() == b"%PDF"
    assert sweep_stale_temporaries(target, max_age_s=-1) == [fresh]


def _frames_reached(temporaries) -> bool:
    """Frames are being written: a temporary holds more than a container header (the writer
    flushes its buffer to the file a few encoded 720p frames at a time)."""
    for path in temporaries:
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_size > 100_000:
                return True
    return False


def test_sigterm_during_an_annotated_video_export_leaves_nothing(tmp_path, media_dir):
    video = media_dir / "juggle_720p24.mp4"
    analysis = _analysis(tmp_path, video)
    out = tmp_path / "annotated.mp4"
    proc = subprocess.Popen(
        [sys.executable, "-m", "judgeapp", "report", str(analysis), "--out", str(out),
         "--video", str(video), "--no-library"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300  # a deadline for a condition, not a speed
    while not _frames_reached(tmp_path.glob(".annotated.mp4.*")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the export never wrote frames"
        time.sleep(0.05)
    assert proc.poll() is None, "the export ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.strip() == "error: terminated"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.json"]

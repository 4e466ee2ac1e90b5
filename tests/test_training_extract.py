"""`judgeapp extract` on the real videos: the authors' layout, the manifest, resuming, killing.

Random backbone weights (`--pretrained none`) keep it offline; S3D and ResNet-50 still run for
real on the CPU, so these tests take a few minutes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from video_helpers import first_frames

from judgeapp.cli import main
from judgeapp.features.profiles import get_profile
from judgeapp.video.decode import DECODE_LOG_ENV

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
OPTIONS = ["--pretrained", "none", "--device", "cpu", "--detector", "hog"]
ROOM_CUT = "room_people_40s.mp4"


def _check_complete(out: Path) -> dict:
    """Every video the manifest lists has both .npy files, readable and of the listed sizes."""
    manifest = json.loads((out / "manifest.json").read_text())
    for name, entry in manifest["videos"].items():
        dynamic = np.load(out / "dynamic_feat" / f"{name}.npy", allow_pickle=False)
        static = np.load(out / "static_feat" / f"{name}.npy", allow_pickle=False)
        assert dynamic.shape == (entry["segments"], 1024) and dynamic.dtype == np.float32
        assert static.shape == (entry["static_frames"], 2048)
        assert len(entry["segment_start_s"]) == entry["segments"]
        assert len(entry["static_time_s"]) == len(entry["static_box"]) == entry["static_frames"]
        assert np.isfinite(dynamic).all() and np.isfinite(static).all()
    return manifest


def _media_with_room_cut(media_dir: Path, folder: Path) -> Path:
    """The shared media clips (linked) with room_people_139s.mp4 cut to its first 40 s: an empty
    room, a person walks in and out, the room empty again; the other 100 s repeat that."""
    folder.mkdir()
    for video in media_dir.glob("*.mp4"):
        if video.name == "room_people_139s.mp4":
            first_frames(video, folder / ROOM_CUT, 400)
        else:
            (folder / video.name).symlink_to(video)
    return folder


def test_extract_media_twice_skips_everything_the_second_time(
    media_dir: Path, tmp_path: Path, capsys
) -> None:
    videos = _media_with_room_cut(media_dir, tmp_path / "videos")
    out = tmp_path / "features"
    assert main(["extract", str(videos), "--out", str(out), *OPTIONS]) == 0
    clips = sorted(p.stem for p in videos.glob("*.mp4"))
    assert len(clips) >= 3  # the shared media folder gains clips over time
    assert f"{len(clips)} extracted, 0 already done, 0 failed" in capsys.readouterr().out
    manifest = _check_complete(out)
    assert sorted(manifest["videos"]) == clips
    assert manifest["profile"] == "torchvision" and manifest["pretrained"] is False
    assert manifest["sampling"]["dynamic_fps"] == 5.0 and manifest["versions"]["torch"]
    room = manifest["videos"][Path(ROOM_CUT).stem]
    assert room["segments"] == 12  # floor(40.0 s * 5 / 16)
    assert room["static_frames"] < 40  # frames without a person are dropped
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.npy")}

    assert main(["extract", str(videos), "--out", str(out), *OPTIONS]) == 0
    assert f"0 extracted, {len(clips)} already done, 0 failed" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.npy")} == stamps

    # The same folder refuses features of another recipe ...
    assert main(["extract", str(videos), "--out", str(out), "--device", "cpu"]) == 1
    assert "would mix recipes" in capsys.readouterr().err
    # ... and of another version of the same profile's recipe (an older judgeapp made it).
    assert manifest["recipe"] == get_profile("torchvision").recipe
    assert manifest["sampling"]["rule"] == "nearest"
    older = {**manifest, "recipe": manifest["recipe"] - 1}
    (out / "manifest.json").write_text(json.dumps(older))
    assert main(["extract", str(videos), "--out", str(out), *OPTIONS]) == 1
    assert "recipe version 0" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.npy")} == stamps


def _admit_one_decoding_pass(fifo: Path, process: subprocess.Popen) -> list[str]:
    """The decode log (DECODE_LOG_ENV) is a FIFO: a decoding pass, logging itself as it begins,
    waits in opening it until it is open for reading. It is opened once, until the first pass
    has logged itself: that video is decoded; the next one (which begins only once that one is
    done) waits until the process ends. Returns the videos admitted."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    data = b""
    try:
        deadline = time.monotonic() + 600
        while True:
            assert process.poll() is None, "the run ended before it decoded a video"
            assert time.monotonic() < deadline, "no video was decoded"
            if not select.select([fd], [], [], 0.5)[0]:  # also a look at the process
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:  # the pass has it open and has not written yet
                continue
            if not chunk and data:  # it has logged itself and closed it
                break
            data += chunk
    finally:
        os.close(fd)
    return [line.split(" ", 1)[1] for line in data.decode().splitlines()]


def test_killed_run_resumes_without_corrupt_files(media_dir: Path, tmp_path: Path, capsys) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    (videos / "a_broken.mp4").write_bytes(b"this is not a video")
    for name in ("juggle_720p24.mp4", "squats_portrait_5fps.mp4"):
        (videos / name).symlink_to(media_dir / name)
    out = tmp_path / "features"
    manifest_path = out / "manifest.json"
    gate = tmp_path / "decodes.fifo"  # the decode log: see _admit_one_decoding_pass
    os.mkfifo(gate)
    env = {**os.environ, "JUDGEAPP_OFFLINE": "1", "YOLO_OFFLINE": "1", DECODE_LOG_ENV: str(gate)}
    command = [sys.executable, "-m", "judgeapp", "extract", str(videos), "--out", str(out)]
    process = subprocess.Popen(
        [*command, *OPTIONS, "--no-cache"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        admitted = _admit_one_decoding_pass(gate, process)
        assert [Path(v).name for v in admitted] == ["juggle_720p24.mp4"]
        deadline = time.monotonic() + 600  # a deadline for a condition, not a speed
        while not (manifest_path.is_file() and json.loads(manifest_path.read_text())["videos"]):
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the first video was never finished"
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)  # after the first video; the next one is held
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    killed = _check_complete(out)
    assert list(killed["videos"]) == ["juggle_720p24"]
    assert "a_broken" in killed["failed"]
    assert not (out / "static_feat" / "squats_portrait_5fps.npy").exists()
    # What a kill during a write leaves: atomic_path's hidden temporary files.
    (out / "dynamic_feat" / ".squats_portrait_5fps.npy.x1y2.npy").write_bytes(b"\x93NUMPY half")
    (out / ".manifest.json.x1y2.part").write_text('{"half')

    capsys.readouterr()
    assert main(["extract", str(videos), "--out", str(out), *OPTIONS, "--no-cache"]) == 1
    captured = capsys.readouterr()
    assert "1 extracted, 1 already done, 1 failed" in captured.out
    assert "a_broken.mp4" in captured.err  # the bad video named, the others finished
    resumed = _check_complete(out)
    assert sorted(resumed["videos"]) == ["juggle_720p24", "squats_portrait_5fps"]
    assert resumed["videos"]["juggle_720p24"] == killed["videos"]["juggle_720p24"]
    hidden = [p.name for p in out.rglob(".*")]
    assert hidden == [], hidden

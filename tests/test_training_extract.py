"""`judgeapp extract` on the real videos: the authors' layout, the manifest, resuming, killing.

Random backbone weights (`--pretrained none`) keep it offline; S3D and ResNet-50 still run for
real on the CPU, so these tests take a few minutes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from judgeapp.cli import main
from judgeapp.features.profiles import get_profile

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
OPTIONS = ["--pretrained", "none", "--device", "cpu", "--detector", "hog"]


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


def test_extract_media_twice_skips_everything_the_second_time(
    media_dir: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "features"
    assert main(["extract", str(media_dir), "--out", str(out), *OPTIONS]) == 0
    clips = sorted(p.stem for p in media_dir.glob("*.mp4"))
    assert len(clips) >= 3  # the shared media folder gains clips over time
    assert f"{len(clips)} extracted, 0 already done, 0 failed" in capsys.readouterr().out
    manifest = _check_complete(out)
    assert sorted(manifest["videos"]) == clips
    assert manifest["profile"] == "torchvision" and manifest["pretrained"] is False
    assert manifest["sampling"]["dynamic_fps"] == 5.0 and manifest["versions"]["torch"]
    room = manifest["videos"]["room_people_139s"]
    assert room["segments"] == 43  # floor(139.4 s * 5 / 16)
    assert room["static_frames"] < 140  # frames without a person are dropped
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.npy")}

    assert main(["extract", str(media_dir), "--out", str(out), *OPTIONS]) == 0
    assert f"0 extracted, {len(clips)} already done, 0 failed" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.npy")} == stamps

    # The same folder refuses features of another recipe ...
    assert main(["extract", str(media_dir), "--out", str(out), "--device", "cpu"]) == 1
    assert "would mix recipes" in capsys.readouterr().err
    # ... and of another version of the same profile's recipe (an older judgeapp made it).
    assert manifest["recipe"] == get_profile("torchvision").recipe
    assert manifest["sampling"]["rule"] == "nearest"
    older = {**manifest, "recipe": manifest["recipe"] - 1}
    (out / "manifest.json").write_text(json.dumps(older))
    assert main(["extract", str(media_dir), "--out", str(out), *OPTIONS]) == 1
    assert "recipe version 0" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.npy")} == stamps


def test_killed_run_resumes_without_corrupt_files(media_dir: Path, tmp_path: Path, capsys) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    (videos / "a_broken.mp4").write_bytes(b"this is not a video")
    for name in ("juggle_720p24.mp4", "squats_portrait_5fps.mp4"):
        (videos / name).symlink_to(media_dir / name)
    out = tmp_path / "features"
    manifest_path = out / "manifest.json"
    env = {**os.environ, "JUDGEAPP_OFFLINE": "1", "YOLO_OFFLINE": "1"}
    command = [sys.executable, "-m", "judgeapp", "extract", str(videos), "--out", str(out)]
    process = subprocess.Popen(
        [*command, *OPTIONS, "--no-cache"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and process.poll() is None:
            if manifest_path.is_file() and json.loads(manifest_path.read_text())["videos"]:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)  # right after the first video, mid-way in the next
    finally:
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

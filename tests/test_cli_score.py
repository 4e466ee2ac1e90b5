"""`judgeapp score` end to end on real videos, offline, and its one-line errors."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from video_helpers import write_video

from judgeapp.cli import main

OFFLINE = ["--pretrained", "none", "--model", "random"]


def run_cli(*args: str, cache: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if cache is not None:
        env["JUDGEAPP_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "judgeapp", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def check_result(doc: dict, video: Path) -> None:
    info = doc["video"]
    # /3: the athlete followed (any finder links its people into tracks) and, with the pose
    # model, the body measured.
    # /3 where people were found (a generated picture has none: /1).
    assert doc["schema"] == ("judgeapp.analysis/3" if "athlete" in doc else "judgeapp.analysis/1")
    assert Path(info["path"]).name == video.name
    cap = cv2.VideoCapture(str(video))
    assert info["frames"] == int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    assert info["width"] == int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    cap.release()
    duration_s = info["duration_s"]
    assert len(doc["dynamic"]) == math.floor(duration_s * 5 / 16)
    assert math.isclose(sum(s["weight"] for s in doc["dynamic"]), 1.0, abs_tol=1e-5)
    for seg in doc["dynamic"]:
        assert 0 <= seg["start_s"] < seg["end_s"] <= duration_s + 1e-6
        assert seg["weight"] >= 0
    times = [s["time_s"] for s in doc["static"]]
    assert times, "no static frame"
    assert all(0 <= t < duration_s for t in times)
    # about one second apart (frames without a person are dropped, so gaps are whole seconds)
    for a, b in zip(times, times[1:], strict=False):
        gap = b - a
        assert abs(gap - round(gap)) < 0.1 and round(gap) >= 1
    assert math.isclose(sum(s["weight"] for s in doc["static"]), 1.0, abs_tol=1e-5)
    for s in doc["static"]:
        x1, y1, x2, y2 = s["box"]
        assert 0 <= x1 < x2 <= info["width"] and 0 <= y1 < y2 <= info["height"]
    assert doc["model"]["calibrated"] is False
    assert 0 <= doc["score"] <= doc["model"]["score_max"]
    assert set(doc["timings_s"]) >= {"decode", "detect", "dynamic", "static", "head", "total"}


@pytest.mark.parametrize(
    "name", ["juggle_720p24.mp4", "squats_portrait_5fps.mp4", "room_people_139s.mp4"]
)
def test_score_real_videos(media_dir, tmp_path, name):
    video = media_dir / name
    out = tmp_path / "result.json"
    table = tmp_path / "result.csv"
    code = main(["score", str(video), *OFFLINE, "--json", str(out), "--csv", str(table)])
    assert code == 0
    doc = json.loads(out.read_text())
    check_result(doc, video)
    if name == "squats_portrait_5fps.mp4":
        # HOG is the detector here (no YOLO weights): the result says it is a weak one
        assert any("HOG" in w for w in doc["warnings"])
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 1 and rows[0]["video"] == str(video)
    assert float(rows[0]["score"]) == pytest.approx(doc["score"], abs=1e-3)


def test_score_generated_video_and_cache_speed(tmp_path):
    """A video made here; then the same file with another head comes from the cache, 10x faster."""
    video = write_video(tmp_path / "made.mp4", 25.0, 25 * 9 + 7, width=640, height=360)
    cache = tmp_path / "cache"
    start = time.perf_counter()
    first = run_cli("score", str(video), *OFFLINE, "--json", str(tmp_path / "a.json"), cache=cache)
    first_s = time.perf_counter() - start
    assert first.returncode == 0, first.stderr
    doc = json.loads((tmp_path / "a.json").read_text())
    check_result(doc, video)
    assert any("no person" in w for w in doc["warnings"])  # synthetic frames: whole-frame fallback
    assert list(cache.glob("features/*.npz")), "nothing cached"

    # another head: a checkpoint saved from a differently seeded random head
    from judgeapp.model import random_head, save_checkpoint

    head, card = random_head("torchvision", 1024, 2048, seed=7, routine="ball")
    ckpt = tmp_path / "other.safetensors"
    save_checkpoint(ckpt, head, card)
    start = time.perf_counter()
    second = run_cli(
        "score", str(video), "--pretrained", "none", "--model", str(ckpt),
        "--json", str(tmp_path / "b.json"), cache=cache,
    )
    second_s = time.perf_counter() - start
    assert second.returncode == 0, second.stderr
    doc2 = json.loads((tmp_path / "b.json").read_text())
    assert doc2["model"]["routine"] == "ball"
    assert doc2["score"] != doc["score"]
    # Both runs pay the same interpreter start-up; compare the analysis work itself.
    assert doc2["timings_s"]["total"] * 10 <= doc["timings_s"]["total"], (first_s, second_s)


def _bad_files(tmp_path: Path, media_dir: Path) -> dict[str, Path]:
    files = {}
    files["empty"] = tmp_path / "empty.mp4"
    files["empty"].write_bytes(b"")
    files["random"] = tmp_path / "random.mp4"
    files["random"].write_bytes(np.random.default_rng(0).bytes(200_000))
    files["text"] = tmp_path / "notes.mp4"
    files["text"].write_text("this is not a video\n" * 50)
    files["image"] = tmp_path / "photo.mov"
    ok, png = cv2.imencode(".png", np.full((480, 640, 3), 128, np.uint8))
    files["image"].write_bytes(png.tobytes())
    files["missing"] = tmp_path / "nowhere.mp4"
    data = (media_dir / "juggle_720p24.mp4").read_bytes()
    files["truncated"] = tmp_path / "cut.mp4"
    files["truncated"].write_bytes(data[: len(data) // 2])
    return files


def test_bad_inputs_give_one_error_line(media_dir, tmp_path):
    for kind, path in _bad_files(tmp_path, media_dir).items():
        proc = run_cli("score", str(path), *OFFLINE, "--json", str(tmp_path / f"{kind}.json"))
        assert proc.returncode == 1, (kind, proc.stderr)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (kind, proc.stderr)
        assert lines[0].startswith("error: ") and str(path) in lines[0], (kind, lines)
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / f"{kind}.json").exists(), kind


def test_usage_error_exits_2():
    proc = run_cli("score")
    assert proc.returncode == 2


def test_pickle_checkpoint_is_refused_and_runs_no_code(media_dir, tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "head.safetensors"
    payload = (
        b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    )  # a protocol-0 pickle that would run a shell command when unpickled
    evil.write_bytes(payload)
    proc = run_cli("score", str(media_dir / "juggle_720p24.mp4"), "--pretrained", "none",
                   "--model", str(evil))
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and str(evil) in proc.stderr
    assert not marker.exists()


def test_batch_folder_with_a_corrupt_file(media_dir, tmp_path):
    """Three real videos and a corrupt one: three results, one failure, exit 1, full CSV."""
    folder = tmp_path / "competition"
    folder.mkdir()
    for name in ["juggle_720p24.mp4", "squats_portrait_5fps.mp4", "room_people_139s.mp4"]:
        (folder / name).symlink_to(media_dir / name)
    (folder / "broken.mp4").write_bytes(np.random.default_rng(1).bytes(100_000))
    (folder / "notes.txt").write_text("not a video, not picked up")
    table, out = tmp_path / "ranking.csv", tmp_path / "all.json"
    proc = run_cli("score", str(folder), *OFFLINE, "--csv", str(table), "--json", str(out))
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert any("broken.mp4" in line for line in errors)
    assert "Traceback" not in proc.stderr
    rows = {Path(r["video"]).name: r for r in csv.DictReader(table.open())}
    assert set(rows) == {"broken.mp4", "juggle_720p24.mp4", "squats_portrait_5fps.mp4",
                         "room_people_139s.mp4"}
    assert rows["broken.mp4"]["error"] and not rows["broken.mp4"]["score"]
    for name, row in rows.items():
        if name != "broken.mp4":
            assert row["error"] == "" and 0 <= float(row["score"]) <= 25
    docs = json.loads(out.read_text())
    assert len(docs) == 3


def test_a_full_cache_disk_warns_and_keeps_the_result(media_dir, tmp_path, monkeypatch, capsys):
    from report_helpers import full_tmpfs

    with full_tmpfs(tmp_path) as full:
        if full is None:
            pytest.skip("mounting a tmpfs is not allowed here")
        monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(full / "cache"))
        out = tmp_path / "result.json"
        video = media_dir / "squats_portrait_5fps.mp4"
        code = main(["score", str(video), *OFFLINE, "--detector", "hog", "--json", str(out)])
        assert code == 0, capsys.readouterr().err
        result = json.loads(out.read_text())
        assert any("feature cache was not written" in w for w in result["warnings"])
        assert 0 <= result["score"] <= 25

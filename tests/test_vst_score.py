"""`judgeapp score --profile vst --pretrained none --model random` end to end on real video:
Video Swin-B (random weights) on every 25 fps frame, the GDLT head, no static stream; then the
result's reports. Swin-B costs 16-21 s per clip on a 2-core CPU (the 8 clips of the whole
juggle_720p24.mp4 took 14 min 50 s on a loaded machine, docs/training.md), so the test scores the
first 38 frames of that real video, re-encoded at 25 fps: one clip, 6 frames trimmed."""

from __future__ import annotations

import json

import pytest
from video_helpers import first_frames

from judgeapp.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


def test_score_vst_on_a_real_video_then_report_it(media_dir, tmp_path, capsys):
    video = first_frames(media_dir / "juggle_720p24.mp4", tmp_path / "clip.mp4", 38, fps=25.0)
    out = tmp_path / "result.json"
    code = main(
        ["score", str(video), "--profile", "vst", "--pretrained", "none", "--model", "random",
         "--device", "cpu", "--json", str(out)]
    )  # fmt: skip
    assert code == 0
    assert "Video Swin-B on the CPU" in capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert doc["model"]["profile"] == "vst" and doc["model"]["calibrated"] is False
    assert doc["provenance"]["recipe"] == 1 and doc["provenance"]["detector"] == "none"
    clips = doc["dynamic"]
    assert len(clips) == 1  # 38 frames: one clip of 32, 3 frames trimmed at each end
    assert clips[0]["start_s"] == pytest.approx(3 / 25) and clips[0]["end_s"] == pytest.approx(
        35 / 25
    )
    assert clips[0]["weight"] == pytest.approx(1.0, abs=1e-5)
    assert doc["static"] == []
    assert 0.0 <= doc["score"] <= 25.0
    # `auto` on a CPU ran Video Swin-B through OpenVINO where it is installed: PyTorch must give
    # the same score and attention.
    torch_out = tmp_path / "torch.json"
    code = main(
        ["score", str(video), "--profile", "vst", "--pretrained", "none", "--model", "random",
         "--device", "cpu", "--engine", "torch", "--json", str(torch_out)]
    )  # fmt: skip
    assert code == 0
    by_torch = json.loads(torch_out.read_text())
    assert by_torch["engine"]["name"] == "torch"
    assert by_torch["score"] == pytest.approx(doc["score"], abs=1e-4)
    assert [c["weight"] for c in by_torch["dynamic"]] == pytest.approx(
        [c["weight"] for c in clips], abs=1e-4
    )
    for suffix in (".html", ".pdf", ".csv"):
        report = tmp_path / f"report{suffix}"
        assert main(["report", str(out), "--no-library", "--out", str(report)]) == 0
        assert report.stat().st_size > 0

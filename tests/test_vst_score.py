"""`judgeapp score --profile vst --pretrained none --model random` end to end on a real video:
Video Swin-B (random weights) on every 25 fps frame, the GDLT head, no static stream; then the
result's reports. Slow: on the shared 2-core CPU the 8 clips of juggle_720p24.mp4 (the shortest
shared video in clips) took 14 min 50 s (785 s in Swin-B), so CI runs it only with -m slow."""

from __future__ import annotations

import json

import pytest

from judgeapp.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


def test_score_vst_on_a_real_video_then_report_it(media_dir, tmp_path, capsys):
    video = media_dir / "juggle_720p24.mp4"
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
    assert len(clips) == 8  # 257 frames at 25 fps: 8 clips of 32, one frame left over
    assert clips[0]["start_s"] == 0.0 and clips[-1]["end_s"] == pytest.approx(256 / 25)
    assert sum(c["weight"] for c in clips) == pytest.approx(1.0, abs=1e-5)
    assert doc["static"] == []
    assert 0.0 <= doc["score"] <= 25.0
    for suffix in (".html", ".pdf", ".csv"):
        report = tmp_path / f"report{suffix}"
        assert main(["report", str(out), "--no-library", "--out", str(report)]) == 0
        assert report.stat().st_size > 0

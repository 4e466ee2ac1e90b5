"""`judgeapp score --profile vst --pretrained none --model random` end to end on real video:
a Video Swin (random weights) on every 25 fps frame, the GDLT head, no static stream, through
OpenVINO and through PyTorch; then the result's reports.

The test is about the profile's plumbing (clip plan, frames, engines, head, reports), not the
network: Swin-B itself, its key layout and a golden output, is checked in test_vst_network. So
the vst profile runs here with a Swin of Swin-B's patch, window, widths and 1024-d output but
blocks 2-1-1-1 instead of 2-2-18-2 (the first stage keeps a shifted-window block, so OpenVINO
still converts one; converting the network is most of the test's time), on the first 38 frames
of a real video re-encoded at 25 fps: one clip, 6 frames trimmed."""

from __future__ import annotations

import dataclasses
import json

import pytest
from torch import nn
from video_helpers import first_frames

from judgeapp.cli import main
from judgeapp.features import profiles, swin

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
BLOCKS_PER_STAGE = [2, 1, 1, 1]  # Swin-B: [2, 2, 18, 2]


def short_swin_features(state_dict: dict | None) -> nn.Module:
    """Swin-B's geometry with fewer blocks: [B, 3, T, 224, 224] -> [B, 1024] (random weights)."""
    from torchvision.models.video.swin_transformer import SwinTransformer3d

    assert state_dict is None, "the test runs on random weights"
    net = SwinTransformer3d(
        patch_size=[2, 4, 4],
        embed_dim=128,
        depths=BLOCKS_PER_STAGE,
        num_heads=[4, 8, 16, 32],
        window_size=[8, 7, 7],
        num_classes=swin.SWIN_CLASSES,
    )
    net.head = nn.Identity()
    return net


@pytest.fixture
def short_swin(monkeypatch, tmp_path):
    """The vst profile with `short_swin_features` as its network, everything else unchanged;
    a feature cache of the test's own, so that no other test reads these features."""
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    vst = profiles.get_profile("vst")
    builder = profiles.dynamic_builder(
        short_swin_features,
        swin.vst_frame,
        profiles.IMAGENET,
        swin.SWIN_DIM,
        "Video Swin (short)",
        clip_frames=swin.CLIP_FRAMES,
    )
    monkeypatch.setitem(profiles.PROFILES, "vst", dataclasses.replace(vst, dynamic_builder=builder))


@pytest.mark.usefixtures("short_swin")
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
    # `auto` on a CPU ran the network through OpenVINO where it is installed: PyTorch must give
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

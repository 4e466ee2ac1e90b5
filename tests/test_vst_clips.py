"""The vst profile's input recipe on real frames: GDLT's geometry against PIL + torchvision's own
transforms, its clip rule (25 fps, 32-frame clips, leftovers trimmed evenly at both ends) on the
shared media, and the streamed extraction with no static stream."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn
from torchvision import transforms

from judgeapp.analysis.extraction import extract_video_features
from judgeapp.detect import make_detector
from judgeapp.features.backbones import IMAGENET, DynamicBackbone
from judgeapp.features.swin import plan_clips, vst_frame
from judgeapp.video import probe, read_frames

GDLT_GEOMETRY = transforms.Compose(
    [transforms.Resize(256), transforms.CenterCrop((224, 300)), transforms.Resize((224, 224))]
)


@pytest.mark.parametrize("video", ["juggle_720p24.mp4", "squats_portrait_5fps.mp4"])
def test_geometry_matches_pil_and_torchvision_to_one_level(media_dir, video):
    frames = read_frames(media_dir / video, [0, 20, 40])
    for frame in frames.values():
        ours = vst_frame(frame).astype(np.int16)
        reference = np.asarray(GDLT_GEOMETRY(Image.fromarray(frame).convert("RGB")))
        assert ours.shape == reference.shape == (224, 224, 3)
        assert np.abs(ours - reference.astype(np.int16)).max() <= 1


@pytest.mark.parametrize(
    ("video", "frames", "first", "clips"),
    [
        # 10.29 s at 24 fps -> 257 frames at 25 fps: 8 clips (256), 1 left over, at the end
        ("juggle_720p24.mp4", 257, 0, 8),
        # 13 s at 5 fps -> 325 frames: 10 clips, 5 left over: 2 before, 3 after
        ("squats_portrait_5fps.mp4", 325, 2, 10),
        # 139.4 s at 10 fps -> 3485 frames: 108 clips, 29 left over: 14 before, 15 after
        ("room_people_139s.mp4", 3485, 14, 108),
    ],
)
def test_clip_counts_and_trimming_on_the_shared_media(media_dir, video, frames, first, clips):
    plan = plan_clips(probe(media_dir / video, with_hash=False).duration_s)
    assert (plan.frames, plan.first, plan.clips) == (frames, first, clips)
    assert frames - first - 32 * clips - first in (0, 1)  # even at both ends


class FrameMeans(nn.Module):
    """A stand-in network: each clip's per-frame mean of the normalised pixels -> [B, 32]."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append(int(x.shape[0]))
        return x.mean(dim=(1, 3, 4))


def test_streamed_extraction_resamples_to_25_fps_and_has_no_static_stream(media_dir):
    video = media_dir / "squats_portrait_5fps.mp4"
    info = probe(video)
    net = FrameMeans()
    backbone = DynamicBackbone(net, vst_frame, IMAGENET, 32, name="frame means")
    features = extract_video_features(
        video, info, "vst", backbone, None, make_detector("none"), segments_per_batch=3
    )
    assert features.dynamic.shape == (10, 32)
    assert max(net.calls) <= 3 and sum(net.calls) == 10  # clip batches, never the whole video
    assert features.segment_start_s[0] == pytest.approx(2 / 25)
    assert features.segment_end_s[-1] == pytest.approx((2 + 320) / 25)
    assert features.static.shape == (0, 0) and len(features.static_time_s) == 0
    # 25 fps sample k of a 5 fps video is decoded frame round(k / 5): runs of equal frames
    means = features.dynamic.reshape(-1)
    source = np.round((2 + np.arange(320)) / 5).astype(int)
    same = source[1:] == source[:-1]
    assert np.array_equal(np.isclose(means[1:], means[:-1], rtol=0, atol=1e-7), same)
    # and the pixels are GDLT's geometry of those frames, normalised with ImageNet mean/std
    frame = read_frames(video, [int(source[0])])[int(source[0])]
    pixels = vst_frame(frame).astype(np.float32) / 255.0
    expected = ((pixels - IMAGENET.mean) / IMAGENET.std).mean()
    assert means[0] == pytest.approx(float(expected), abs=1e-4)

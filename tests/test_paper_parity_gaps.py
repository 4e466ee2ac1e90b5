"""The `paper` profile keeps the ACTION-NET authors' frame buffer and window draws.

Each reference below is written here from the authors' released code as it reads
(extract_dynamic_feat.py's `read_video`, extract_static_feat.py's `extract_frames`,
dataset.py's `Dset.__getitem__`), not from judgeapp:
- stride = int(N / int(N * rate / fps)) frames, a sample where the 1-based frame count is a
  multiple of it;
- the dynamic buffer holds ceil(N / stride) normalised frames, zeros where nothing was
  written, cut into floor(slots / 16) segments;
- a training window starts at np.random.randint(0, length - size).
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from torch import nn

from judgeapp.analysis.extraction import extract_video_features
from judgeapp.detect.whole_frame import WholeFrameDetector
from judgeapp.features import preprocess
from judgeapp.features.backbones import HALF_RANGE, DynamicBackbone, StaticBackbone
from judgeapp.features.profiles import get_profile
from judgeapp.features.recipes import current_recipe
from judgeapp.model.windows import RG_SEGMENTS, PackedSplit, WindowSize, centred_starts
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.labels import Label
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.trainer import train_head
from judgeapp.video import SEGMENT_FRAMES, probe
from judgeapp.video.sampling import INTERVAL_END, plan_sampling
from tests.video_helpers import write_video

FPS = 25.0
WIDTH, HEIGHT = 192, 48  # small, and wide enough for the frame index the frames carry


def _authors_stride(frames: int, rate: float, fps: float = FPS) -> int:
    return int(frames / int(frames * rate / int(fps)))


def _authors_indices(frames: int, rate: float) -> list[int]:
    """0-based indices of the frames they write (cnt % stride == 0, cnt from 1)."""
    stride = _authors_stride(frames, rate)
    return [cnt - 1 for cnt in range(1, frames + 1) if cnt % stride == 0]


def _authors_segments(frames: int) -> int:
    slots = math.ceil(frames / _authors_stride(frames, 5.0))
    return slots // SEGMENT_FRAMES


# -- the pure rules ------------------------------------------------------------------------


@pytest.mark.parametrize("frames", [2237, 2232, 2240, 2236, 1597, 158, 232, 1000])
def test_segments_are_the_authors_buffer(frames):
    plan = plan_sampling(frames / FPS, INTERVAL_END, fps=FPS)
    assert plan.segments == _authors_segments(frames)
    real = _authors_indices(frames, 5.0)[: plan.segments * SEGMENT_FRAMES]
    assert len(plan.dynamic_times_s) == len(real)
    assert plan.blank_samples == plan.segments * SEGMENT_FRAMES - len(real)


def test_2237_frames_give_28_segments_and_a_window_centred_from_1():
    plan = plan_sampling(2237 / FPS, INTERVAL_END, fps=FPS)
    assert (plan.segments, plan.blank_samples, len(plan.dynamic_times_s)) == (28, 1, 447)
    assert int(centred_starts(torch.tensor([plan.segments]), RG_SEGMENTS)[0]) == 1


def test_158_frames_stretch_the_static_stride_to_26_frames():
    plan = plan_sampling(158 / FPS, INTERVAL_END, fps=FPS)
    assert _authors_stride(158, 1.0) == 26
    assert plan.static_step_s == pytest.approx(26 / FPS)
    assert len(plan.static_times_s) == len(_authors_indices(158, 1.0)) == 6


def test_the_paper_recipe_version_was_raised():
    assert current_recipe("paper") == get_profile("paper").recipe == 3


# -- end to end, on synthetic 25 fps videos of those lengths -------------------------------


class _SlotMeans(nn.Module):
    """Per channel and time slot, the mean of the normalised pixels: [B, 3 * T]."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(3, 4)).flatten(1)


class _CropMeans(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))


def _backbones() -> tuple[DynamicBackbone, StaticBackbone]:
    dynamic = DynamicBackbone(_SlotMeans(), preprocess.paper_frame, HALF_RANGE, 3 * 16)
    static = StaticBackbone(_CropMeans(), preprocess.paper_crop, HALF_RANGE, 3)
    return dynamic, static


def _authors_dynamic(path: Path) -> np.ndarray:
    """Their read_video + segmenting, with the slot-mean network: [segments, 3 * 16]."""
    capture = cv2.VideoCapture(str(path))
    frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    stride = _authors_stride(frames, 5.0)
    buffer = np.zeros(((frames + stride - 1) // stride, 3, 224, 224), dtype=np.float32)
    cnt = 1
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if cnt % stride == 0:
            rgb = preprocess.paper_frame(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            buffer[cnt // stride - 1] = (rgb.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
        cnt += 1
    capture.release()
    count = len(buffer) // SEGMENT_FRAMES
    clips = buffer[: count * SEGMENT_FRAMES].reshape(count, SEGMENT_FRAMES, 3, 224, 224)
    return clips.mean(axis=(3, 4)).transpose(0, 2, 1).reshape(count, -1)


def _extract(path: Path):
    dynamic, static = _backbones()
    return extract_video_features(
        path, probe(path), "paper", dynamic, static, WholeFrameDetector(), segments_per_batch=8
    )


def test_a_2237_frame_video_keeps_the_authors_28th_segment_with_its_blank_frame(tmp_path):
    path = write_video(tmp_path / "routine.mp4", FPS, 2237, WIDTH, HEIGHT)
    features = _extract(path)
    authors = _authors_dynamic(path)
    assert authors.shape == (28, 48)
    assert features.dynamic.shape == (28, 48)
    np.testing.assert_allclose(features.dynamic, authors, atol=2e-6)
    # the last slot of the last segment is their empty buffer slot: exactly zero
    assert features.dynamic[-1, 15::16].tolist() == [0.0, 0.0, 0.0]
    assert np.abs(features.dynamic[-1, 14::16]).min() > 0.01  # a real frame before it
    assert features.segment_start_s[-1] == pytest.approx(27 * 16 * 0.2)
    window = int(centred_starts(torch.tensor([len(features.dynamic)]), RG_SEGMENTS)[0])
    assert window == 1


def test_a_158_frame_video_samples_the_authors_static_frames(tmp_path):
    path = write_video(tmp_path / "short.mp4", FPS, 158, WIDTH, HEIGHT)
    features = _extract(path)
    assert _authors_indices(158, 1.0) == [25, 51, 77, 103, 129, 155]
    assert features.static_frame.tolist() == [25, 51, 77, 103, 129, 155]
    np.testing.assert_allclose(features.dynamic, _authors_dynamic(path), atol=2e-6)


# -- the random training window ------------------------------------------------------------


def test_random_windows_never_take_the_last_start_as_the_authors_draw():
    long = np.arange(10, dtype=np.float32).reshape(10, 1)
    split = PackedSplit([long], [long], WindowSize(4, 4), last_start=False)
    generator = torch.Generator().manual_seed(0)
    starts = {int(split.batch(torch.tensor([0]), generator)[0][0, 0, 0]) for _ in range(200)}
    assert starts == set(range(6))  # randint(0, 10 - 4): 0..5, never 6
    same = PackedSplit([long[:4]], [long[:4]], WindowSize(4, 4), last_start=False)
    assert int(same.batch(torch.tensor([0]), generator)[0][0, 0, 0]) == 0


def _recorded_training_starts(monkeypatch, seed: int) -> list[int]:
    """The first segment of every training window ACTION-NET training cuts."""
    from judgeapp.training import trainer

    starts: list[int] = []

    class Recording(PackedSplit):
        def batch(self, videos, generator):
            out = super().batch(videos, generator)
            if generator is not None:
                starts.extend(int(v) for v in out[0][:, 0, 0])
            return out

    monkeypatch.setattr(trainer, "PackedSplit", Recording)
    count = 6
    # every video one segment and one frame longer than the window: the authors' only start
    # is 0; a draw that may take the last start takes 1 about half the time
    dynamic = [np.arange(5, dtype=np.float32).reshape(5, 1).repeat(2, axis=1)] * count
    static = [np.arange(3, dtype=np.float32).reshape(3, 1).repeat(2, axis=1)] * count
    labels = [Label(f"v{i}", "ball", float(score)) for i, score in enumerate(range(5, 20, 2))]
    data = FeatureSet(labels[:count], dynamic, static)
    config = TrainConfig(epochs=10, batch_size=3, segments=4, frames=2, seed=seed)
    train_head(data, config, score_max=25.0)
    return starts


def test_actionnet_training_draws_the_authors_window_starts(monkeypatch):
    starts = _recorded_training_starts(monkeypatch, seed=0)
    assert len(starts) == 60 and set(starts) == {0}
    assert _recorded_training_starts(monkeypatch, seed=0) == starts  # deterministic by seed


@pytest.mark.parametrize("fps", [24.0, 10.0])
def test_the_stretched_static_stride_holds_at_other_whole_frame_rates(tmp_path, fps):
    from judgeapp.video import iter_samples

    frames = int(round(fps * 7.7))  # 7 whole seconds and most of another: stretched
    path = write_video(tmp_path / f"v{fps:g}.mp4", fps, frames, WIDTH, HEIGHT)
    info = probe(path)
    plan = plan_sampling(info.duration_s, INTERVAL_END, fps=info.fps)
    static = [s.frame.index for s in iter_samples(path, info, plan) if s.stream == "static"]
    stride = _authors_stride(frames, 1.0, fps)
    assert stride > fps
    assert static == [cnt - 1 for cnt in range(1, frames + 1) if cnt % stride == 0]

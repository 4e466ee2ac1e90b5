"""Profiles build both backbones with random weights and turn uint8 pixels into features."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from judgeapp.core.errors import JudgeappError
from judgeapp.features.backbones import HALF_RANGE, IMAGENET, DynamicBackbone, StaticBackbone
from judgeapp.features.profiles import KINETICS_S3D, PROFILES, get_profile

RNG = np.random.default_rng(0)


def _clips(batch: int, frames: int = 16) -> np.ndarray:
    return RNG.integers(0, 256, (batch, frames, 224, 224, 3), dtype=np.uint8)


def _crops(batch: int) -> np.ndarray:
    return RNG.integers(0, 256, (batch, 224, 224, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def torchvision_backbones():
    profile = get_profile("torchvision")
    torch.manual_seed(0)
    dynamic = profile.build_dynamic(None, device="cpu", half=False)
    torch.manual_seed(1)
    static = profile.build_static(None, device="cpu", half=False)
    return dynamic, static


def test_registry_lookup() -> None:
    assert set(PROFILES) == {"torchvision", "paper", "vst"}
    assert get_profile("paper").static_dim == 2048
    assert get_profile("vst").static_dim == 0 and not get_profile("vst").has_static
    with pytest.raises(JudgeappError, match="paper, torchvision, vst"):
        get_profile("i3d")


def test_torchvision_dynamic_features_do_not_depend_on_the_batch(torchvision_backbones) -> None:
    dynamic, _ = torchvision_backbones
    clips = _clips(2)
    together = dynamic.embed(clips)
    alone = dynamic.embed(clips[1:])
    assert together.shape == (2, 1024) and together.dtype == np.float32
    assert np.isfinite(together).all()
    assert np.allclose(together[1:], alone, atol=1e-4, rtol=1e-4)
    assert not np.allclose(together[0], together[1])


def test_torchvision_static_features_do_not_depend_on_the_batch(torchvision_backbones) -> None:
    _, static = torchvision_backbones
    crops = _crops(3)
    together = static.embed(crops)
    assert together.shape == (3, 2048) and together.dtype == np.float32
    for i in range(3):
        assert np.allclose(together[i : i + 1], static.embed(crops[i : i + 1]), atol=1e-4)


def test_random_weights_are_reproducible_with_a_seed() -> None:
    profile = get_profile("torchvision")
    crops = _crops(1)
    outputs = []
    for _ in range(2):
        torch.manual_seed(7)
        outputs.append(profile.build_static(None).embed(crops))
    assert np.array_equal(outputs[0], outputs[1])


def test_empty_batch_and_bad_input(torchvision_backbones) -> None:
    dynamic, static = torchvision_backbones
    assert dynamic.embed(np.zeros((0, 16, 224, 224, 3), np.uint8)).shape == (0, 1024)
    assert static.embed(np.zeros((0, 224, 224, 3), np.uint8)).shape == (0, 2048)
    with pytest.raises(ValueError, match="uint8"):
        static.embed(np.zeros((1, 224, 224, 3), np.float32))
    with pytest.raises(ValueError, match=r"\[B, T, 224, 224, 3\]"):
        dynamic.embed(np.zeros((1, 16, 112, 112, 3), np.uint8))
    with pytest.raises(ValueError, match="frame"):
        dynamic.prepare_frame(np.zeros((10, 10), np.uint8))


def test_profiles_use_their_weights_entries_normalisation(torchvision_backbones) -> None:
    dynamic, static = torchvision_backbones
    assert dynamic.normalization == KINETICS_S3D
    assert KINETICS_S3D.mean == (0.43216, 0.394666, 0.37645)  # torchvision VideoClassification
    assert KINETICS_S3D.std == (0.22803, 0.22145, 0.216989)
    assert static.normalization == IMAGENET
    paper = get_profile("paper")
    assert paper.build_static(None).normalization == HALF_RANGE


class _ChannelMean(nn.Module):
    """Stands in for a network: the mean of each input channel, so normalisation shows."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(2).mean(dim=2)


@pytest.mark.parametrize(
    ("norm", "rgb"),
    [(KINETICS_S3D, (200, 30, 90)), (IMAGENET, (0, 128, 255)), (HALF_RANGE, (0, 255, 51))],
)
def test_constant_colour_normalises_to_the_expected_value(norm, rgb) -> None:
    frame = np.empty((480, 640, 3), np.uint8)
    frame[:] = rgb
    expected = [(c / 255 - m) / s for c, m, s in zip(rgb, norm.mean, norm.std, strict=True)]

    profile = get_profile("torchvision")
    prepared = profile.build_dynamic(None).prepare_frame(frame)
    assert prepared.shape == (224, 224, 3) and prepared.dtype == np.uint8
    assert (prepared == np.array(rgb, np.uint8)).all()

    dynamic = DynamicBackbone(_ChannelMean(), lambda f: f, norm, dim=3)
    clip = np.broadcast_to(prepared, (1, 16, 224, 224, 3)).copy()
    assert np.allclose(dynamic.embed(clip)[0], expected, atol=1e-5)
    static = StaticBackbone(_ChannelMean(), lambda f: f, norm, dim=3)
    assert np.allclose(static.embed(prepared[None])[0], expected, atol=1e-5)


def test_paper_static_scales_to_minus_one_one() -> None:
    static = StaticBackbone(_ChannelMean(), lambda f: f, HALF_RANGE, dim=3)
    crop = np.zeros((1, 224, 224, 3), np.uint8)
    crop[..., 1] = 255
    assert np.allclose(static.embed(crop)[0], [-1.0, 1.0, -1.0])


def test_paper_static_builds_from_random_weights() -> None:
    torch.manual_seed(0)
    static = get_profile("paper").build_static(None)
    crop = np.full((300, 120, 3), 77, np.uint8)
    prepared = static.prepare_crop(crop)
    assert prepared.shape == (224, 224, 3) and (prepared == 77).all()
    features = static.embed(np.stack([prepared, _crops(1)[0]]))
    assert features.shape == (2, 2048) and features.dtype == np.float32


def test_paper_dynamic_builds_from_random_weights() -> None:
    torch.manual_seed(0)
    dynamic = get_profile("paper").build_dynamic(None)
    frame = RNG.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    assert dynamic.prepare_frame(frame).shape == (224, 224, 3)
    clips = _clips(2)
    together = dynamic.embed(clips)
    assert together.shape == (2, 1024) and together.dtype == np.float32
    assert np.allclose(together[:1], dynamic.embed(clips[:1]), atol=1e-4, rtol=1e-4)

"""The registry's entries are complete and consistent with the published file names."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from judgeapp.core.errors import WeightsError
from judgeapp.features.profiles import PROFILES
from judgeapp.weights.registry import REGISTRY, get_weights_file

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def test_every_profile_names_registered_files() -> None:
    for profile in PROFILES.values():
        assert profile.dynamic_weights in REGISTRY
        # a profile without a static stream (vst) names no static file at all
        assert profile.static_weights in REGISTRY or (
            profile.static_weights is None and not profile.has_static
        )
    assert "yolo" in REGISTRY


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_entry_is_complete(name: str) -> None:
    entry = REGISTRY[name]
    assert entry.name == name
    assert urlsplit(entry.url).scheme == "https"
    assert entry.description and entry.license and entry.used_by
    if entry.sha256 is not None:
        assert HEX64.match(entry.sha256)
    if entry.sha256_prefix is not None:
        assert re.fullmatch(r"[0-9a-f]{8,63}", entry.sha256_prefix)
    assert entry.size_bytes is None or entry.size_bytes > 1_000_000


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_torchvision_file_names_agree_with_the_hash(name: str) -> None:
    """torchvision names its files NAME-<first 8 hex digits of the SHA-256>.pth."""
    entry = REGISTRY[name]
    match = re.fullmatch(r"[a-z0-9_]+-([0-9a-f]{8})\.pth", entry.filename)
    if not entry.url.startswith("https://download.pytorch.org/"):
        pytest.skip("not a torchvision file")
    assert match, entry.filename
    assert urlsplit(entry.url).path.endswith("/" + entry.filename)
    if entry.sha256:
        assert entry.sha256.startswith(match.group(1))
    else:
        assert entry.sha256_prefix == match.group(1)
        assert entry.hash_check == "prefix"


def test_hash_matching_full_prefix_and_none() -> None:
    full = REGISTRY["resnet50_imagenet1k_v1"]
    assert full.hash_check == "sha256"
    assert full.hash_matches(full.sha256)
    assert not full.hash_matches(full.sha256[:-1] + "0")
    prefix = REGISTRY["s3d_kinetics400"]
    assert prefix.hash_matches("d76dad2f" + "0" * 56)
    assert not prefix.hash_matches("d76dad2e" + "0" * 56)
    assert REGISTRY["i3d_rgb_kinetics400"].hash_check == "none"


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(WeightsError, match="resnet50_imagenet1k_v2"):
        get_weights_file("resnet")

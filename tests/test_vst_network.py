"""The vst profile's network: the official Video Swin-B checkpoint layout converted to
torchvision's swin3d_b through the real weights loading (safetensors copy, hash pin), and a
golden output of the real network on a fixed seed (the smallest input it takes, once).

The equivalence with the official implementation itself (max abs diff 0.0) is measured in a
scratch check against the fetched official code; see docs/training.md.
"""

from __future__ import annotations

import json
import re

import pytest
import torch

from judgeapp.core.errors import WeightsError
from judgeapp.features.profiles import get_profile
from judgeapp.weights import load_state_dict, weights_dir
from judgeapp.weights.convert import converted_path, pin_path
from judgeapp.weights.registry import get_weights_file
from judgeapp.weights.usable import prove_usable

NAME = "swin3d_b_kinetics600_22k"
# swin3d_b_features on seed-0 weights and a seed-1 [1, 3, 2, 32, 32] input (recorded once).
GOLDEN_FIRST = [1.4616711139678955, 0.13810701668262482, -1.1893236637115479, 0.12034503370523453]
GOLDEN_ABS_SUM = 808.9566040039062


def official_layout(state: dict) -> dict:
    """swin3d_b keys in the official mmaction2 layout (the issue's mapping, reversed)."""
    out = {}
    for key, value in state.items():
        if key.startswith("head."):
            out["cls_head.fc_cls." + key[5:]] = value
            continue
        match = re.match(r"^features\.(\d+)\.(.*)$", key)
        if match:
            index, rest = int(match.group(1)), match.group(2)
            if index % 2 == 0:
                block, tail = rest.split(".", 1)
                tail = tail.replace("mlp.0.", "mlp.fc1.").replace("mlp.3.", "mlp.fc2.")
                key = f"layers.{index // 2}.blocks.{block}.{tail}"
            else:
                key = f"layers.{(index - 1) // 2}.downsample.{rest}"
        out["backbone." + key] = value
    return out


@pytest.fixture(scope="module")
def converted():
    from torchvision.models.video import swin3d_b

    torch.manual_seed(0)
    reference = swin3d_b(weights=None, num_classes=600).eval().state_dict()
    entry = get_weights_file(NAME)
    source = weights_dir() / entry.filename
    source.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"meta": {"note": "test"}, "state_dict": official_layout(reference)}, source)
    state = load_state_dict(NAME)
    yield reference, state, source
    for path in (source, converted_path(entry), pin_path(entry)):
        path.unlink(missing_ok=True)


def test_conversion_renames_every_key_and_pins_the_source(converted):
    reference, state, source = converted
    assert len(state) == len(reference) == 353
    assert set(state) == set(reference)
    assert all(torch.equal(state[k], reference[k]) for k in reference)
    pin = json.loads(pin_path(get_weights_file(NAME)).read_text())
    assert pin["keys"] == 353
    assert pin["source"] == source.name
    params = sum(v.numel() for k, v in reference.items() if "relative_position_index" not in k)
    assert pin["parameters"] == params


def test_converted_copy_is_used_and_a_different_source_is_refused(converted):
    reference, _, source = converted
    entry = get_weights_file(NAME)
    saved = source.read_bytes()
    source.unlink()  # the safetensors copy alone is enough now
    again = load_state_dict(NAME)
    assert torch.equal(again["head.weight"], reference["head.weight"])
    # a damaged converted copy is not used; a source file other than the pinned one is refused
    converted_path(entry).write_bytes(converted_path(entry).read_bytes()[:-8] + b"\0" * 8)
    torch.save({"state_dict": {"backbone.norm.weight": torch.ones(1024)}}, source)
    with pytest.raises(WeightsError, match="pinned"):
        load_state_dict(NAME)
    with pytest.raises(WeightsError, match="do not fit"):
        prove_usable(entry, source, "pack member")  # what installing a pack checks
    source.write_bytes(saved)
    prove_usable(entry, source, "pack member")
    assert torch.equal(load_state_dict(NAME)["norm.bias"], reference["norm.bias"])


def test_golden_output_of_the_real_network(converted):
    _, state, _ = converted
    profile = get_profile("vst")
    backbone = profile.build_dynamic(state)
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(1, 3, 2, 32, 32, generator=generator)
    with torch.inference_mode():
        y = backbone.network(x)
    assert y.shape == (1, 1024)
    assert y[0, :4].tolist() == pytest.approx(GOLDEN_FIRST, abs=1e-4)
    assert float(y.abs().sum()) == pytest.approx(GOLDEN_ABS_SUM, rel=1e-4)
    assert profile.build_static(None) is None and not profile.has_static

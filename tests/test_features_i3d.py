"""The paper profile's I3D: state-dict layout, `.pth` loading, feature size, SAME padding."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from judgeapp.features.i3d import InceptionI3d, same_padding

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "i3d_rgb_state_dict.json"

# Feature-map shapes [C, T, H, W] of a 16x224x224 clip, derived by hand from TensorFlow 'SAME'
# (output = ceil(input / stride)) and the Inception-v1 channel widths.
EXPECTED_SHAPES = {
    "conv3d_1a_7x7": [64, 8, 112, 112],
    "max_pool_2a": [64, 8, 56, 56],
    "conv3d_2c_3x3": [192, 8, 56, 56],
    "max_pool_3a": [192, 8, 28, 28],
    "mixed_3c": [480, 8, 28, 28],
    "max_pool_4a": [480, 4, 14, 14],
    "mixed_4f": [832, 4, 14, 14],
    "max_pool_5a": [832, 2, 7, 7],
    "mixed_5c": [1024, 2, 7, 7],
    "avg_pool": [1024, 1, 1, 1],
}


def load_spec() -> dict[str, list[int]]:
    if not SPEC_PATH.is_file():
        pytest.skip(f"{SPEC_PATH} is absent (shared data lives beside the checkout)")
    spec = json.loads(SPEC_PATH.read_text())
    return {entry["name"]: entry["shape"] for entry in spec["keys"]}


def random_state_dict(spec: dict[str, list[int]], seed: int) -> dict[str, torch.Tensor]:
    """Random weights made from the listed keys alone, scaled to keep activations near unit size."""
    gen = torch.Generator().manual_seed(seed)
    state: dict[str, torch.Tensor] = {}
    for name, shape in spec.items():
        if name.endswith("num_batches_tracked"):
            state[name] = torch.tensor(1000, dtype=torch.long)
        elif name.endswith("conv3d.weight"):
            fan_in = math.prod(shape[1:])
            state[name] = torch.randn(shape, generator=gen) * math.sqrt(2.0 / fan_in)
        elif name.endswith("running_var") or name.endswith("batch3d.weight"):
            state[name] = 0.5 + torch.rand(shape, generator=gen)
        else:  # batch-norm bias and running mean, logits bias
            state[name] = 0.1 * torch.randn(shape, generator=gen)
    return state


@pytest.fixture(scope="module")
def clip() -> torch.Tensor:
    """Two different 16-frame 224x224 clips in [-1, 1]."""
    gen = torch.Generator().manual_seed(7)
    return torch.rand(2, 3, 16, 224, 224, generator=gen) * 2 - 1


@pytest.fixture(scope="module")
def saved_weights(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """A random state dict in the listed layout, written as a `.pth` file like the authors'."""
    state = random_state_dict(load_spec(), seed=3)
    path = tmp_path_factory.mktemp("weights") / "i3d_rgb.pth"
    torch.save(state, path)
    return state, path


@pytest.fixture(scope="module")
def batched_run(saved_weights, clip) -> dict:
    """One forward of the batch of two, recording feature-map shapes and the pooled output."""
    torch.set_num_threads(2)
    state, _ = saved_weights
    model = InceptionI3d().eval()
    model.load_state_dict(state, strict=True)
    shapes: dict[str, list[int]] = {}
    pooled: list[torch.Tensor] = []

    def record(name: str):
        def hook(_module, _inputs, output: torch.Tensor) -> None:
            shapes[name] = list(output.shape)
            if name == "avg_pool":
                pooled.append(output)

        return hook

    for name in EXPECTED_SHAPES:
        model.get_submodule(name).register_forward_hook(record(name))
    with torch.no_grad():
        logits = model(clip)
    return {"shapes": shapes, "logits": logits, "pooled": pooled[0]}


def test_state_dict_has_exactly_the_listed_keys_and_shapes() -> None:
    spec = load_spec()
    state = InceptionI3d().state_dict()
    assert len(state) == 344 == len(spec)
    assert set(state) == set(spec)
    for name, tensor in state.items():
        assert list(tensor.shape) == spec[name], name


def test_only_the_logits_convolution_has_a_bias() -> None:
    state = InceptionI3d().state_dict()
    biased = [name for name in state if name.endswith("conv3d.bias")]
    assert biased == ["conv3d_0c_1x1.conv3d.bias"]
    assert not any(name.startswith("conv3d_0c_1x1.batch3d") for name in state)


def test_same_padding_is_floor_before_ceil_after_in_pad_order() -> None:
    # F.pad order is (W before, W after, H before, H after, T before, T after).
    assert same_padding((7, 7, 7), (2, 2, 2)) == (2, 3, 2, 3, 2, 3)
    assert same_padding((1, 3, 3), (1, 2, 2)) == (0, 1, 0, 1, 0, 0)
    assert same_padding((3, 3, 3), (1, 1, 1)) == (1, 1, 1, 1, 1, 1)
    assert same_padding((2, 2, 2), (2, 2, 2)) == (0, 0, 0, 0, 0, 0)
    assert same_padding((1, 1, 1), (1, 1, 1)) == (0,) * 6


def test_stem_convolution_pads_two_before_three_after() -> None:
    """A weight on the first tap of the 7x7x7 stride-2 kernel reads input[2 * i - 2]."""
    model = InceptionI3d().eval()
    unit = model.conv3d_1a_7x7
    with torch.no_grad():
        unit.conv3d.weight.zero_()
        unit.conv3d.weight[0, 0, 0, 0, 0] = 1.0
        x = 1.0 + torch.arange(8 * 8 * 8, dtype=torch.float32).reshape(1, 1, 8, 8, 8)
        out = unit(torch.cat([x, torch.zeros_like(x), torch.zeros_like(x)], dim=1))
    assert out.shape == (1, 64, 4, 4, 4)
    scale = 1 / math.sqrt(1 + 1e-5)  # batch norm with fresh statistics and eps 1e-5
    assert out[0, 0, 0].abs().sum() == 0  # first output row reads the front padding
    assert out[0, 0, 1, 1, 1] == pytest.approx(x[0, 0, 0, 0, 0].item() * scale)
    assert out[0, 0, 3, 2, 1] == pytest.approx(x[0, 0, 4, 2, 0].item() * scale)


def test_max_pool_pads_after_and_keeps_the_ceil_window() -> None:
    pool = InceptionI3d().max_pool_2a  # kernel (1, 3, 3), stride (1, 2, 2)
    x = torch.arange(1.0, 6.0).reshape(1, 1, 1, 1, 5).expand(1, 1, 1, 5, 5)
    out = pool(x)
    assert out.shape == (1, 1, 1, 3, 3)
    assert out[0, 0, 0, 0].tolist() == [3.0, 5.0, 5.0]


def test_batch_norm_uses_pytorchs_epsilon_as_the_authors_port() -> None:
    norms = [m for m in InceptionI3d().modules() if isinstance(m, torch.nn.BatchNorm3d)]
    assert len(norms) == 57
    assert all(norm.eps == 1e-5 for norm in norms)


def test_pth_file_loads_strictly_and_round_trips(saved_weights) -> None:
    state, path = saved_weights
    loaded = torch.load(path, weights_only=True)
    model = InceptionI3d()
    model.load_state_dict(loaded, strict=True)
    round_trip = model.state_dict()
    for name, tensor in state.items():
        assert round_trip[name].dtype == tensor.dtype, name
        assert torch.equal(round_trip[name], tensor), name


def test_a_missing_or_misshaped_tensor_is_refused(saved_weights) -> None:
    state, _ = saved_weights
    missing = {k: v for k, v in state.items() if k != "mixed_4d.branch_1.1.conv3d.weight"}
    with pytest.raises(RuntimeError, match="mixed_4d.branch_1.1.conv3d.weight"):
        InceptionI3d().load_state_dict(missing, strict=True)
    misshaped = dict(state, **{"conv3d_0c_1x1.conv3d.bias": torch.zeros(399)})
    with pytest.raises(RuntimeError, match="conv3d_0c_1x1.conv3d.bias"):
        InceptionI3d().load_state_dict(misshaped, strict=True)


def test_same_padding_gives_the_expected_feature_map_sizes(batched_run) -> None:
    for name, expected in EXPECTED_SHAPES.items():
        assert batched_run["shapes"][name] == [2, *expected], name


def test_forward_gives_kinetics_logits(batched_run) -> None:
    logits = batched_run["logits"]
    assert logits.shape == (2, 400)
    assert torch.isfinite(logits).all()


def test_clip_feature_is_1024_d_and_independent_of_batch_size(saved_weights, clip, batched_run):
    """Each clip alone, from the `.pth` file, gives the feature it got inside the batch of two."""
    _, path = saved_weights
    model = InceptionI3d().eval()
    model.load_state_dict(torch.load(path, weights_only=True), strict=True)
    batched = batched_run["pooled"].flatten(1)
    assert batched.std() > 0.05  # a real signal, so the comparison below can fail
    assert not torch.allclose(batched[0], batched[1], atol=1e-2)
    with torch.no_grad():
        for index in range(2):
            alone = model.extract_features(clip[index : index + 1])
            assert alone.shape == (1, 1024)
            assert alone.dtype == torch.float32
            torch.testing.assert_close(alone[0], batched[index], rtol=1e-4, atol=1e-4)


def test_too_small_or_wrong_input_is_refused() -> None:
    model = InceptionI3d().eval()
    with torch.no_grad(), pytest.raises(ValueError, match="too small"):
        model.extract_features(torch.zeros(1, 3, 16, 32, 32))
    with pytest.raises(ValueError, match=r"\[B, 3, T, H, W\]"):
        model.extract_features(torch.zeros(1, 2, 16, 224, 224))

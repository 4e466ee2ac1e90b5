"""The ACTION-NET head: size, attention, order (in)variance, padding, gradients, ablations."""

from __future__ import annotations

import pytest
import torch

from judgeapp.model import ActionNet, HeadConfig

# Small feature sizes keep most tests fast; the paper sizes are checked where they matter.
DYN, STAT = 24, 40
PAPER_PARAMETERS = 3_542_787


def _count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _head(**kwargs) -> ActionNet:
    torch.manual_seed(kwargs.pop("seed", 0))
    return ActionNet(dynamic_dim=DYN, static_dim=STAT, **kwargs).eval()


def _inputs(batch: int, n: int, m: int, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(batch, n, DYN, generator=gen), torch.randn(batch, m, STAT, generator=gen)


def test_paper_head_has_the_papers_parameter_count_and_layer_sizes() -> None:
    model = ActionNet()
    assert _count(model) == PAPER_PARAMETERS
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes["encoders.dynamic.embedding.0.weight"] == (512, 1024)
    assert shapes["encoders.dynamic.embedding.2.weight"] == (256, 512)
    assert shapes["encoders.static.embedding.0.weight"] == (1024, 2048)
    assert shapes["encoders.static.embedding.2.weight"] == (256, 1024)
    for stream in ("dynamic", "static"):
        assert shapes[f"encoders.{stream}.context.layers.0.weight"] == (256, 256)
        assert shapes[f"encoders.{stream}.context.layers.1.weight"] == (256, 256)
        assert shapes[f"encoders.{stream}.attention.layers.0.weight"] == (128, 512)
        assert shapes[f"encoders.{stream}.attention.layers.2.weight"] == (1, 128)
    assert shapes["regressor.0.weight"] == (128, 1024)
    assert shapes["regressor.3.weight"] == (1, 128)
    assert model.config == HeadConfig()


@pytest.mark.parametrize("adjacency", ["feature", "temporal"])
def test_paper_sized_forward_gives_scores_and_attention(adjacency: str) -> None:
    torch.manual_seed(0)
    model = ActionNet(adjacency=adjacency).eval()
    out = model(torch.randn(2, 26, 1024), torch.randn(2, 80, 2048))
    assert out.score.shape == (2,)
    assert bool(((out.score > 0) & (out.score < 1)).all())
    assert out.dynamic_attention.shape == (2, 26)
    assert out.static_attention.shape == (2, 80)
    assert out.dynamic_feature.shape == (2, 512)
    assert out.static_feature.shape == (2, 512)


@pytest.mark.parametrize("adjacency", ["feature", "temporal"])
def test_attention_is_non_negative_and_sums_to_one(adjacency: str) -> None:
    model = _head(adjacency=adjacency)
    dynamic, static = _inputs(3, 9, 13)
    with torch.no_grad():
        out = model(dynamic, static)
    for weights in (out.dynamic_attention, out.static_attention):
        assert bool((weights >= 0).all())
        torch.testing.assert_close(weights.sum(dim=1), torch.ones(3))
        # not trivially uniform: the attention unit does discriminate
        assert float(weights.std(dim=1).min()) > 0


def _before_and_after_shuffle(adjacency: str):
    """Outputs for the same videos with their instances in the original and a shuffled order."""
    model = _head(adjacency=adjacency)
    dynamic, static = _inputs(2, 11, 17)
    perm_d, perm_s = torch.randperm(11), torch.randperm(17)
    with torch.no_grad():
        base = model(dynamic, static)
        shuffled = model(dynamic[:, perm_d], static[:, perm_s])
    return base, shuffled, perm_d, perm_s


def test_feature_adjacency_is_invariant_to_instance_order() -> None:
    base, shuffled, perm_d, perm_s = _before_and_after_shuffle("feature")
    assert torch.allclose(base.score, shuffled.score, atol=1e-6)
    assert torch.allclose(base.dynamic_feature, shuffled.dynamic_feature, atol=1e-5)
    assert torch.allclose(base.static_feature, shuffled.static_feature, atol=1e-5)
    assert torch.allclose(base.dynamic_attention[:, perm_d], shuffled.dynamic_attention, atol=1e-6)
    assert torch.allclose(base.static_attention[:, perm_s], shuffled.static_attention, atol=1e-6)


def test_temporal_adjacency_depends_on_instance_order() -> None:
    base, shuffled, _, _ = _before_and_after_shuffle("temporal")
    assert not torch.allclose(base.dynamic_feature, shuffled.dynamic_feature, atol=1e-4)
    assert not torch.allclose(base.static_feature, shuffled.static_feature, atol=1e-4)
    assert not torch.allclose(base.score, shuffled.score, atol=1e-6)


def _pad(videos: list[torch.Tensor], fill: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack videos of different lengths; the padding is 0, random values times `fill`, or NaN."""
    longest = max(v.shape[0] for v in videos)
    shape = (len(videos), longest, videos[0].shape[1])
    batch = torch.randn(shape) * fill if fill == fill else torch.full(shape, fill)
    mask = torch.zeros(len(videos), longest, dtype=torch.bool)
    for row, video in enumerate(videos):
        batch[row, : video.shape[0]] = video
        mask[row, : video.shape[0]] = True
    return batch, mask


@pytest.mark.parametrize("fill", [0.0, 50.0, float("nan")])
@pytest.mark.parametrize(
    "options",
    [
        {"adjacency": "feature"},
        {"adjacency": "temporal"},
        {"pooling": "average"},
        {"pooling": "sau"},
        {"streams": ("static",)},
    ],
)
def test_padded_batch_scores_like_single_unpadded_videos(options: dict, fill: float) -> None:
    model = _head(**options)
    lengths = [(5, 3), (2, 9), (7, 1), (1, 4)]
    gen = torch.Generator().manual_seed(3)
    dyn_videos = [torch.randn(n, DYN, generator=gen) for n, _ in lengths]
    stat_videos = [torch.randn(m, STAT, generator=gen) for _, m in lengths]
    dynamic, dynamic_mask = _pad(dyn_videos, fill)
    static, static_mask = _pad(stat_videos, fill)
    with torch.no_grad():
        batched = model(dynamic, static, dynamic_mask, static_mask)
        for row, (n, m) in enumerate(lengths):
            single = model(dyn_videos[row][None], stat_videos[row][None])
            torch.testing.assert_close(batched.score[row], single.score[0])
            torch.testing.assert_close(batched.static_feature[row], single.static_feature[0])
            torch.testing.assert_close(batched.dynamic_feature[row], single.dynamic_feature[0])
            torch.testing.assert_close(
                batched.static_attention[row, :m], single.static_attention[0]
            )
            assert bool((batched.static_attention[row, m:] == 0).all())
            assert bool((batched.dynamic_attention[row, n:] == 0).all())
            if "dynamic" in model.config.streams:
                torch.testing.assert_close(
                    batched.dynamic_attention[row, :n], single.dynamic_attention[0]
                )
    assert torch.isfinite(batched.score).all()


@pytest.mark.parametrize("adjacency", ["feature", "temporal"])
def test_padding_anywhere_in_a_video_is_ignored(adjacency: str) -> None:
    """Masked instances between real ones do not shift the temporal positions either."""
    model = _head(adjacency=adjacency)
    dynamic, static = _inputs(1, 6, 8)
    holes_d = torch.tensor([[True, False, True, True, False, False, True, True, True]])
    holes_s = torch.tensor([[False, True] + [True, False] * 3 + [True] * 4])
    padded_d = torch.randn(1, holes_d.shape[1], DYN) * 10
    padded_s = torch.randn(1, holes_s.shape[1], STAT) * 10
    padded_d[holes_d] = dynamic[0]
    padded_s[holes_s] = static[0]
    with torch.no_grad():
        compact = model(dynamic, static)
        holed = model(padded_d, padded_s, holes_d, holes_s)
    torch.testing.assert_close(holed.score, compact.score)
    torch.testing.assert_close(holed.dynamic_attention[holes_d], compact.dynamic_attention[0])
    torch.testing.assert_close(holed.static_attention[holes_s], compact.static_attention[0])
    assert bool((holed.dynamic_attention[~holes_d] == 0).all())


@pytest.mark.parametrize("adjacency", ["feature", "temporal"])
def test_gradients_reach_every_parameter(adjacency: str) -> None:
    model = _head(adjacency=adjacency).train()
    dynamic, static = _inputs(4, 7, 9)
    mask_d = torch.ones(4, 7, dtype=torch.bool)
    mask_d[1, 5:] = False
    target = torch.tensor([0.1, 0.9, 0.4, 0.7])
    loss = torch.nn.functional.mse_loss(model(dynamic, static, mask_d).score, target)
    loss.backward()
    for name, param in model.named_parameters():
        assert param.grad is not None, name
        assert bool(torch.isfinite(param.grad).all()), name
        if name.endswith("attention.layers.2.bias"):
            # A constant added to every logit leaves a softmax unchanged: this bias gets no
            # gradient by construction (the paper's parameter count includes it).
            assert float(param.grad.abs().max()) < 1e-6, name
        else:
            assert float(param.grad.abs().max()) > 0, name


def test_gradient_flows_through_the_feature_graph_into_the_embedding() -> None:
    """With feature adjacency the graph itself depends on the embedding (eq. 1)."""
    model = _head(adjacency="feature")
    dynamic, static = _inputs(1, 5, 6)
    encoder = model.encoders["dynamic"]
    embedded = encoder.embedding(dynamic).detach().requires_grad_(True)
    mask = torch.ones(1, 5, dtype=torch.bool)
    graph = encoder.context.graph(embedded, mask)
    graph.sum().backward()
    assert float(embedded.grad.abs().max()) > 0
    torch.testing.assert_close(graph, graph.transpose(1, 2))


@pytest.mark.parametrize("adjacency", ["feature", "temporal"])
def test_graph_is_eq_1_and_2_written_out(adjacency: str) -> None:
    """Â computed element by element from the paper's formulas (and the authors' temporal one)."""
    model = _head(adjacency=adjacency, kernel_scale=2.5)
    gen = torch.Generator().manual_seed(5)
    embedded = torch.rand(1, 6, 256, generator=gen)
    embedded[0, 4] = embedded[0, 1] + 1e-4  # a near-duplicate pair
    graph = model.encoders["static"].context.graph(embedded, torch.ones(1, 6, dtype=torch.bool))
    f = embedded[0].double()
    raw = torch.empty(6, 6, dtype=torch.float64)
    for i in range(6):
        for j in range(6):
            gap = torch.linalg.vector_norm(f[i] - f[j]) if adjacency == "feature" else abs(i - j)
            raw[i, j] = torch.exp(-torch.as_tensor(gap, dtype=torch.float64) / 2.5)
    if adjacency == "feature":
        raw = raw + torch.eye(6, dtype=torch.float64)
    inv_sqrt = raw.sum(dim=1).rsqrt()
    expected = inv_sqrt[:, None] * raw * inv_sqrt[None, :]
    torch.testing.assert_close(graph[0].double(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("adjacency", ["feature", "temporal"])
def test_single_instance_videos_work(adjacency: str) -> None:
    model = _head(adjacency=adjacency)
    dynamic, static = _inputs(2, 1, 1)
    out = model(dynamic, static)
    assert torch.equal(out.dynamic_attention, torch.ones(2, 1))
    assert torch.equal(out.static_attention, torch.ones(2, 1))
    assert bool(torch.isfinite(out.score).all())


# Expected sizes, from the layer shapes: stream = embedding + GCN 2x(256*256+256) + ATT-U
# (512*128+128) + (128+1); regressor (in*128+128) + (128+1).
ABLATIONS = [
    ({"streams": ("dynamic",)}, 919_298, ("dynamic",), 512),
    ({"streams": ("static",)}, 2_623_746, ("static",), 512),
    ({"pooling": "average"}, 3_411_201, ("dynamic", "static"), 512),
    ({"pooling": "sau"}, 3_148_547, ("dynamic", "static"), 256),
    ({"adjacency": "temporal"}, PAPER_PARAMETERS, ("dynamic", "static"), 512),
]


@pytest.mark.parametrize(("options", "parameters", "streams", "feature_dim"), ABLATIONS)
def test_ablation_variants_have_the_expected_layout(
    options: dict, parameters: int, streams: tuple, feature_dim: int
) -> None:
    torch.manual_seed(0)
    model = ActionNet(**options).eval()
    assert _count(model) == parameters
    names = [name for name, _ in model.named_parameters()]
    for stream in ("dynamic", "static"):
        used = any(n.startswith(f"encoders.{stream}.") for n in names)
        assert used == (stream in streams)
    has_context = any(".context." in n for n in names)
    has_attention = any(".attention." in n for n in names)
    assert has_context == (options.get("pooling") != "sau")
    assert has_attention == (options.get("pooling") != "average")
    regressor_in = dict(model.named_parameters())["regressor.0.weight"].shape[1]
    assert regressor_in == feature_dim * len(streams)

    out = model(torch.randn(2, 4, 1024), torch.randn(2, 6, 2048))
    assert out.score.shape == (2,)
    for stream, count in (("dynamic", 4), ("static", 6)):
        weights = getattr(out, f"{stream}_attention")
        feature = getattr(out, f"{stream}_feature")
        assert weights.shape == (2, count)
        if stream in streams:
            assert feature.shape == (2, feature_dim)
            torch.testing.assert_close(weights.sum(dim=1), torch.ones(2))
        else:
            assert feature.shape == (2, 0)
            assert bool((weights == 0).all())


def test_single_stream_head_ignores_the_other_input() -> None:
    model = _head(streams=("dynamic",))
    dynamic, static = _inputs(2, 5, 3)
    with torch.no_grad():
        with_static = model(dynamic, static)
        other_static = model(dynamic, torch.randn(2, 8, STAT))
        without = model(dynamic, None)
    torch.testing.assert_close(with_static.score, other_static.score)
    torch.testing.assert_close(with_static.score, without.score)
    assert without.static_attention.shape == (2, 0)
    assert without.static_feature.shape == (2, 0)


def test_average_pooling_reports_uniform_weights_over_valid_instances() -> None:
    model = _head(pooling="average")
    dynamic, static = _inputs(2, 4, 5)
    mask_s = torch.tensor([[True] * 5, [True, True, False, False, False]])
    out = model(dynamic, static, None, mask_s)
    torch.testing.assert_close(out.dynamic_attention, torch.full((2, 4), 0.25))
    torch.testing.assert_close(out.static_attention[0], torch.full((5,), 0.2))
    torch.testing.assert_close(out.static_attention[1], torch.tensor([0.5, 0.5, 0, 0, 0]))


def test_bad_inputs_are_refused_with_clear_errors() -> None:
    model = _head()
    dynamic, static = _inputs(2, 3, 4)
    with pytest.raises(ValueError, match="static features are 7-d"):
        model(dynamic, torch.randn(2, 4, 7))
    with pytest.raises(ValueError, match="at least one dynamic instance"):
        model(dynamic, static, torch.tensor([[True, True, True], [False, False, False]]))
    with pytest.raises(ValueError, match="batch sizes"):
        model(dynamic, static[:1])
    with pytest.raises(ValueError, match="no static input"):
        model(dynamic, None)
    with pytest.raises(ValueError, match="dynamic_mask"):
        model(dynamic, static, torch.ones(2, 3))


def test_head_config_round_trips_and_validates() -> None:
    config = HeadConfig(
        dynamic_dim=DYN,
        static_dim=STAT,
        adjacency="temporal",
        kernel_scale=2,
        streams=("static", "dynamic"),
        pooling="sau",
        dropout=0.25,
    )
    assert config.streams == ("dynamic", "static")
    assert config.kernel_scale == 2.0
    assert HeadConfig.from_dict(config.to_dict()) == config
    model = ActionNet.from_config(config)
    assert model.config == config
    for bad in (
        {"adjacency": "cosine"},
        {"pooling": "max"},
        {"streams": ()},
        {"streams": ("dynamic", "dynamic")},
        {"streams": ("audio",)},
        {"kernel_scale": 0},
        {"dropout": 1.0},
        {"dynamic_dim": 0},
    ):
        with pytest.raises(ValueError):
            HeadConfig(**bad)
    with pytest.raises(ValueError, match="unknown head configuration keys: layers"):
        HeadConfig.from_dict({**config.to_dict(), "layers": 3})

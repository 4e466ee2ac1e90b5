"""Table 1's baselines and Table 3's attention variants (model/baselines.py): each against a
reference written here from the papers' descriptions (shapes, parameter counts, one forward pass
with the module's own weights), padding, checkpoints through the real loading code, and
learning the planted signal."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from judgeapp.model import ActionNet, load_checkpoint, random_head, save_checkpoint
from judgeapp.model.card import ModelCard
from judgeapp.model.predict import score_videos
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.labels import Label
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.runs import FeatureSource, train_run
from judgeapp.training.svr import train_svr
from judgeapp.training.synthetic import SyntheticSpec, make_videos

DYN, STAT = 12, 10
NEW_POOLINGS = ("lstm_sau", "bilstm_sau", "rta", "avg_svr", "max_svr", "lstm", "bilstm")


# --- references written from the descriptions --------------------------------------------------


def lstm_reference(x: torch.Tensor, w_ih, w_hh, b_ih, b_hh) -> torch.Tensor:
    """A plain LSTM over x [T, D] (gates i, f, g, o): all hidden states [T, H]."""
    hidden = w_hh.shape[1]
    h = torch.zeros(hidden, dtype=torch.float64)
    c = torch.zeros(hidden, dtype=torch.float64)
    out = []
    for t in range(x.shape[0]):
        gates = w_ih @ x[t] + b_ih + w_hh @ h + b_hh
        i, f, g, o = gates.split(hidden)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        out.append(h)
    return torch.stack(out)


def _weights(rnn, suffix: str = "") -> tuple:
    return tuple(
        getattr(rnn, f"{name}_l0{suffix}").detach().double()
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )


def rnn_reference(rnn, x: torch.Tensor, bidirectional: bool) -> torch.Tensor:
    """Every step's output [T, H or 2H]: forward states, and the backward LSTM's run over the
    reversed sequence, re-reversed."""
    forward = lstm_reference(x, *_weights(rnn))
    if not bidirectional:
        return forward
    backward = lstm_reference(x.flip(0), *_weights(rnn, "_reverse")).flip(0)
    return torch.cat([forward, backward], dim=1)


def mlp(x: torch.Tensor, *layers) -> torch.Tensor:
    """FC, ReLU, FC, ... (ReLU between the layers, none after the last)."""
    for k, layer in enumerate(layers):
        x = x @ layer.weight.detach().double().T + layer.bias.detach().double()
        if k < len(layers) - 1:
            x = torch.relu(x)
    return x


def embed(encoder, x: torch.Tensor) -> torch.Tensor:
    """The paper's embedding: FC in -> in/2, ReLU, FC -> 256, ReLU."""
    return torch.relu(mlp(x, encoder.embedding[0], encoder.embedding[2]))


def att_u(unit, x: torch.Tensor) -> torch.Tensor:
    """ATT-U: FC -> 128, ReLU, FC -> 1; softmax over the instances."""
    return torch.softmax(mlp(x, unit.layers[0], unit.layers[2]).squeeze(-1), dim=0)


def paper_regressor(regressor, fused: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(mlp(fused, regressor[0], regressor[3]))


def reference_score(model: ActionNet, streams: dict[str, torch.Tensor]) -> float:
    """One video's score computed from the descriptions with the model's weights."""
    pooling = model.config.pooling
    parts = []
    for stream in model.config.streams:
        x = streams[stream].double()
        encoder = model.encoders[stream]
        if pooling == "avg_svr":
            parts.append(x.mean(0))
        elif pooling == "max_svr":
            parts.append(x.max(0).values)
        elif pooling in ("lstm", "bilstm"):
            bi = pooling == "bilstm"
            states = rnn_reference(encoder.rnn, x, bi)
            hidden = encoder.rnn.hidden_size
            # Last state: the forward direction's at the end, the backward one's at the start.
            parts.append(
                torch.cat([states[-1, :hidden], states[0, hidden:]]) if bi else states[-1]
            )
        elif pooling in ("lstm_sau", "bilstm_sau"):
            context = rnn_reference(encoder.rnn, embed(encoder, x), pooling == "bilstm_sau")
            parts.append(att_u(encoder.attention, context) @ context)
        elif pooling == "rta":
            f = embed(encoder, x)
            parts.append(torch.cat([att_u(unit, f) @ f for unit in encoder.filters]))
    fused = torch.cat(parts)
    regressor = model.regressor
    if pooling in ("avg_svr", "max_svr"):
        standard = (fused - regressor.mean.double()) / regressor.scale.double()
        return float(mlp(standard, regressor.linear))
    if pooling in ("lstm", "bilstm"):
        return float(torch.sigmoid(mlp(fused, regressor[0])))
    return float(paper_regressor(regressor, fused))


def reference_parameters(pooling: str, dyn: int, stat: int) -> int:
    """Parameter counts from the descriptions, both streams."""

    def lstm(inp: int, hidden: int, directions: int) -> int:
        return directions * (4 * hidden * (inp + hidden) + 8 * hidden)

    def embedding(d: int) -> int:
        return d * (d // 2) + d // 2 + (d // 2) * 256 + 256

    att = 256 * 128 + 128 + 128 + 1
    paper_regressor = lambda fused: fused * 128 + 128 + 128 + 1  # noqa: E731
    if pooling in ("avg_svr", "max_svr"):
        return dyn + stat + 1  # the linear map (mean and scale are buffers)
    if pooling == "lstm":
        return lstm(dyn, 256, 1) + lstm(stat, 256, 1) + 512 + 1
    if pooling == "bilstm":
        return lstm(dyn, 128, 2) + lstm(stat, 128, 2) + 512 + 1
    if pooling in ("lstm_sau", "bilstm_sau"):
        hidden, directions = (256, 1) if pooling == "lstm_sau" else (128, 2)
        per_stream = lambda d: embedding(d) + lstm(256, hidden, directions) + att  # noqa: E731
        return per_stream(dyn) + per_stream(stat) + paper_regressor(512)
    if pooling == "rta":
        return embedding(dyn) + embedding(stat) + 6 * att + paper_regressor(2 * 768)
    raise AssertionError(pooling)


# --- shapes, counts and one forward pass --------------------------------------------------------


@pytest.mark.parametrize("pooling", NEW_POOLINGS)
def test_parameter_counts_at_the_papers_feature_sizes(pooling):
    with torch.device("meta"):
        model = ActionNet(pooling=pooling)  # 1024-d I3D, 2048-d ResNet
    assert sum(p.numel() for p in model.parameters()) == reference_parameters(pooling, 1024, 2048)


FEATURE_DIMS = {
    "lstm_sau": 256, "bilstm_sau": 256, "rta": 768, "lstm": 256, "bilstm": 256,
    "avg_svr": DYN, "max_svr": DYN,
}  # fmt: skip


@pytest.mark.parametrize("pooling", NEW_POOLINGS)
def test_forward_matches_the_reference_and_padding_is_exact(pooling):
    torch.manual_seed(1)
    model = ActionNet(dynamic_dim=DYN, static_dim=STAT, pooling=pooling, dropout=0.0).eval()
    if pooling in ("avg_svr", "max_svr"):  # give the standardisation non-trivial values
        model.regressor.mean.uniform_(-0.5, 0.5)
        model.regressor.scale.uniform_(0.5, 2.0)
    dynamic, static = torch.rand(1, 7, DYN), torch.rand(1, 9, STAT)
    with torch.no_grad():
        out = model(dynamic, static)
    assert out.score.shape == (1,)
    assert out.dynamic_feature.shape == (1, FEATURE_DIMS[pooling])
    assert out.dynamic_attention.shape == (1, 7) and out.static_attention.shape == (1, 9)
    assert torch.allclose(out.dynamic_attention.sum(1), torch.ones(1))
    expected = reference_score(model, {"dynamic": dynamic[0], "static": static[0]})
    assert float(out.score) == pytest.approx(expected, abs=1e-5)
    # The same video padded inside a batch (garbage in the padding) scores the same.
    padded_dyn = torch.full((2, 11, DYN), 7.0)
    padded_dyn[0, :7] = dynamic[0]
    padded_stat = torch.full((2, 12, STAT), 7.0)
    padded_stat[0, :9] = static[0]
    dyn_mask = torch.zeros(2, 11, dtype=torch.bool)
    dyn_mask[0, :7] = True
    dyn_mask[1] = True
    stat_mask = torch.zeros(2, 12, dtype=torch.bool)
    stat_mask[0, :9] = True
    stat_mask[1] = True
    with torch.no_grad():
        batch = model(padded_dyn, padded_stat, dyn_mask, stat_mask)
    assert float(batch.score[0]) == pytest.approx(float(out.score), abs=1e-5)
    assert float(batch.dynamic_attention[0, 7:].abs().sum()) == 0.0


def test_max_pooling_attention_is_the_share_of_maxima():
    model = ActionNet(dynamic_dim=4, static_dim=3, pooling="max_svr", streams=("dynamic",))
    dynamic = torch.tensor([[[1.0, 0, 0, 5], [0, 2, 3, 0], [0, 0, 0, 0]]])
    out = model(dynamic, None)
    assert out.dynamic_attention.tolist() == [[0.5, 0.5, 0.0]]


# --- checkpoints: saved with safetensors, loaded by the real code, one prediction path ----------


def _card(model: ActionNet) -> ModelCard:
    return ModelCard(name="t", head=model.config.to_dict(), profile="paper")


@pytest.mark.parametrize("pooling", NEW_POOLINGS)
def test_checkpoint_round_trip_scores_the_same(tmp_path, pooling):
    torch.manual_seed(2)
    model = ActionNet(dynamic_dim=DYN, static_dim=STAT, pooling=pooling).eval()
    if pooling in ("avg_svr", "max_svr"):
        model.regressor.mean.uniform_(-0.5, 0.5)
        model.regressor.scale.uniform_(0.5, 2.0)
    rng = np.random.default_rng(0)
    dynamic = [rng.random((n, DYN), dtype=np.float32) for n in (30, 20)]
    static = [rng.random((n, STAT), dtype=np.float32) for n in (90, 70)]
    before = score_videos(model, _card(model), dynamic, static).scores
    save_checkpoint(tmp_path / "h.safetensors", model, _card(model))
    assert b"\x80\x04" not in (tmp_path / "h.safetensors").read_bytes()[:2]
    loaded, card = load_checkpoint(tmp_path / "h.safetensors")
    assert card.head["pooling"] == pooling
    after = score_videos(loaded, card, dynamic, static).scores
    np.testing.assert_allclose(after, before, atol=1e-6)


def test_card_words_name_each_graphs_source_and_never_exact():
    from judgeapp.model.card import POOLING_TEXT, describe_head

    paper = describe_head({})
    released = describe_head({"adjacency": "temporal"})
    assert "graph from the paper's text (eq. 1" in paper and "default" in paper
    assert "graph from the authors' released code (exp(-|i - j| / K)" in released
    assert "no self-loops" in released
    for pooling in POOLING_TEXT:
        for adjacency in ("feature", "temporal"):
            assert "exact" not in describe_head({"pooling": pooling, "adjacency": adjacency})
    assert "graph" not in describe_head({"pooling": "rta"})


def test_random_head_still_the_paper_head():
    model, _ = random_head("paper", 1024, 2048)
    assert sum(p.numel() for p in model.parameters()) == 3_542_787


# --- the SVR: fitted with scikit-learn, predicted through the head --------------------------------


def _feature_set(videos) -> FeatureSet:
    labels = [Label(v.name, "all", v.score) for v in videos]
    return FeatureSet(labels, [v.dynamic for v in videos], [v.static for v in videos])


def _source() -> FeatureSource:
    return FeatureSource(
        features=__import__("pathlib").Path("planted"),
        labels=__import__("pathlib").Path(__file__),
        profile="paper",
        backbones_pretrained=None,
        from_manifest=False,
    )


def test_svr_prediction_equals_scikit_learns_on_the_pooled_windows():
    from sklearn.svm import LinearSVR

    spec = SyntheticSpec(
        videos=40, dynamic_dim=DYN, static_dim=STAT, segments=(8, 10), frames=(12, 14)
    )
    train = _feature_set(make_videos(spec, 0))
    test = _feature_set(make_videos(spec, 1))
    config = TrainConfig(segments=6, frames=10, head={"pooling": "avg_svr"}, svr_c=0.5)
    outcome = train_svr(train, config, 25.0)

    def pooled(data: FeatureSet) -> np.ndarray:  # centred windows, averaged, both streams
        rows = []
        for dyn, stat in zip(data.dynamic, data.static, strict=True):
            d0, s0 = (len(dyn) - 6) // 2, (len(stat) - 10) // 2
            rows.append(np.concatenate([dyn[d0 : d0 + 6].mean(0), stat[s0 : s0 + 10].mean(0)]))
        return np.asarray(rows, dtype=np.float64)

    x = pooled(train)
    mean, scale = x.mean(0), x.std(0)
    svr = LinearSVR(C=0.5, epsilon=0.0, dual=True, max_iter=100_000, random_state=0)
    svr.fit((x - mean) / scale, train.scores / 25.0)
    expected = svr.predict((pooled(test) - mean) / scale) * 25.0
    card = ModelCard(
        name="svr", head=outcome.model.config.to_dict(), profile="paper",
        protocol={"window": config.to_dict()["window"]},
    )  # fmt: skip
    got = score_videos(outcome.model, card, test.dynamic, test.static).scores
    np.testing.assert_allclose(got, expected, atol=1e-4)


# --- learning the planted signal -------------------------------------------------------------


@pytest.fixture
def one_thread():
    """One torch thread: on a shared 2-core machine small networks run many times faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def planted():
    spec = SyntheticSpec(
        videos=60, dynamic_dim=32, static_dim=48, segments=(10, 12), frames=(14, 16),
        decoys=False,
    )  # fmt: skip
    return _feature_set(make_videos(spec, 0)), _feature_set(make_videos(spec, 1))


@pytest.mark.parametrize(
    "head",
    [
        {"pooling": "avg_svr", "streams": ("dynamic",)},
        {"pooling": "max_svr", "streams": ("dynamic",)},
        {"pooling": "lstm", "streams": ("dynamic",)},
        {"pooling": "bilstm", "streams": ("static",)},
        {"pooling": "lstm_sau"},
        {"pooling": "bilstm_sau"},
        {"pooling": "rta"},
    ],
    ids=lambda h: "-".join([h["pooling"], *h.get("streams", ())]),
)
def test_each_variant_learns_the_planted_signal(planted, head, one_thread):
    train, test = planted
    config = TrainConfig(epochs=30, batch_size=8, segments=10, frames=14, head=head)
    result = train_run(
        train, config, score_max=25.0, routine="all", target="total", source=_source(),
        test_set=test, test_source=_source(),
    )  # fmt: skip
    # One stream carries half of the score (the other stream's share is noise to it).
    assert result.test_spearman > 0.3, result.test_spearman
    assert result.card.head["pooling"] == head["pooling"]

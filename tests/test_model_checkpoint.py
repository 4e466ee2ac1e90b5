"""Head checkpoints: safetensors round trips, model cards, and refusal of everything else."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from judgeapp.core.errors import CheckpointError
from judgeapp.model import (
    ActionNet,
    HeadConfig,
    ModelCard,
    card_is_calibrated,
    load_checkpoint,
    random_head,
    save_checkpoint,
)
from judgeapp.model.checkpoint import CARD_KEY

DYN, STAT = 16, 24


def _trained_card(model: ActionNet) -> ModelCard:
    return ModelCard(
        name="ball-total",
        head=model.config.to_dict(),
        profile="paper",
        routine="ball",
        target="total",
        score_max=25.0,
        trained_on="RG ball train split, authors' released features",
        protocol={"epochs": 400, "lr_attention": 0.01, "lr_regressor": 0.05},
        val_spearman=0.5,
        test_spearman=0.52,
        seed=7,
        backbones_pretrained=True,
        trained=True,
    )


def _saved(tmp_path: Path, **options) -> tuple[Path, ActionNet, ModelCard]:
    torch.manual_seed(0)
    model = ActionNet(dynamic_dim=DYN, static_dim=STAT, **options).eval()
    path = tmp_path / "head.safetensors"
    card = save_checkpoint(path, model, _trained_card(model))
    return path, model, card


def _refused(path: Path, match: str) -> str:
    with pytest.raises(CheckpointError, match=match) as info:
        load_checkpoint(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


@pytest.mark.parametrize(
    "options", [{}, {"adjacency": "temporal", "kernel_scale": 3.0}, {"pooling": "sau"}]
)
def test_round_trip_gives_the_same_head_and_card(tmp_path: Path, options: dict) -> None:
    path, model, card = _saved(tmp_path, **options)
    loaded, loaded_card = load_checkpoint(path)
    assert loaded_card == card
    assert loaded.config == model.config
    assert not loaded.training
    dynamic, static = torch.randn(2, 5, DYN), torch.randn(2, 3, STAT)
    with torch.no_grad():
        expected, got = model(dynamic, static), loaded(dynamic, static)
    assert torch.equal(expected.score, got.score)
    assert torch.equal(expected.dynamic_attention, got.dynamic_attention)
    assert [p.name for p in tmp_path.iterdir()] == ["head.safetensors"]


def test_saved_card_takes_the_models_own_configuration(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = ActionNet(dynamic_dim=DYN, static_dim=STAT, streams=("static",))
    wrong = _trained_card(ActionNet(dynamic_dim=DYN, static_dim=STAT))
    card = save_checkpoint(tmp_path / "h.safetensors", model, wrong)
    assert HeadConfig.from_dict(card.head) == model.config
    loaded, _ = load_checkpoint(tmp_path / "h.safetensors")
    assert loaded.config.streams == ("static",)


class _MarkerPayload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
@pytest.mark.parametrize("name", ["evil.safetensors", "evil.pth"])
def test_a_pickle_is_refused_without_running_its_code(
    tmp_path: Path, protocol: int, name: str
) -> None:
    payload = pickle.dumps({"weights": _MarkerPayload(tmp_path / "marker")}, protocol=protocol)
    # The payload is live: unpickling it really does create a marker file.
    probe = pickle.dumps(_MarkerPayload(tmp_path / "probe"), protocol=protocol)
    pickle.loads(probe).close()
    assert (tmp_path / "probe").exists()

    path = tmp_path / name
    path.write_bytes(payload)
    _refused(path, "pickle|not a safetensors")
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize("zip_format", [True, False])
def test_a_torch_save_file_is_refused(tmp_path: Path, zip_format: bool) -> None:
    torch.manual_seed(0)
    model = ActionNet(dynamic_dim=DYN, static_dim=STAT)
    path = tmp_path / "head.pth"
    torch.save(model.state_dict(), path, _use_new_zipfile_serialization=zip_format)
    _refused(path, "zip archive|pickle")


@pytest.mark.parametrize("keep", [0.5, 0.99, 12, 5])
def test_a_truncated_checkpoint_is_refused(tmp_path: Path, keep: float) -> None:
    path, _, _ = _saved(tmp_path)
    data = path.read_bytes()
    cut = int(len(data) * keep) if keep < 1 else int(keep)
    path.write_bytes(data[:cut])
    _refused(path, "truncated|not a readable|too short|not a safetensors")


def test_missing_empty_and_folder_paths_are_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "nowhere.safetensors", "not found")
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    _refused(empty, "empty file")
    _refused(tmp_path, "not a file")
    text = tmp_path / "notes.safetensors"
    text.write_text("these are not weights, just some words\n")
    _refused(text, "not a safetensors")


def _rewrite(path: Path, tensors: dict, card: dict | str | None) -> None:
    metadata = None
    if card is not None:
        metadata = {CARD_KEY: card if isinstance(card, str) else json.dumps(card)}
    save_file(tensors, str(path), metadata=metadata)


def test_weights_that_do_not_fit_the_card_are_refused(tmp_path: Path) -> None:
    path, model, card = _saved(tmp_path)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}

    bigger = {**card.to_dict(), "head": {**card.head, "dynamic_dim": DYN * 2}}
    _rewrite(path, tensors, bigger)
    _refused(path, r"encoders\.dynamic\.embedding\.0\.weight is \[8, 16\], expected \[16, 32\]")

    fewer = dict(tensors)
    del fewer["regressor.3.bias"]
    _rewrite(path, fewer, card.to_dict())
    _refused(path, r"1 missing \(first: regressor\.3\.bias\)")

    extra = {**tensors, "encoders.audio.weight": torch.zeros(2)}
    _rewrite(path, extra, card.to_dict())
    _refused(path, "1 unexpected")

    single = {**card.to_dict(), "head": {**card.head, "streams": ["dynamic"]}}
    _rewrite(path, tensors, single)
    _refused(path, "unexpected")

    broken = {**tensors, "regressor.3.bias": torch.tensor([float("nan")])}
    _rewrite(path, broken, card.to_dict())
    _refused(path, "NaN")


@pytest.mark.parametrize(
    ("card_change", "match"),
    [
        (None, "no judgeapp model card"),
        ("{not json", "not valid JSON"),
        ({"format_version": 2}, "format_version 2 is not supported"),
        ({"target": "artistry"}, "target must be one of"),
        ({"score_max": -1}, "score_max must be positive"),
        ({"trained": "yes"}, "trained must be bool"),
        ({"head": {"dynamic_dim": DYN, "static_dim": STAT, "layers": 9}}, "unknown head"),
        ({"surprise": 1}, "unknown fields: surprise"),
    ],
)
def test_an_invalid_model_card_is_refused(tmp_path: Path, card_change, match: str) -> None:
    path, model, card = _saved(tmp_path)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    if card_change is None or isinstance(card_change, str):
        new_card = card_change
    else:
        new_card = {**card.to_dict(), **card_change}
    _rewrite(path, tensors, new_card)
    _refused(path, match)


def test_a_card_without_a_field_is_refused(tmp_path: Path) -> None:
    path, model, card = _saved(tmp_path)
    data = card.to_dict()
    del data["profile"]
    _rewrite(path, {k: v.contiguous() for k, v in model.state_dict().items()}, data)
    _refused(path, "lacks fields: profile")


def test_a_failed_save_leaves_the_previous_checkpoint_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, model, card = _saved(tmp_path)
    before = path.read_bytes()

    def half_write(tensors, filename, metadata=None):
        Path(filename).write_bytes(b"partial")
        raise RuntimeError("disk gone")

    monkeypatch.setattr("judgeapp.model.checkpoint.save_file", half_write)
    with pytest.raises(RuntimeError):
        save_checkpoint(path, model, card)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["head.safetensors"]


def test_random_head_is_untrained_seeded_and_leaves_the_global_rng_alone(tmp_path: Path) -> None:
    torch.manual_seed(123)
    state = torch.get_rng_state()
    head, card = random_head("torchvision", 1024, 2048, seed=3, routine="hoop", score_max=20.0)
    assert torch.equal(torch.get_rng_state(), state)
    assert card.trained is False and card.backbones_pretrained is None
    assert (card.profile, card.routine, card.score_max, card.seed) == (
        "torchvision",
        "hoop",
        20.0,
        3,
    )
    assert sum(p.numel() for p in head.parameters()) == 3_542_787
    again, _ = random_head("torchvision", 1024, 2048, seed=3)
    other, _ = random_head("torchvision", 1024, 2048, seed=4)
    first = next(iter(head.state_dict().values()))
    assert torch.equal(first, next(iter(again.state_dict().values())))
    assert not torch.equal(first, next(iter(other.state_dict().values())))
    save_checkpoint(tmp_path / "random.safetensors", head, card)
    _, loaded = load_checkpoint(tmp_path / "random.safetensors")
    assert loaded == card and not card_is_calibrated(loaded, backbones_pretrained=True)


def test_calibration_needs_a_trained_head_and_pretrained_backbones() -> None:
    head = HeadConfig(dynamic_dim=DYN, static_dim=STAT).to_dict()
    trained = ModelCard(name="t", head=head, profile="paper", trained=True)
    untrained = ModelCard(name="u", head=head, profile="paper", trained=False)
    on_random = ModelCard(
        name="r", head=head, profile="paper", trained=True, backbones_pretrained=False
    )
    assert card_is_calibrated(trained, backbones_pretrained=True)
    assert not card_is_calibrated(trained, backbones_pretrained=False)
    assert not card_is_calibrated(untrained, backbones_pretrained=True)
    assert not card_is_calibrated(on_random, backbones_pretrained=True)

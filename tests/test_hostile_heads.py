"""Hostile model cards and heads that cannot work (issue 11, classes 3, 6 and 10).

Any card text gives a card or one line naming the file; a card that declares huge feature
sizes is checked against the file's tensors before anything that size is allocated (a child
process under a memory limit); a head whose card names an unknown profile or other feature
sizes is refused at install, skipped as the default, and refused by `score` before decoding.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hostile_helpers import json_values
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from limits_helpers import run_limited
from safetensors.numpy import save_file
from weights_helpers import files_in, save_head

from judgeapp.cli import main
from judgeapp.core.errors import CheckpointError
from judgeapp.model import ModelCard, random_head, read_model_card
from judgeapp.model.config import STREAMS
from judgeapp.model.header import CARD_KEY
from judgeapp.weights.head_resolver import resolve_head
from judgeapp.weights.heads import heads_dir, install_head

HYPOTHESIS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))


def _card_dict() -> dict:
    _, card = random_head("torchvision", 1024, 2048)
    return card.to_dict()


CARD = _card_dict()


def _header_only(path: Path, card_text: str) -> Path:
    """A safetensors file holding one small tensor and `card_text` as the model card."""
    import numpy as np

    save_file({"x": np.zeros(2, np.float32)}, str(path), metadata={CARD_KEY: card_text})
    return path


def _assert_one_line_naming(exc: CheckpointError, path: Path) -> None:
    """The error is one line (no line break of any kind) that starts with the file's path."""
    text = str(exc)
    assert text.startswith(f"{path}: "), text
    assert "\n" not in text and len(text.splitlines()) == 1, text


@HYPOTHESIS
@given(key=st.sampled_from(sorted(CARD)), value=json_values)
def test_any_card_field_gives_a_card_or_one_line(tmp_path, key, value):
    path = _header_only(tmp_path / "head.safetensors", json.dumps({**CARD, key: value}))
    try:
        card = read_model_card(path)
    except CheckpointError as exc:
        _assert_one_line_naming(exc, path)
        return
    assert isinstance(card, ModelCard) and card.score_max > 0


@HYPOTHESIS
@given(
    key=st.sampled_from(["dynamic_dim", "static_dim", "streams", "pooling", "kernel_scale"]),
    value=json_values,
)
@example(key="streams", value=["static", "dynamic"])  # accepted, whatever else is drawn
@example(key="kernel_scale", value=3)
@example(key="pooling", value="line\nbreak")  # refused
def test_any_head_configuration_gives_a_card_or_one_line(tmp_path, key, value):
    head = {**CARD["head"], key: value}
    path = _header_only(tmp_path / "head.safetensors", json.dumps({**CARD, "head": head}))
    try:
        card = read_model_card(path)
    except CheckpointError as exc:
        _assert_one_line_naming(exc, path)
        return
    # Accepted: the card holds the head as written, and the configuration it gives has the value.
    assert card.head == head
    if key == "streams":
        expected = tuple(s for s in STREAMS if s in value)  # always (dynamic, static) order
    elif key == "kernel_scale":
        expected = float(value)
    else:
        expected = value
    assert getattr(card.head_config, key) == expected


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=300) | st.just("[" * 50_000 + "]" * 50_000))
def test_any_card_text_gives_a_card_or_a_value_error(text):
    with pytest.raises(ValueError):
        ModelCard.from_json(text)


def _real_tensors_huge_card(path: Path, dynamic_dim: int) -> Path:
    """The tensors of a real 1024/2048 head under a card that declares `dynamic_dim`."""
    from safetensors.torch import save_file as save_torch

    model, card = random_head("torchvision", 1024, 2048)
    card_dict = {**card.to_dict(), "trained": True}
    card_dict["head"] = {**card_dict["head"], "dynamic_dim": dynamic_dim}
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_torch(tensors, str(path), metadata={CARD_KEY: json.dumps(card_dict)})
    return path


def test_a_card_with_huge_sizes_allocates_nothing_under_a_memory_limit(tmp_path):
    """80 GB of weights declared by a 14 MB file: refused by shape, within 1.5 GiB."""
    path = _real_tensors_huge_card(tmp_path / "huge.safetensors", 200_000)
    code, err = run_limited(["models", "install", str(path)])  # the cache: _own_cache's
    assert code == 1
    assert err.startswith(f"error: {path}: weights do not match the card's head"), err
    assert files_in(heads_dir()) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"profile": "nonesuch"}, "its model card names the unknown feature profile 'nonesuch'"),
        ({"dims": (1000, 2048)}, "its model card expects 1000-d dynamic features"),
    ],
)
def test_a_head_that_cannot_work_is_not_installed(tmp_path, changes, problem):
    source = tmp_path / "bad.safetensors"
    save_head(source, **changes)
    with pytest.raises(CheckpointError) as info:
        install_head(source)
    assert str(info.value).startswith(f"{source}: this head cannot score videos: {problem}")
    assert files_in(heads_dir()) == []


def test_an_unusable_head_copied_in_is_not_the_default(tmp_path, media_dir, capsys):
    good = tmp_path / "good.safetensors"
    save_head(good, "ball", seed=1)
    install_head(good)
    heads_dir().mkdir(parents=True, exist_ok=True)
    bad = heads_dir() / "newer.safetensors"  # copied in by hand, newest
    save_head(bad, "hoop", dims=(1000, 2048))
    later = time.time() + 60
    os.utime(bad, (later, later))
    default = resolve_head(None, "torchvision")
    assert default.path is not None and default.path.name == "good.safetensors"

    # Named explicitly, it fails before any decoding, naming the file.
    code = main(["score", str(media_dir / "squats_portrait_5fps.mp4"), "--model", str(bad),
                 "--pretrained", "none", "--detector", "none"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: {bad}: this head cannot score videos: its model card expects")

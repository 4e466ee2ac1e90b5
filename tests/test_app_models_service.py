"""app.models_service without Qt: the real registry, heads folder and model packs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from weights_helpers import (
    files_in,
    own_weights_folders,
    pickle_file,
    registered_files,
    save_head,
)

from judgeapp.app import models_service
from judgeapp.app.models_service import MISSING, VERIFIED, ModelsService
from judgeapp.core.errors import JudgeappError, WeightsError
from judgeapp.core.files import sha256_file
from judgeapp.core.progress import CancelToken, no_progress
from judgeapp.model import model_set
from judgeapp.weights import REGISTRY, heads_dir, pack, weights_dir
from judgeapp.weights.heads import install_head

SMALL = (1024, 2048)


@pytest.fixture(autouse=True)
def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "laptop")


def test_look_lists_every_file_and_the_installed_heads(tmp_path) -> None:
    service = ModelsService()
    look = service.look(no_progress, CancelToken())
    assert [s.entry.name for s in look.statuses] == list(REGISTRY)
    assert {s.state for s in look.statuses} == {MISSING}
    assert look.heads == [] and look.head_problems == []

    save_head(tmp_path / "ball.safetensors", "ball", dims=SMALL)
    install_head(tmp_path / "ball.safetensors")
    (service.heads_folder() / "junk.safetensors").write_bytes(b"not a checkpoint")
    look = service.look(no_progress, CancelToken())
    assert [h.card.routine for h in look.heads] == ["ball"]
    assert len(look.head_problems) == 1 and "junk.safetensors" in look.head_problems[0]
    assert service.heads_folder().parent == service.weights_folder().parent
    assert service.offline()  # the test session runs offline


def test_check_hashes_and_a_cancelled_check_stops(monkeypatch) -> None:
    registered_files(monkeypatch, weights_dir(), ["alpha"])
    service = ModelsService()
    assert [s.state for s in service.check(["alpha"], "always", no_progress, CancelToken())] == [
        VERIFIED
    ]
    token = CancelToken()
    token.cancel()
    with pytest.raises(JudgeappError):  # Cancelled is a JudgeappError
        service.check(["alpha"], "always", no_progress, token)


def test_download_offline_is_one_error_line_per_file() -> None:
    outcome = ModelsService().download([REGISTRY["yolo"]], no_progress, CancelToken())
    assert outcome.paths == [] and len(outcome.errors) == 1
    assert "JUDGEAPP_OFFLINE=1" in outcome.errors[0] and outcome.offline


def _weights_off_the_card(path: Path) -> None:
    """Rewrite a head checkpoint without one of its tensors: its header and card still read
    well, only loading it completely finds that the weights do not fit the card."""
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(str(path), framework="pt") as reader:
        metadata = reader.metadata()
    tensors = load_file(str(path))
    tensors.pop(sorted(tensors)[0])
    save_file(tensors, str(path), metadata=metadata)


def _repack_head(pack_folder: Path, filename: str) -> None:
    """Make the manifest agree with the head file now in the pack (its size and SHA-256)."""
    path = pack_folder / "heads" / filename
    manifest_path = pack_folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for item in manifest["files"]:
        if item["filename"] == filename:
            item.update(size_bytes=path.stat().st_size, sha256=sha256_file(path))
    manifest_path.write_text(json.dumps(manifest))


class _CountingContext:
    """The multiprocessing context install_pack uses, counting the processes it starts."""

    def __init__(self, context) -> None:
        self._context = context
        self.processes = []

    def __getattr__(self, name):
        return getattr(self._context, name)

    def Process(self, *args, **kwargs):  # noqa: N802 (the context's own name)
        process = self._context.Process(*args, **kwargs)
        self.processes.append(process)
        return process


def test_installing_a_pack_with_a_head_checks_it_outside_this_process(
    tmp_path, monkeypatch
) -> None:
    save_head(tmp_path / "ball.safetensors", "ball", dims=SMALL)
    own_weights_folders(monkeypatch, tmp_path / "connected")
    registered_files(monkeypatch, weights_dir(), ["alpha"])
    good = pack(tmp_path / "good", names=["alpha"], heads=[tmp_path / "ball.safetensors"])
    bad = pack(tmp_path / "bad", names=["alpha"], heads=[tmp_path / "ball.safetensors"])
    _weights_off_the_card(bad / "heads" / "ball.safetensors")
    _repack_head(bad, "ball.safetensors")  # only a complete load can tell it is damaged
    own_weights_folders(monkeypatch, tmp_path / "laptop")
    # Any head loaded in this process, by install_pack or by anything it calls, is seen here.
    loaded_here = []
    real_load = model_set.load_scoring_model
    monkeypatch.setattr(
        model_set, "load_scoring_model", lambda p, *a, **k: loaded_here.append(p) or real_load(p)
    )
    monkeypatch.setattr(models_service, "validate_head", lambda p: loaded_here.append(p))
    context = _CountingContext(models_service._CONTEXT)
    monkeypatch.setattr(models_service, "_CONTEXT", context)

    with pytest.raises(WeightsError) as info:
        ModelsService().install_pack(bad)
    message = str(info.value)
    assert "heads/ball.safetensors" in message and "\n" not in message
    assert "weights do not match the card's head" in message
    assert "nothing was installed" in message
    assert files_in(heads_dir()) == [] and not (weights_dir() / "alpha.pth").exists()
    # It was checked, and not here: in a child process started for it.
    assert loaded_here == []
    assert len(context.processes) == 1 and context.processes[0].pid != os.getpid()

    installed = ModelsService().install_pack(good)
    assert [p.name for p in installed] == ["alpha.pth", "ball.safetensors"]
    assert loaded_here == [] and len(context.processes) == 2


def test_a_pickle_checked_in_the_child_is_one_line(tmp_path) -> None:
    bad = pickle_file(tmp_path / "evil.safetensors")
    kind, text = models_service._validate_in_child(str(bad))
    assert kind != "card" and "evil.safetensors" in text and "\n" not in text
    error = models_service._rebuild_error(kind, text)
    assert isinstance(error, JudgeappError) and type(error).__name__ == kind
    assert type(models_service._rebuild_error("NoSuchError", "x")) is JudgeappError

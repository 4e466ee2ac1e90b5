"""app.models_service without Qt: the real registry, heads folder and model packs."""

from __future__ import annotations

from pathlib import Path

import pytest
from weights_helpers import own_weights_folders, pickle_file, registered_files, save_head

from judgeapp.app import models_service
from judgeapp.app.models_service import MISSING, VERIFIED, ModelsService
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, no_progress
from judgeapp.weights import REGISTRY, pack, weights_dir
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
    paths, errors = ModelsService().download([REGISTRY["yolo"]], no_progress, CancelToken())
    assert paths == [] and len(errors) == 1 and "JUDGEAPP_OFFLINE=1" in errors[0]


def test_installing_a_pack_with_a_head_checks_it_outside_this_process(
    tmp_path, monkeypatch
) -> None:
    save_head(tmp_path / "ball.safetensors", "ball", dims=SMALL)
    own_weights_folders(monkeypatch, tmp_path / "connected")
    registered_files(monkeypatch, weights_dir(), ["alpha"])
    out = pack(tmp_path / "pack", names=["alpha"], heads=[tmp_path / "ball.safetensors"])
    own_weights_folders(monkeypatch, tmp_path / "laptop")
    checked_here = []
    monkeypatch.setattr(models_service, "validate_head", lambda p: checked_here.append(p))
    installed = ModelsService().install_pack(out)
    assert [p.name for p in installed] == ["alpha.pth", "ball.safetensors"]
    assert checked_here == []  # the head was loaded in the child process, not here


def test_a_pickle_checked_in_the_child_is_one_line(tmp_path) -> None:
    bad = pickle_file(tmp_path / "evil.safetensors")
    kind, text = models_service._validate_in_child(str(bad))
    assert kind != "card" and "evil.safetensors" in text and "\n" not in text
    error = models_service._rebuild_error(kind, text)
    assert isinstance(error, JudgeappError) and type(error).__name__ == kind
    assert type(models_service._rebuild_error("NoSuchError", "x")) is JudgeappError

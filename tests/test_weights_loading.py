"""resolve() and load_state_dict(): real files, real hashes, no network, no unpickled code."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
import torch
from weights_helpers import entry_for, own_weights_folders, register, small_state_dict

from judgeapp.core.errors import WeightsError
from judgeapp.features.profiles import get_profile
from judgeapp.weights import (
    get_weights_file,
    load_state_dict,
    resolve,
    target_path,
    weights_dir,
)
from judgeapp.weights import store as weights_store


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "cache")
    monkeypatch.setenv("JUDGEAPP_OFFLINE", "1")


def _save_in_cache(state_dict: dict, filename: str) -> Path:
    path = weights_dir() / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state_dict, path)
    return path


def test_s3d_state_dict_round_trips_into_the_backbone(monkeypatch) -> None:
    from torchvision.models.video import s3d

    torch.manual_seed(3)
    original = s3d(weights=None, num_classes=400).state_dict()
    path = _save_in_cache(original, "s3d-test.pth")
    entry = register(monkeypatch, entry_for(path, name="s3d_test"))

    loaded = load_state_dict("s3d_test")
    assert loaded.keys() == original.keys()
    assert all(torch.equal(loaded[k], original[k]) for k in original)

    backbone = get_profile("torchvision").build_dynamic(loaded, device="cpu")
    net_state = backbone.network.state_dict()
    assert net_state.keys() == {k for k in original if not k.startswith("classifier.")}
    assert all(torch.equal(net_state[k], original[k]) for k in net_state)
    assert resolve(entry) == path


def test_weights_for_another_network_are_refused(monkeypatch) -> None:
    path = _save_in_cache(small_state_dict(), "other.pth")
    register(monkeypatch, entry_for(path, name="other"))
    with pytest.raises(WeightsError, match="do not fit"):
        get_profile("torchvision").build_static(load_state_dict("other"))


def test_wrong_hash_is_refused(monkeypatch) -> None:
    path = _save_in_cache(small_state_dict(), "tampered.pth")
    register(monkeypatch, entry_for(path, name="tampered", sha256="0" * 64))
    with pytest.raises(WeightsError) as info:
        load_state_dict("tampered")
    message = str(info.value)
    assert "tampered.pth" in message and "expected " + "0" * 64 in message
    assert "\n" not in message


def test_prefix_only_entry_checks_the_prefix(monkeypatch) -> None:
    path = _save_in_cache(small_state_dict(), "prefixed.pth")
    good = entry_for(path, name="prefixed")
    register(
        monkeypatch, entry_for(path, name="prefixed", sha256=None, sha256_prefix=good.sha256[:8])
    )
    assert resolve("prefixed") == path
    bad_prefix = "0" * 8 if not good.sha256.startswith("0") else "1" * 8
    register(monkeypatch, entry_for(path, name="prefixed", sha256=None, sha256_prefix=bad_prefix))
    with pytest.raises(WeightsError, match="prefix only"):
        resolve("prefixed")


def test_wrong_size_is_refused(monkeypatch) -> None:
    path = _save_in_cache(small_state_dict(), "short.pth")
    register(monkeypatch, entry_for(path, name="short", size_bytes=path.stat().st_size + 1))
    with pytest.raises(WeightsError, match="bytes, expected"):
        resolve("short")


class _Payload:
    """Creates a marker file when unpickled: what a malicious checkpoint would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_malicious_pickle_is_refused_without_running(tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "code-ran"
    path = weights_dir() / "evil.pth"
    path.parent.mkdir(parents=True)
    torch.save({"weight": torch.zeros(2), "extra": _Payload(marker)}, path)
    register(monkeypatch, entry_for(path, name="evil"))

    with pytest.raises(WeightsError, match="refused"):
        load_state_dict("evil")
    assert not marker.exists()

    # The payload is real: an ordinary unpickler runs it (so this test can fail).
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Payload(probe)))
    assert probe.exists()


def test_non_tensor_content_is_refused(monkeypatch) -> None:
    path = _save_in_cache({"weight": torch.zeros(2), "epoch": 3}, "wrapped.pth")
    register(monkeypatch, entry_for(path, name="wrapped"))
    with pytest.raises(WeightsError, match="state dict of tensors"):
        load_state_dict("wrapped")


def test_offline_missing_file_says_which_file_to_put_where(monkeypatch) -> None:
    entry = get_profile("torchvision").static_weights
    with pytest.raises(WeightsError) as info:
        resolve(entry, allow_download=True)
    message = str(info.value)
    target = target_path(get_weights_file(entry))
    assert "resnet50-11ad3fa6.pth" in message
    assert "https://download.pytorch.org/models/resnet50-11ad3fa6.pth" in message
    assert str(target) in message
    assert "JUDGEAPP_OFFLINE" in message
    assert not target.exists()


def test_verification_is_remembered_until_the_file_changes(monkeypatch) -> None:
    path = _save_in_cache(small_state_dict(), "cached.pth")
    register(monkeypatch, entry_for(path, name="cached"))
    resolve("cached")  # hashes and remembers

    calls = []
    real = weights_store.sha256_file
    monkeypatch.setattr(weights_store, "sha256_file", lambda p: calls.append(p) or real(p))
    resolve("cached")
    assert calls == []

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    resolve("cached")
    assert calls == [path]


def test_files_in_weights_path_and_torch_hub_are_found(tmp_path: Path, monkeypatch) -> None:
    shared = tmp_path / "shared-pack"
    shared.mkdir()
    torch.save(small_state_dict(), shared / "shared.pth")
    register(monkeypatch, entry_for(shared / "shared.pth", name="shared"))
    with pytest.raises(WeightsError):
        resolve("shared")
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(shared))
    assert resolve("shared") == shared / "shared.pth"

    hub = tmp_path / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    torch.save(small_state_dict(1), hub / "hub.pth")
    register(monkeypatch, entry_for(hub / "hub.pth", name="hub"))
    assert resolve("hub") == hub / "hub.pth"

"""Downloads from a local HTTP server: progress, verification, atomic placement, failures."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import torch
from weights_helpers import entry_for, register, serve_folder, small_state_dict

from judgeapp.core.errors import WeightsError
from judgeapp.weights import download, load_state_dict, resolve, target_path, weights_dir


@pytest.fixture
def server(tmp_path: Path):
    """Serves tmp_path/served over HTTP on 127.0.0.1; yields (folder, base url)."""
    folder = tmp_path / "served"
    with serve_folder(folder) as url:
        yield folder, url


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("JUDGEAPP_OFFLINE", raising=False)


def _served_entry(monkeypatch, folder: Path, url: str, name: str = "served", **changes):
    path = folder / f"{name}.pth"
    torch.save(small_state_dict(), path)
    return register(monkeypatch, entry_for(path, name=name, url=f"{url}/{name}.pth", **changes))


def test_download_on_request_verifies_and_reports_progress(server, monkeypatch) -> None:
    folder, url = server
    entry = _served_entry(monkeypatch, folder, url)
    with pytest.raises(WeightsError, match="needs --download"):
        resolve("served")

    reports = []
    path = resolve("served", allow_download=True, progress=reports.append)
    assert path == target_path(entry)
    assert path.read_bytes() == (folder / "served.pth").read_bytes()
    assert reports and reports[-1].done == reports[-1].total == entry.size_bytes
    assert reports[-1].stage == "download served.pth"
    assert [p.name for p in weights_dir().iterdir() if p.suffix == ".pth"] == ["served.pth"]
    assert load_state_dict("served").keys() == small_state_dict().keys()


def test_wrong_hash_download_leaves_nothing(server, monkeypatch) -> None:
    folder, url = server
    entry = _served_entry(monkeypatch, folder, url, sha256="f" * 64)
    with pytest.raises(WeightsError, match="not the expected one"):
        download(entry)
    assert not target_path(entry).exists()
    assert not [p for p in weights_dir().iterdir() if p.name.startswith(".served")]


def test_missing_on_server_names_file_url_and_target(server, monkeypatch) -> None:
    folder, url = server
    entry = _served_entry(monkeypatch, folder, url)
    (folder / "served.pth").unlink()
    with pytest.raises(WeightsError) as info:
        resolve("served", allow_download=True)
    message = str(info.value)
    assert "HTTP 404" in message and entry.url in message and str(target_path(entry)) in message


def test_unreachable_host_fails_fast(monkeypatch, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    torch.save(small_state_dict(), tmp_path / "gone.pth")
    entry = register(
        monkeypatch, entry_for(tmp_path / "gone.pth", name="gone", url=f"http://127.0.0.1:{port}/x")
    )
    start = time.monotonic()
    with pytest.raises(WeightsError, match="download failed"):
        download(entry)
    assert time.monotonic() - start < 5


def test_offline_never_touches_the_network(server, monkeypatch) -> None:
    folder, url = server
    entry = _served_entry(monkeypatch, folder, url)
    monkeypatch.setenv("JUDGEAPP_OFFLINE", "1")
    monkeypatch.setattr(socket, "create_connection", pytest.fail)
    with pytest.raises(WeightsError, match="JUDGEAPP_OFFLINE"):
        resolve("served", allow_download=True)
    assert not target_path(entry).exists()

"""Model packs: pack on one machine, install on another; `judgeapp models` end to end."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from weights_helpers import registered_files

from judgeapp.cli import main
from judgeapp.core.errors import WeightsError
from judgeapp.weights import install, pack, resolve, weights_dir


@pytest.fixture(autouse=True)
def _offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUDGEAPP_OFFLINE", "1")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("JUDGEAPP_WEIGHTS_PATH", raising=False)


def _use_cache(monkeypatch, folder: Path) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(folder))


@pytest.fixture
def two_files(tmp_path: Path, monkeypatch) -> list[str]:
    """Two registered weights files present in the cache of machine A."""
    _use_cache(monkeypatch, tmp_path / "machine-a")
    return registered_files(monkeypatch, weights_dir(), ["alpha", "beta"])


@pytest.mark.parametrize("suffix", [".zip", ""])
def test_pack_then_install_on_a_fresh_machine(tmp_path, monkeypatch, two_files, suffix) -> None:
    out = pack(tmp_path / f"pack{suffix}", names=two_files)
    originals = {n: resolve(n).read_bytes() for n in two_files}
    manifest = (
        json.loads(zipfile.ZipFile(out).read("manifest.json"))
        if suffix
        else json.loads((out / "manifest.json").read_text())
    )
    assert manifest["format"] == "judgeapp.modelpack/1"
    assert [f["name"] for f in manifest["files"]] == two_files

    _use_cache(monkeypatch, tmp_path / "machine-b")
    with pytest.raises(WeightsError):
        resolve("alpha")
    installed = install(out)
    assert installed == [weights_dir() / f"{n}.pth" for n in two_files]
    for name in two_files:
        path = resolve(name)
        assert path.parent == weights_dir()
        assert path.read_bytes() == originals[name]
    assert install(out) == installed  # a second install is a no-op


def test_pack_names_the_missing_file(tmp_path, two_files) -> None:
    with pytest.raises(WeightsError, match="resnet50-0676ba61.pth"):
        pack(tmp_path / "pack.zip", names=["alpha", "resnet50_imagenet1k_v1"])
    assert not (tmp_path / "pack.zip").exists()
    assert list(tmp_path.glob(".pack.zip*")) == []


def test_damaged_pack_installs_nothing(tmp_path, monkeypatch, two_files) -> None:
    out = pack(tmp_path / "pack", names=two_files)
    data = bytearray((out / "beta.pth").read_bytes())
    data[-100] ^= 0xFF
    (out / "beta.pth").write_bytes(bytes(data))

    _use_cache(monkeypatch, tmp_path / "machine-b")
    with pytest.raises(WeightsError, match="beta.pth"):
        install(out)
    assert not (weights_dir() / "alpha.pth").exists()
    assert not (weights_dir() / "beta.pth").exists()


def test_pack_must_match_the_registry(tmp_path, monkeypatch, two_files) -> None:
    out = pack(tmp_path / "pack", names=two_files)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"][0]["name"] = "not_registered"
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(WeightsError, match="unknown weights name 'not_registered'"):
        install(out)
    with pytest.raises(WeightsError, match="lacks manifest.json"):
        install(tmp_path / "pack" / "alpha.pth")  # a zip, but not a pack
    (tmp_path / "notes.zip").write_text("hello")
    with pytest.raises(WeightsError, match="not a model pack"):
        install(tmp_path / "notes.zip")


def test_models_commands(tmp_path, monkeypatch, two_files, capsys) -> None:
    assert main(["models", "list"]) == 0
    table = capsys.readouterr().out
    assert "alpha.pth" in table and "resnet50-11ad3fa6.pth" in table and "missing" in table

    assert main(["models", "verify", "alpha", "beta"]) == 0
    assert "alpha: ok, SHA-256 matches" in capsys.readouterr().out
    assert main(["models", "list"]) == 0
    assert "verified" in capsys.readouterr().out

    assert main(["models", "pack", str(tmp_path / "p.zip"), "--names", "alpha", "beta"]) == 0
    _use_cache(monkeypatch, tmp_path / "machine-b")
    assert main(["models", "install", str(tmp_path / "p.zip")]) == 0
    assert "installed" in capsys.readouterr().out
    assert (weights_dir() / "beta.pth").is_file()

    assert main(["models", "download", "yolo"]) == 1
    err = capsys.readouterr().err
    assert "yolo11n.pt" in err and str(weights_dir() / "yolo11n.pt") in err

    (weights_dir() / "beta.pth").write_bytes(b"not the weights")
    assert main(["models", "verify"]) == 1
    assert "beta: BAD" in capsys.readouterr().out

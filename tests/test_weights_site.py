"""The installation's own weights folder (`<sys.prefix>/share/judgeapp/weights`), where
scripts/install.sh puts the BlazePose models: its place in the search order, switching it off,
and the real BlazePose files (where installed) through verification and model packs."""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from weights_helpers import (
    BLAZEPOSE,
    blazepose_dir,  # noqa: F401  (fixture)
    files_in,
    flip_byte,
    own_weights_folders,
    registered_files,
)

from judgeapp.cli import main
from judgeapp.core.errors import WeightsError
from judgeapp.weights import REGISTRY, install, pack, resolve, site_weights_dir, weights_dir
from judgeapp.weights.status import VERIFIED, file_status
from judgeapp.weights.store import search_dirs


@pytest.fixture
def prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private installation prefix (sys.prefix) and cache; the site folder switched on."""
    own_weights_folders(monkeypatch, tmp_path / "cache")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS")
    return tmp_path / "venv"


def test_search_order_and_switching_the_site_folder_off(prefix, tmp_path, monkeypatch) -> None:
    assert site_weights_dir() == prefix / "share" / "judgeapp" / "weights"
    shared = tmp_path / "shared"
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(shared))
    torch_hub = tmp_path / "torch" / "hub" / "checkpoints"
    assert search_dirs() == [weights_dir(), shared, site_weights_dir(), torch_hub]
    monkeypatch.setenv("JUDGEAPP_NO_SITE_WEIGHTS", "1")
    assert search_dirs() == [weights_dir(), shared, torch_hub]


def test_a_file_in_the_site_folder_is_found_after_the_cache(prefix, monkeypatch) -> None:
    (name,) = registered_files(monkeypatch, site_weights_dir(), ["alpha"])
    site_copy = site_weights_dir() / "alpha.pth"
    assert resolve(name) == site_copy
    assert file_status(name, "unverified").state == VERIFIED

    monkeypatch.setenv("JUDGEAPP_NO_SITE_WEIGHTS", "1")
    with pytest.raises(WeightsError, match="alpha.pth \\(alpha\\): not found"):
        resolve(name)
    monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS")

    weights_dir().mkdir(parents=True, exist_ok=True)
    shutil.copy(site_copy, weights_dir() / "alpha.pth")
    assert resolve(name) == weights_dir() / "alpha.pth"  # the cache comes first


def test_a_tampered_copy_is_never_used_and_is_named(prefix, tmp_path, monkeypatch) -> None:
    (name,) = registered_files(monkeypatch, site_weights_dir(), ["alpha"])
    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.copy(site_weights_dir() / "alpha.pth", shared / "alpha.pth")
    flip_byte(shared / "alpha.pth")
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(shared))
    assert resolve(name) == site_weights_dir() / "alpha.pth"  # searched first, skipped

    monkeypatch.setenv("JUDGEAPP_NO_SITE_WEIGHTS", "1")
    with pytest.raises(WeightsError) as info:
        resolve(name)
    message = str(info.value)
    assert message.startswith("alpha.pth (alpha): ") and "\n" not in message
    assert f"{shared / 'alpha.pth'} fails its check: SHA-256" in message


def test_models_list_names_the_archive_sources(capsys) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    detector, landmarks = (REGISTRY[n] for n in BLAZEPOSE)
    assert detector.filename in out and landmarks.filename in out
    wheel = "mediapipe/modules/pose_detection/pose_detection.tflite in https://files.python"
    assert f"blazepose_detector: {wheel}" in out
    npm = "package/pose_landmark_full.tflite in https://registry.npmjs.org/@mediapipe/pose/"
    assert f"blazepose_landmark_full: {npm}" in out


# The real BlazePose files, where scripts/install.sh (or `models download --to`) put them.


def test_installed_blazepose_files_are_found_and_verified(blazepose_dir, tmp_path, monkeypatch):  # noqa: F811
    own_weights_folders(monkeypatch, tmp_path / "cache")
    monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS")
    for name in BLAZEPOSE:
        assert resolve(name) == blazepose_dir / REGISTRY[name].filename
        assert file_status(name, "always").state == VERIFIED
    assert main(["models", "verify", *BLAZEPOSE]) == 0


def test_a_blazepose_pack_installs_and_a_tampered_one_is_refused(
    blazepose_dir,  # noqa: F811
    tmp_path,
    monkeypatch,
    capsys,
) -> None:
    own_weights_folders(monkeypatch, tmp_path / "machine-a")
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(blazepose_dir))
    out = tmp_path / "pose-pack.zip"
    assert main(["models", "pack", str(out), "--names", *BLAZEPOSE]) == 0

    own_weights_folders(monkeypatch, tmp_path / "machine-b")  # offline, nothing installed
    installed = install(out)
    assert installed == [weights_dir() / REGISTRY[n].filename for n in BLAZEPOSE]
    for name in BLAZEPOSE:
        assert resolve(name).read_bytes() == (blazepose_dir / REGISTRY[name].filename).read_bytes()

    tampered = tmp_path / "tampered"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tampered)
    flip_byte(tampered / "pose_detection.tflite")
    own_weights_folders(monkeypatch, tmp_path / "machine-c")
    capsys.readouterr()
    assert main(["models", "install", str(tampered)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {tampered}: pose_detection.tflite does not match the manifest")
    assert "\n" not in err and files_in(weights_dir()) == []

    manifest = json.loads((tampered / "manifest.json").read_text())
    manifest["files"][0]["sha256"] = pack_digest = "0" * 64  # a manifest that agrees with it
    (tampered / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(WeightsError, match=f"has SHA-256 {pack_digest}, expected 9ba9dd3d"):
        install(tampered)
    assert files_in(weights_dir()) == []


def test_a_pack_holds_both_files_with_their_registry_hashes(blazepose_dir, tmp_path, monkeypatch):  # noqa: F811
    own_weights_folders(monkeypatch, tmp_path / "cache")
    monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS")
    folder = pack(tmp_path / "pose-pack", names=list(BLAZEPOSE))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [(f["name"], f["sha256"]) for f in manifest["files"]] == [
        (n, REGISTRY[n].sha256) for n in BLAZEPOSE
    ]

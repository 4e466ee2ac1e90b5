"""Model packs: pack on one machine, install on another; `judgeapp models` end to end.

Packs carry registry weights files and trained heads; the heads here are written by the real
checkpoint code (seeded random weights, cards marked trained), and the end-to-end test scores
a real video with the head a pack installed, without naming it.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from weights_helpers import (
    files_in,
    flip_byte,
    pickle_file,
    registered_files,
    save_head,
    sha256_of,
)

from judgeapp.cli import main
from judgeapp.core.errors import CheckpointError, WeightsError
from judgeapp.weights import install, pack, resolve, weights_dir
from judgeapp.weights.heads import heads_dir, installed_heads

SMALL = (1024, 2048)  # a head must fit its profile (torchvision and paper: 1024-d, 2048-d)


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
    flip_byte(out / "beta.pth")

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

    assert "Trained heads in" in table and "none (install a model pack" in table

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


# --- trained heads in packs -----------------------------------------------------------------


def _manifest(out: Path) -> dict:
    if out.suffix == ".zip":
        return json.loads(zipfile.ZipFile(out).read("manifest.json"))
    return json.loads((out / "manifest.json").read_text())


def test_a_packed_head_scores_a_real_video_on_a_fresh_machine(
    tmp_path, monkeypatch, media_dir, capsys
) -> None:
    """The end-to-end proof: pack a head, install the pack into an empty cache, and `judgeapp
    score` (no --model) uses it."""
    _use_cache(monkeypatch, tmp_path / "machine-a")
    head = tmp_path / "rg-ball.safetensors"
    card = save_head(head, routine="ball", seed=3)
    out = tmp_path / "heads.zip"
    assert main(["models", "pack", str(out), "--names", "none", "--heads", str(head)]) == 0
    assert _manifest(out)["files"] == [
        {
            "kind": "head",
            "name": card.name,
            "filename": "rg-ball.safetensors",
            "size_bytes": head.stat().st_size,
            "sha256": sha256_of(head),
            "routine": "ball",
            "target": "total",
            "profile": "torchvision",
        }
    ]
    assert zipfile.ZipFile(out).namelist() == ["heads/rg-ball.safetensors", "manifest.json"]

    _use_cache(monkeypatch, tmp_path / "machine-b")  # empty: no weights, no heads, no features
    assert capsys.readouterr().out.strip() == f"model pack written: {out}"
    assert main(["models", "install", str(out)]) == 0
    installed = heads_dir() / "rg-ball.safetensors"
    assert capsys.readouterr().out.strip() == f"installed {installed}"
    assert installed.read_bytes() == head.read_bytes()
    assert files_in(weights_dir()) == []

    result = tmp_path / "result.json"
    video = media_dir / "squats_portrait_5fps.mp4"
    args = ["--pretrained", "none", "--device", "cpu", "--detector", "hog", "--json", str(result)]
    assert main(["score", str(video), *args]) == 0
    model = json.loads(result.read_text())["model"]
    assert model["routine"] == "ball" and model["name"] == card.name
    assert model["calibrated"] is False  # random backbones (--pretrained none)


@pytest.mark.parametrize("suffix", [".zip", ""])
def test_weights_and_heads_in_one_pack(tmp_path, monkeypatch, two_files, suffix) -> None:
    ball = save_head(tmp_path / "ball.safetensors", "ball", seed=1, dims=SMALL)
    hoop = save_head(tmp_path / "hoop.safetensors", "hoop", seed=2, dims=SMALL)
    heads = [str(tmp_path / "ball.safetensors"), str(tmp_path / "hoop.safetensors")]
    out = pack(tmp_path / f"pack{suffix}", names=two_files, heads=heads)
    items = _manifest(out)["files"]
    assert [(i["kind"], i["filename"]) for i in items] == [
        ("weights", "alpha.pth"),
        ("weights", "beta.pth"),
        ("head", "ball.safetensors"),
        ("head", "hoop.safetensors"),
    ]

    _use_cache(monkeypatch, tmp_path / "machine-b")
    paths = install(out)
    assert paths == [
        weights_dir() / "alpha.pth",
        weights_dir() / "beta.pth",
        heads_dir() / "ball.safetensors",
        heads_dir() / "hoop.safetensors",
    ]
    assert {h.card.routine: h.card for h in installed_heads()} == {"ball": ball, "hoop": hoop}
    assert install(out) == paths  # again: nothing new, no second copies
    assert files_in(heads_dir()) == ["ball.safetensors", "hoop.safetensors"]


def test_an_old_manifest_without_kinds_still_installs(tmp_path, monkeypatch, two_files) -> None:
    out = pack(tmp_path / "pack", names=two_files)
    manifest = _manifest(out)
    for item in manifest["files"]:
        del item["kind"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    _use_cache(monkeypatch, tmp_path / "machine-b")
    assert install(out) == [weights_dir() / f"{n}.pth" for n in two_files]
    assert files_in(heads_dir()) == []


def _pack_with_a_bad_head(tmp_path: Path, two_files, damage: str) -> Path:
    """A folder pack of the two weights files and a head damaged after packing."""
    save_head(tmp_path / "ball.safetensors", dims=SMALL)
    out = pack(tmp_path / "pack", names=two_files, heads=[tmp_path / "ball.safetensors"])
    packed = out / "heads" / "ball.safetensors"
    if damage == "flipped":
        flip_byte(packed, at=-8)  # in the weights: the manifest's hash no longer fits
    else:  # a pickle under the head's name, with a manifest that matches it: only loading it
        # through the real checkpoint code can refuse it
        pickle_file(packed)
        manifest = _manifest(out)
        manifest["files"][-1].update(sha256=sha256_of(packed), size_bytes=packed.stat().st_size)
        (out / "manifest.json").write_text(json.dumps(manifest))
    return out


@pytest.mark.parametrize("damage", ["flipped", "pickle"])
def test_a_damaged_head_installs_nothing(tmp_path, monkeypatch, two_files, damage, capsys) -> None:
    out = _pack_with_a_bad_head(tmp_path, two_files, damage)
    _use_cache(monkeypatch, tmp_path / "machine-b")
    assert main(["models", "install", str(out)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(out / "heads" / "ball.safetensors") in lines[0] or (
        f"{out}: heads/ball.safetensors" in lines[0]
    )
    if damage == "pickle":
        assert "pickle file" in lines[0] and "nothing was installed" in lines[0]
    else:
        assert "does not match the manifest" in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert files_in(heads_dir()) == [] and not heads_dir().exists()
    assert files_in(weights_dir()) == []  # the weights files were not installed either


def test_packing_refuses_a_file_that_is_no_head(tmp_path, two_files, capsys) -> None:
    fake = pickle_file(tmp_path / "fake.safetensors")
    out = tmp_path / "pack.zip"
    assert main(["models", "pack", str(out), "--names", "none", "--heads", str(fake)]) == 1
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"error: {fake}: a pickle file, not a safetensors checkpoint; refused without unpickling"
    )
    assert not out.exists() and list(tmp_path.glob(".pack.zip*")) == []
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        pack(out, names=[], heads=[tmp_path / "gone.safetensors"])
    with pytest.raises(WeightsError, match="nothing to pack"):
        pack(out, names=[])
    save_head(tmp_path / "a" / "ball.safetensors", dims=SMALL)
    save_head(tmp_path / "b" / "ball.safetensors", seed=1, dims=SMALL)
    with pytest.raises(WeightsError, match="two heads would be packed as heads/ball.safetensors"):
        pack(
            out, names=[], heads=[tmp_path / "a/ball.safetensors", tmp_path / "b/ball.safetensors"]
        )
    with pytest.raises(SystemExit) as usage:  # argparse's usage error: exit status 2
        main(["models", "pack", str(out), "--names", "none"])
    assert usage.value.code == 2
    assert "--heads" in capsys.readouterr().err


def test_an_installed_head_of_the_same_name_is_kept(tmp_path, monkeypatch) -> None:
    _use_cache(monkeypatch, tmp_path / "machine-b")
    mine = tmp_path / "mine" / "ball.safetensors"
    save_head(mine, seed=1, dims=SMALL)
    assert main(["models", "install", str(mine)]) == 0  # a bare head file installs too
    theirs = tmp_path / "theirs" / "ball.safetensors"
    save_head(theirs, seed=2, dims=SMALL)
    out = pack(tmp_path / "pack.zip", names=[], heads=[theirs])

    assert install(out) == [heads_dir() / "ball-2.safetensors"]
    assert (heads_dir() / "ball.safetensors").read_bytes() == mine.read_bytes()
    assert (heads_dir() / "ball-2.safetensors").read_bytes() == theirs.read_bytes()
    assert install(out) == [heads_dir() / "ball-2.safetensors"]  # the same file: no third copy
    assert files_in(heads_dir()) == ["ball-2.safetensors", "ball.safetensors"]


def test_models_list_shows_the_installed_heads(tmp_path, monkeypatch, capsys) -> None:
    _use_cache(monkeypatch, tmp_path / "machine-b")
    from judgeapp.weights.heads import install_head

    old, _ = install_head(_saved(tmp_path / "clubs.safetensors", "clubs", test_spearman=0.657))
    new, _ = install_head(_saved(tmp_path / "hoop.safetensors", "hoop", test_spearman=None))
    os.utime(old, (1_000_000, 1_000_000))  # older than the hoop head
    (heads_dir() / "notes.safetensors").write_text("not a head")
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    section = out[out.index("Trained heads in") :].splitlines()
    assert section[0] == f"Trained heads in {heads_dir()}:"
    assert section[1].split() == [
        "ROUTINE",
        "TARGET",
        "PROFILE",
        "TRAINED",
        "ON",
        "TEST",
        "SPEARMAN",
        "PATH",
    ]
    assert section[2].split() == [
        "hoop",
        "total",
        "torchvision",
        "a",
        "test:",
        "hoop",
        "routines",
        "-",
        str(new),
    ]
    assert section[3].split()[:3] == ["clubs", "total", "torchvision"]
    assert section[3].split()[-2:] == ["0.657", str(old)]
    assert "newest head (first listed)" in section[4]
    assert "notes.safetensors" in section[5] and "not a safetensors checkpoint" in section[5]


def _saved(path: Path, routine: str, **changes) -> Path:
    save_head(path, routine, dims=SMALL, **changes)
    return path

"""Hostile model packs (issue 11, classes 1, 2, 10 and 14).

Every file a pack installs is proven usable first (the I3D file, which has no published hash,
is loaded into the network); every read is bounded by the size the manifest declares and a
sane maximum (a zip bomb, a huge manifest); folder packs may not hold links or devices; any
manifest gives installed files or one line naming the pack, and a failure leaves nothing in
the cache.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from pathlib import Path

import pytest
import torch
from hostile_helpers import json_paths, json_values, replaced
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from weights_helpers import files_in, registered_files, save_head, sha256_of

from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError, WeightsError
from judgeapp.weights import install, pack, weights_dir
from judgeapp.weights.heads import heads_dir
from judgeapp.weights.packs import MANIFEST, MAX_MANIFEST_BYTES, PACK_FORMAT
from judgeapp.weights.registry import REGISTRY
from judgeapp.weights.status import NO_HASH, file_status
from judgeapp.weights.store import target_path


@pytest.fixture(autouse=True)
def _offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "machine-a"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("JUDGEAPP_WEIGHTS_PATH", raising=False)


_MACHINES = itertools.count()


def _fresh_machine(monkeypatch, root: Path) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(root))


def _nothing_installed() -> None:
    assert files_in(weights_dir()) == [] and files_in(heads_dir()) == []


def _zip_pack(path: Path, manifest: object, members: dict[str, bytes], deflate=False) -> Path:
    compression = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        text = manifest if isinstance(manifest, str) else json.dumps(manifest)
        zf.writestr(MANIFEST, text)
    return path


class Pack(tuple):
    """(manifest, members) of a pack; short repr (hypothesis prints its arguments)."""

    def __repr__(self) -> str:
        return f"Pack({[f['filename'] for f in self[0]['files']]})"


def _real_pack(tmp_path: Path, monkeypatch, heads: bool = True) -> Pack:
    names = registered_files(monkeypatch, weights_dir(), ["alpha", "beta"])
    head = tmp_path / "ball.safetensors"
    save_head(head)
    out = pack(tmp_path / "good.zip", names=names, heads=[head] if heads else [])
    with zipfile.ZipFile(out) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != MANIFEST}
        manifest = json.loads(zf.read(MANIFEST))
    return Pack((manifest, members))


@pytest.fixture
def good_pack(tmp_path, monkeypatch) -> Pack:
    """The manifest and members of a real pack: two weights files and a head."""
    return _real_pack(tmp_path, monkeypatch)


def _one_line_or_installed(pack_path: Path, call) -> list[Path] | None:
    try:
        return call()
    except JudgeappError as exc:
        message = str(exc)
        assert message.startswith(str(pack_path)) and "\n" not in message, message
        _nothing_installed()
        return None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_manifest_installs_or_gives_one_line(tmp_path, monkeypatch, good_pack, data):
    manifest, members = good_pack
    where = data.draw(st.sampled_from(list(json_paths(manifest))))
    changed = replaced(manifest, where, data.draw(json_values))
    machine = tmp_path / f"machine-{next(_MACHINES)}"  # a fresh cache for every example
    _fresh_machine(monkeypatch, machine)
    pack_path = _zip_pack(machine.with_suffix(".zip"), changed, members)
    _one_line_or_installed(pack_path, lambda: install(pack_path))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(manifest=json_values | st.text(max_size=100))
def test_any_manifest_document_gives_one_line(tmp_path, monkeypatch, manifest):
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    pack_path = _zip_pack(tmp_path / "odd.zip", json.dumps(manifest), {})
    with pytest.raises(WeightsError) as info:
        install(pack_path)
    assert str(info.value).startswith(str(pack_path))
    _nothing_installed()


def test_a_zip_bomb_is_stopped_at_the_declared_size(tmp_path, monkeypatch, good_pack):
    manifest, members = good_pack
    head = next(f for f in manifest["files"] if f["kind"] == "head")
    bomb = dict(members)
    bomb[f"heads/{head['filename']}"] = bytes(64 << 20)  # 64 MB of zeros, ~64 KB deflated
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    pack_path = _zip_pack(tmp_path / "bomb.zip", manifest, bomb, deflate=True)
    assert pack_path.stat().st_size < 1 << 20
    with pytest.raises(WeightsError, match=r"67108864 bytes, more than the \d+ its manifest"):
        install(pack_path)
    _nothing_installed()


def test_a_member_longer_than_its_zip_entry_says_is_stopped(tmp_path, monkeypatch, good_pack):
    """The zip's own size fields lie too (they say what the manifest says): the stream is
    cut at the declared size and the damage is one line, nothing installed."""
    manifest, members = good_pack
    head = next(f for f in manifest["files"] if f["kind"] == "head")
    member = f"heads/{head['filename']}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, members[member] + bytes(8 << 20))
        zf.writestr(MANIFEST, json.dumps({**manifest, "files": [head]}))
    data = bytearray(buffer.getvalue())
    declared = head["size_bytes"].to_bytes(4, "little")
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22 : local + 26] = declared  # uncompressed size, local header
    data[central + 24 : central + 28] = declared  # and in the central directory
    pack_path = tmp_path / "liar.zip"
    pack_path.write_bytes(bytes(data))
    assert zipfile.ZipFile(pack_path).getinfo(member).file_size == head["size_bytes"]
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    with pytest.raises(WeightsError, match=f"{pack_path}: heads/"):
        install(pack_path)
    _nothing_installed()


def test_a_huge_manifest_is_refused_unread(tmp_path, monkeypatch, good_pack):
    manifest, members = good_pack
    text = json.dumps(manifest) + " " * (MAX_MANIFEST_BYTES + 10)
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    pack_path = _zip_pack(tmp_path / "big.zip", text, members, deflate=True)
    with pytest.raises(WeightsError, match="manifest.json: .*more than the 1048576"):
        install(pack_path)
    _nothing_installed()


def _folder_pack(root: Path, manifest: dict, members: dict[str, bytes]) -> Path:
    (root / "heads").mkdir(parents=True)
    for name, data in members.items():
        (root / name).write_bytes(data)
    (root / MANIFEST).write_text(json.dumps(manifest))
    return root


@pytest.mark.parametrize("odd", ["link to a device", "link to a file", "pipe", "linked folder"])
def test_folder_packs_hold_plain_files_only(tmp_path, monkeypatch, good_pack, odd):
    manifest, members = good_pack
    head = next(f for f in manifest["files"] if f["kind"] == "head")
    folder = _folder_pack(tmp_path / "pack", manifest, members)
    member = folder / "heads" / head["filename"]
    if odd == "link to a device":
        member.unlink()
        member.symlink_to("/dev/zero")  # would read for ever
    elif odd == "link to a file":
        real = tmp_path / "real.safetensors"
        real.write_bytes(member.read_bytes())
        member.unlink()
        member.symlink_to(real)
    elif odd == "pipe":
        member.unlink()
        os.mkfifo(member)  # would block for ever
    else:
        elsewhere = tmp_path / "elsewhere"
        (folder / "heads").rename(elsewhere)
        (folder / "heads").symlink_to(elsewhere)
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    expected = "not a regular file" if odd == "pipe" else "a link, not a file"
    with pytest.raises(WeightsError, match=expected):
        install(folder)
    _nothing_installed()


def test_an_empty_pack_says_so(tmp_path, monkeypatch, capsys):
    pack_path = _zip_pack(tmp_path / "empty.zip", {"format": PACK_FORMAT, "files": []}, {})
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    assert main(["models", "install", str(pack_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: {pack_path}: the pack holds no files; nothing to install"
    )


def _i3d_pack(tmp_path: Path, state: dict, name: str) -> Path:
    path = tmp_path / f"{name}-i3d_rgb.pth"
    torch.save(state, path)
    entry = REGISTRY["i3d_rgb_kinetics400"]
    data = path.read_bytes()
    item = {
        "kind": "weights", "name": entry.name, "filename": entry.filename,
        "size_bytes": len(data), "sha256": sha256_of(path), "url": entry.url,
    }  # fmt: skip
    return _zip_pack(tmp_path / f"{name}.zip", {"format": PACK_FORMAT, "files": [item]},
                     {entry.filename: data})  # fmt: skip


@pytest.fixture(scope="module")
def i3d_state() -> dict:
    from judgeapp.features.i3d import InceptionI3d

    torch.manual_seed(0)
    return InceptionI3d(num_classes=400).state_dict()


def test_a_file_without_a_published_hash_is_loaded_before_it_installs(
    tmp_path, monkeypatch, i3d_state, capsys
):
    entry = REGISTRY["i3d_rgb_kinetics400"]
    assert entry.hash_check == "none"
    _fresh_machine(monkeypatch, tmp_path / "fresh")
    good = _i3d_pack(tmp_path, i3d_state, "good")
    assert install(good) == [target_path(entry)]
    working = target_path(entry).read_bytes()
    assert file_status(entry, "always").state == NO_HASH  # never called verified
    assert main(["models", "list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "i3d_rgb.pth" in line)
    assert "no-hash" in row and "verified" not in row

    # Same name, no hash to compare: a state dict of other shapes, then not weights at all.
    wrong = {k: v[..., :1].clone() if v.dim() else v for k, v in i3d_state.items()}
    for name, state in [("shapes", wrong), ("tiny", {"layer.weight": torch.zeros(2)})]:
        bad = _i3d_pack(tmp_path, state, name)
        with pytest.raises(WeightsError, match=rf"{bad}: i3d_rgb.pth: .*do not fit the network"):
            install(bad)
        assert target_path(entry).read_bytes() == working  # the working copy is kept
        assert sorted(files_in(weights_dir())) == ["i3d_rgb.pth", "verified.json"]
    pickled = tmp_path / "evil.zip"
    evil_file = tmp_path / "evil.pth"
    evil_file.write_bytes(b"cos\nsystem\n(S'touch " + str(tmp_path / "pwned").encode() + b"'\ntR.")
    item = {
        "kind": "weights", "name": entry.name, "filename": entry.filename,
        "size_bytes": evil_file.stat().st_size, "sha256": sha256_of(evil_file), "url": "",
    }  # fmt: skip
    _zip_pack(pickled, {"format": PACK_FORMAT, "files": [item]},
              {entry.filename: evil_file.read_bytes()})  # fmt: skip
    with pytest.raises(WeightsError, match="not a plain weights file, refused"):
        install(pickled)
    assert not (tmp_path / "pwned").exists()
    assert target_path(entry).read_bytes() == working

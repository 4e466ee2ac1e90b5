"""Files taken out of package archives (a wheel's zip, an npm tarball), served on 127.0.0.1.

Each test builds its archives and registers an entry for one member; the real download code
fetches the archive, checks it, extracts only that member, verifies it and puts it in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import os
import socket
import tarfile
import zipfile
from pathlib import Path

import pytest
from weights_helpers import files_in, own_weights_folders, register, serve_folder

from judgeapp.cli import main
from judgeapp.core.errors import Cancelled, WeightsError
from judgeapp.core.progress import CancelToken
from judgeapp.weights import (
    ArchiveSource,
    WeightsFile,
    download,
    download_many,
    resolve,
    target_path,
    weights_dir,
)

MEMBER = "pkg/models/pose.tflite"
PAYLOAD = os.urandom(300_000)
SIBLING = b"another model, never extracted"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "cache")
    monkeypatch.delenv("JUDGEAPP_OFFLINE", raising=False)


@pytest.fixture
def server(tmp_path: Path):
    """Serves tmp_path/served over HTTP on 127.0.0.1; yields (folder, base url)."""
    folder = tmp_path / "served"
    with serve_folder(folder) as url:
        yield folder, url


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _tgz(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tf.addfile(info)
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _archive(folder: Path, kind: str, members: dict[str, bytes] | None = None, **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    members = {"pkg/other.bin": SIBLING, MEMBER: PAYLOAD} if members is None else members
    if kind == "zip":
        return _zip(folder / "tool-1.0-py3-none-any.whl", members)
    return _tgz(folder / "tool-1.0.tgz", members, **kw)


def _source(archive: Path, url: str, kind: str, member: str = MEMBER, **changes) -> ArchiveSource:
    """A source describing the served `archive` exactly (its size and SHA-256)."""
    data = archive.read_bytes()
    source = ArchiveSource(
        url=f"{url}/{archive.name}",
        kind=kind,
        member=member,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return dataclasses.replace(source, **changes)


def _entry(monkeypatch, *sources: ArchiveSource, name="pose", filename="pose.tflite", **changes):
    entry = WeightsFile(
        name=name,
        filename=filename,
        url=sources[0].url,
        size_bytes=len(PAYLOAD),
        sha256=hashlib.sha256(PAYLOAD).hexdigest(),
        description="made by a test",
        license="test",
        used_by=("tests",),
        archives=sources,
    )
    return register(monkeypatch, dataclasses.replace(entry, **changes))


@pytest.mark.parametrize("kind", ["zip", "tgz"])
def test_member_is_taken_out_verified_and_nothing_else(server, monkeypatch, kind) -> None:
    folder, url = server
    archive = _archive(folder, kind)
    entry = _entry(monkeypatch, _source(archive, url, kind))
    with pytest.raises(WeightsError, match="needs --download"):
        resolve("pose")

    reports = []
    path = resolve("pose", allow_download=True, progress=reports.append)
    assert path == target_path(entry) and path.read_bytes() == PAYLOAD
    # progress counts the archive's bytes, under the file's name
    assert reports[-1].stage == "download pose.tflite"
    assert reports[-1].done == reports[-1].total == archive.stat().st_size
    # no archive, no sibling member, no temporary file: only the file and the digest record
    assert files_in(weights_dir()) == ["pose.tflite", "verified.json"]
    assert resolve("pose") == path


def test_wrong_member_hash_leaves_nothing_and_names_the_file(server, monkeypatch) -> None:
    folder, url = server
    archive = _archive(folder, "zip")
    entry = _entry(monkeypatch, _source(archive, url, "zip"), sha256="0" * 64)
    with pytest.raises(WeightsError) as info:
        download(entry)
    message = str(info.value)
    assert message.startswith("pose.tflite (pose): no source gave the expected file")
    assert f"{MEMBER} in tool-1.0-py3-none-any.whl: not the expected file (SHA-256" in message
    assert "nothing was saved" in message and str(target_path(entry)) in message
    assert "\n" not in message
    assert files_in(weights_dir()) == []  # nothing left behind


def test_wrong_archive_hash_is_refused_before_extracting(server, monkeypatch) -> None:
    folder, url = server
    archive = _archive(folder, "tgz")
    entry = _entry(monkeypatch, _source(archive, url, "tgz", sha256="a" * 64))
    with pytest.raises(
        WeightsError, match=r"the archive's SHA-256 is [0-9a-f]{64}, expected a{64}"
    ):
        download(entry)
    assert files_in(weights_dir()) == []


def test_first_source_fails_the_second_gives_the_file(server, monkeypatch) -> None:
    folder, url = server
    wheel = _source(_archive(folder, "zip"), url, "zip")
    tarball = _source(_archive(folder, "tgz"), url, "tgz")
    missing = dataclasses.replace(wheel, url=f"{url}/gone.whl")
    entry = _entry(monkeypatch, missing, tarball)
    assert download(entry).read_bytes() == PAYLOAD
    assert files_in(weights_dir()) == ["pose.tflite", "verified.json"]

    damaged = dataclasses.replace(tarball, sha256="b" * 64)
    entry = _entry(monkeypatch, wheel, damaged, sha256="c" * 64)
    target_path(entry).unlink()
    with pytest.raises(WeightsError) as info:
        download(entry)
    message = str(info.value)  # one line, every source's problem
    assert "\n" not in message and message.startswith("pose.tflite (pose): ")
    assert f"{MEMBER} in tool-1.0-py3-none-any.whl: not the expected file" in message
    assert f"{MEMBER} in tool-1.0.tgz: the archive's SHA-256 is" in message
    assert files_in(weights_dir()) == ["verified.json"]


def test_unreachable_then_missing_member_then_link(server, monkeypatch) -> None:
    folder, url = server
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    wheel = _source(_archive(folder, "zip"), url, "zip")
    nowhere = dataclasses.replace(wheel, url=f"http://127.0.0.1:{port}/x.whl")
    lacking = dataclasses.replace(wheel, member="pkg/models/absent.tflite")
    linked = _archive(
        folder / "links", "tgz", {"pkg/real.bin": PAYLOAD}, links={MEMBER: "real.bin"}
    )
    link = _source(linked, f"{url}/links", "tgz")
    entry = _entry(monkeypatch, nowhere, lacking, link)
    with pytest.raises(WeightsError) as info:
        download(entry)
    message = str(info.value)
    assert "x.whl: download failed (" in message
    assert "absent.tflite in tool-1.0-py3-none-any.whl: not in the archive" in message
    assert f"{MEMBER} in tool-1.0.tgz: not a regular file in the archive" in message
    assert files_in(weights_dir()) == []


def test_a_damaged_archive_is_one_line(server, monkeypatch) -> None:
    folder, url = server
    archive = _archive(folder, "tgz")
    archive.write_bytes(archive.read_bytes()[:5000])  # cut short; pinned as it is now
    entry = _entry(monkeypatch, _source(archive, url, "tgz"))
    with pytest.raises(WeightsError, match="the tgz archive is damaged") as info:
        download(entry)
    assert "\n" not in str(info.value)
    assert files_in(weights_dir()) == []


def test_a_member_larger_than_expected_is_not_extracted(server, monkeypatch) -> None:
    folder, url = server
    archive = _archive(folder, "zip", {MEMBER: PAYLOAD + bytes(1000)})
    entry = _entry(monkeypatch, _source(archive, url, "zip"))
    with pytest.raises(
        WeightsError, match=f"{MEMBER} in tool-1.0-py3-none-any.whl: 301000 bytes, more than 300000"
    ):
        download(entry)
    assert files_in(weights_dir()) == []


def test_cancel_leaves_nothing(server, monkeypatch) -> None:
    folder, url = server
    big = os.urandom(3 << 20)  # several chunks
    archive = _archive(folder, "zip", {MEMBER: big})
    entry = _entry(
        monkeypatch,
        _source(archive, url, "zip"),
        size_bytes=len(big),
        sha256=hashlib.sha256(big).hexdigest(),
    )
    token = CancelToken()
    with pytest.raises(Cancelled):
        download(entry, progress=lambda p: token.cancel(), cancel=token)
    assert files_in(weights_dir()) == []


def test_offline_never_touches_the_network(server, monkeypatch) -> None:
    folder, url = server
    _entry(monkeypatch, _source(_archive(folder, "zip"), url, "zip"))
    monkeypatch.setenv("JUDGEAPP_OFFLINE", "1")
    monkeypatch.setattr(socket, "create_connection", pytest.fail)
    with pytest.raises(WeightsError, match="JUDGEAPP_OFFLINE") as info:
        resolve("pose", allow_download=True)
    assert f"take {MEMBER} out of {url}/tool-1.0-py3-none-any.whl" in str(info.value)
    assert files_in(weights_dir()) == []


def test_two_members_of_one_archive_fetch_it_once(server, monkeypatch) -> None:
    folder, url = server
    second = os.urandom(1000)
    archive = _archive(folder, "zip", {MEMBER: PAYLOAD, "pkg/b.tflite": second})
    first = _entry(monkeypatch, _source(archive, url, "zip"))
    other = _entry(
        monkeypatch,
        _source(archive, url, "zip", member="pkg/b.tflite"),
        name="b",
        filename="b.tflite",
        size_bytes=len(second),
        sha256=hashlib.sha256(second).hexdigest(),
    )
    fetched = []
    download_module = importlib.import_module("judgeapp.weights.download")  # not the function
    real_opened = download_module.opened

    def counting(address):
        fetched.append(address)
        return real_opened(address)

    monkeypatch.setattr(download_module, "opened", counting)
    paths, errors = download_many([first, other], lambda p: None, CancelToken())
    assert errors == [] and [p.read_bytes() for p in paths] == [PAYLOAD, second]
    assert fetched == [first.url]
    assert files_in(weights_dir()) == ["b.tflite", "pose.tflite", "verified.json"]


def test_models_download_to_a_folder(server, monkeypatch, tmp_path, capsys) -> None:
    folder, url = server
    entry = _entry(monkeypatch, _source(_archive(folder, "tgz"), url, "tgz"))
    site = tmp_path / "venv" / "share" / "judgeapp" / "weights"

    assert main(["models", "download", "pose", "--to", str(site)]) == 0
    assert (site / "pose.tflite").read_bytes() == PAYLOAD
    assert files_in(site) == ["pose.tflite"]
    assert not target_path(entry).exists()  # not the cache
    assert f"pose: downloaded to {site / 'pose.tflite'}" in capsys.readouterr().out

    assert main(["models", "download", "pose", "--to", str(site)]) == 0
    assert "pose: already present, verified" in capsys.readouterr().out

    (site / "pose.tflite").write_bytes(b"tampered")  # replaced by a good copy
    assert main(["models", "download", "pose", "--to", str(site)]) == 0
    assert (site / "pose.tflite").read_bytes() == PAYLOAD

    (folder / "tool-1.0.tgz").unlink()
    (site / "pose.tflite").unlink()
    assert main(["models", "download", "pose", "--to", str(site)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: pose.tflite (pose): no source gave the expected file")
    assert "HTTP 404" in err and "\n" not in err
    assert files_in(site) == []

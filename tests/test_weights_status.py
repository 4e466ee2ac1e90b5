"""The state of each registered file, as `judgeapp models list` and the Models window show it."""

from __future__ import annotations

from pathlib import Path

import pytest
from weights_helpers import flip_last_byte_keeping_mtime, own_weights_folders, registered_files

from judgeapp.core.errors import Cancelled
from judgeapp.core.progress import CancelToken
from judgeapp.weights import REGISTRY, target_path, weights_dir
from judgeapp.weights.status import (
    CORRUPT,
    MISSING,
    PRESENT,
    VERIFIED,
    file_status,
    registry_status,
)
from judgeapp.weights.store import cached_digest


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "cache")


def test_missing_files_say_where_they_belong() -> None:
    statuses = registry_status()
    assert [s.entry.name for s in statuses] == list(REGISTRY)
    for status in statuses:
        assert status.state == MISSING and not status.installed
        assert status.path == target_path(status.entry)
        assert status.size_bytes == status.entry.size_bytes
        assert status.text == "missing"


def test_hashing_modes(monkeypatch) -> None:
    (alpha,) = registered_files(monkeypatch, weights_dir(), ["alpha"])
    path = weights_dir() / "alpha.pth"

    quick = file_status(alpha)  # never hashes: nothing remembered yet
    assert (quick.state, quick.text, quick.installed) == (PRESENT, "installed, not verified", True)
    assert cached_digest(path) is None

    checked = file_status(alpha, "unverified")  # hashes it and remembers the digest
    assert (checked.state, checked.text) == (VERIFIED, "installed, verified")
    assert checked.size_bytes == path.stat().st_size
    assert file_status(alpha).state == VERIFIED  # now known without reading the file

    flip_last_byte_keeping_mtime(path)
    assert file_status(alpha, "unverified").state == VERIFIED
    rehashed = file_status(alpha, "always")
    assert (rehashed.state, rehashed.text) == (CORRUPT, "wrong hash")
    assert rehashed.problem.startswith("SHA-256") and not rehashed.installed
    assert file_status(alpha).state == CORRUPT  # the new digest is remembered


def test_wrong_size_and_no_published_hash(monkeypatch) -> None:
    (beta,) = registered_files(monkeypatch, weights_dir(), ["beta"])
    (weights_dir() / "beta.pth").write_bytes(b"short")
    status = file_status(beta)
    assert (status.state, status.text) == (CORRUPT, "wrong size")
    assert "size 5 bytes" in status.problem

    i3d = REGISTRY["i3d_rgb_kinetics400"]  # neither size nor hash published
    target_path(i3d).write_bytes(b"any bytes")
    assert file_status(i3d, "unverified").text == "installed (no published hash)"
    target_path(i3d).write_bytes(b"")
    assert file_status(i3d, "always").text == "empty file"


def test_a_good_copy_later_in_the_search_path_wins(tmp_path, monkeypatch) -> None:
    shared = tmp_path / "shared"
    (gamma,) = registered_files(monkeypatch, shared, ["gamma"])
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(shared))
    weights_dir().mkdir(parents=True)
    (weights_dir() / "gamma.pth").write_bytes(b"damaged")  # searched first
    status = file_status(gamma, "unverified")
    assert status.state == VERIFIED and status.path == shared / "gamma.pth"


def test_progress_and_cancel() -> None:
    reports = []
    registry_status(names=["yolo", "s3d_kinetics400"], progress=reports.append)
    assert [(p.stage, p.done, p.total) for p in reports] == [
        ("check yolo11n.pt", 0, 2),
        ("check s3d-d76dad2f.pth", 1, 2),
    ]
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        registry_status(cancel=token)

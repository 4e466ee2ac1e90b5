"""Helpers for the weights tests: registry entries for files the tests make themselves."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch

from judgeapp.model import ModelCard, random_head, save_checkpoint
from judgeapp.weights.registry import REGISTRY, WeightsFile
from judgeapp.weights.store import check_file, site_weights_dir

BLAZEPOSE = ("blazepose_detector", "blazepose_landmark_full")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_state_dict(seed: int = 0) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return {
        "layer.weight": torch.randn(8, 4, generator=generator),
        "layer.bias": torch.randn(8, generator=generator),
        "bn.num_batches_tracked": torch.tensor(3),
    }


def entry_for(path: Path, name: str = "test_weights", **changes) -> WeightsFile:
    """A registry entry describing `path` exactly (size and full hash), with optional changes."""
    entry = WeightsFile(
        name=name,
        filename=path.name,
        url=f"http://127.0.0.1:9/{path.name}",
        size_bytes=path.stat().st_size,
        sha256=sha256_of(path),
        description="made by a test",
        license="test",
        used_by=("tests",),
    )
    return dataclasses.replace(entry, **changes)


def register(monkeypatch, entry: WeightsFile) -> WeightsFile:
    monkeypatch.setitem(REGISTRY, entry.name, entry)
    return entry


def registered_files(monkeypatch, folder: Path, names: list[str]) -> list[str]:
    """Small weights files `folder/NAME.pth` (seeded by position), each registered as NAME."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(names):
        path = folder / f"{name}.pth"
        torch.save(small_state_dict(seed), path)
        register(monkeypatch, entry_for(path, name=name))
    return list(names)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` (made if needed) over HTTP on 127.0.0.1; yields its base url."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def own_weights_folders(monkeypatch, cache: Path) -> None:
    """Weights are looked for in `cache` only: no torch.hub, shared or installation folder of
    the machine."""
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(cache))
    monkeypatch.setenv("TORCH_HOME", str(cache.parent / "torch"))
    monkeypatch.delenv("JUDGEAPP_WEIGHTS_PATH", raising=False)
    monkeypatch.setenv("JUDGEAPP_NO_SITE_WEIGHTS", "1")


@pytest.fixture(scope="session")
def blazepose_dir() -> Path:
    """The installation's folder (`site_weights_dir()`, `<sys.prefix>/share/judgeapp/weights`)
    holding the real BlazePose models, both verified against the registry (size, SHA-256);
    skips, saying why, where they are not (scripts/install.sh puts them there).

    The suite sets JUDGEAPP_NO_SITE_WEIGHTS=1, so the app does not search this folder by
    itself: a test that wants it to opts in with `monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS")`
    (or puts the folder on JUDGEAPP_WEIGHTS_PATH). Import it: `from weights_helpers import
    blazepose_dir`.
    """
    folder = site_weights_dir()
    for name in BLAZEPOSE:
        entry = REGISTRY[name]
        path = folder / entry.filename
        check = check_file(entry, path, use_cache=False, record=False)
        if not check.ok:
            pytest.skip(
                f"BlazePose model {path}: {check.problem} (install it: `judgeapp models "
                f"download {' '.join(BLAZEPOSE)} --to {folder}`, or `bash scripts/install.sh`)"
            )
    return folder


def flip_byte(path: Path, at: int = -100) -> None:
    """Damage a file in place: one byte inverted, same size."""
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def flip_last_byte_keeping_mtime(path: Path) -> None:
    """Other content, same size and modification time: only a fresh hash notices."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def save_head(
    path: Path,
    routine: str = "ball",
    seed: int = 0,
    profile: str = "torchvision",
    dims: tuple[int, int] = (1024, 2048),
    **card_changes,
) -> ModelCard:
    """A head checkpoint at `path` written by the real code: seeded random weights, its card
    marked trained for `routine` (the default dims are the torchvision profile's)."""
    model, card = random_head(profile, *dims, seed=seed, routine=routine)
    fields = {
        "name": f"{routine}-head-seed{seed}",
        "trained": True,
        "trained_on": f"a test: {routine} routines",
        "test_spearman": 0.5,
    }
    card = dataclasses.replace(card, **{**fields, **card_changes})
    return save_checkpoint(path, model, card)


def pickle_file(path: Path) -> Path:
    """A pickle (what a .pth or a malicious file is) at `path`, whatever its name says."""
    import pickle

    path.write_bytes(pickle.dumps({"layer.weight": [1.0, 2.0]}))
    return path


def files_in(folder: Path) -> list[str]:
    """Every entry of `folder`, hidden ones too (none when it does not exist)."""
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@functools.cache
def _i3d_bytes() -> bytes:
    import io

    from judgeapp.features.i3d import InceptionI3d

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        state = InceptionI3d(num_classes=400).state_dict()
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def write_i3d_file(path: Path) -> Path:
    """A file in the format of the authors' i3d_rgb.pth (random weights, 51 MB): it has no
    published hash, so installing it loads it into the network first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_i3d_bytes())
    return path

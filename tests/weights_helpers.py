"""Helpers for the weights tests: registry entries for files the tests make themselves."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import torch

from judgeapp.weights.registry import REGISTRY, WeightsFile


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

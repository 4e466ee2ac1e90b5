"""Choosing the torch device for an analysis."""

from __future__ import annotations

import torch

from judgeapp.core.errors import JudgeappError


def resolve_device(name: str) -> str:
    """ "auto" -> "cuda" when a CUDA GPU is usable, else "cpu"; "cuda" without one is an error."""
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise JudgeappError("--device cuda: no CUDA GPU is available on this machine")
    if name not in ("cpu", "cuda"):
        raise JudgeappError(f"unknown device {name!r}: use auto, cpu or cuda")
    return name

"""Weights published in another network's layout, converted once to judgeapp's safetensors.

The official Video Swin-B checkpoint (an mmaction2 file) is converted to torchvision swin3d_b's
key names (features.swin.official_to_torchvision), checked by a strict load, and saved as
`<cache>/weights/swin3d_b_kinetics600_22k.safetensors`. No hash of the official file is
published, so the first file that converts is the verified one: its SHA-256 and the converted
file's are pinned in `<that>.pin.json`; a later source must have the pinned hash, and the
converted file is re-hashed against its pin (through the verification record) before each use.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from judgeapp.core.errors import WeightsError
from judgeapp.core.files import atomic_path, write_text_atomic
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.weights.registry import WeightsFile
from judgeapp.weights.store import file_digest, weights_dir


@dataclass(frozen=True)
class Conversion:
    """How one registry entry becomes a state dict of the network judgeapp builds."""

    filename: str
    rename: Callable[[dict], dict]
    check: Callable[[dict], None]  # raises WeightsError when the result does not fit


def _swin_rename(state: dict) -> dict:
    from judgeapp.features.swin import official_to_torchvision

    return official_to_torchvision(state)


def _swin_check(state: dict) -> None:
    from judgeapp.features.swin import swin3d_b_features

    swin3d_b_features(state)  # strict load: a WeightsError names what does not fit


CONVERSIONS: dict[str, Conversion] = {
    "swin3d_b_kinetics600_22k": Conversion(
        "swin3d_b_kinetics600_22k.safetensors", _swin_rename, _swin_check
    ),
}


def converted_path(entry: WeightsFile) -> Path:
    return weights_dir() / CONVERSIONS[entry.name].filename


def pin_path(entry: WeightsFile) -> Path:
    return converted_path(entry).with_suffix(".pin.json")


def _read_pin(path: Path) -> dict | None:
    try:
        pin = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise WeightsError(f"{path}: unreadable hash pin ({exc})") from None
    if not isinstance(pin, dict) or not all(
        isinstance(pin.get(k), str) for k in ("source_sha256", "sha256")
    ):
        raise WeightsError(f"{path}: not a hash pin (source_sha256, sha256)")
    return pin


def _read_official(path: Path) -> dict:
    """A third-party .pth read with torch.load(weights_only=True): tensors, no code."""
    import torch

    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, ValueError, EOFError, AttributeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise WeightsError(f"{path}: not a plain weights file, refused ({first[:200]})") from None
    if not isinstance(data, dict):
        raise WeightsError(f"{path}: expected a checkpoint dict, found {type(data).__name__}")
    return data


def _load_safetensors(path: Path) -> dict:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path))
    except (SafetensorError, OSError) as exc:
        raise WeightsError(f"{path}: unreadable converted weights ({exc})") from None


def convert_file(entry: WeightsFile, path: Path) -> dict:
    """`path` (the file of `entry`) renamed into judgeapp's layout and checked by a strict
    load; WeightsError when it is not that file."""
    conversion = CONVERSIONS[entry.name]
    state = conversion.rename(_read_official(path))
    conversion.check(state)
    return state


def load_converted(
    entry: WeightsFile,
    resolve_source: Callable[[], Path],
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict:
    """The converted state dict of `entry`: from its safetensors copy when that matches its pin,
    else converted now from the source file `resolve_source()` finds (and pinned)."""
    target, pin_file = converted_path(entry), pin_path(entry)
    pin = _read_pin(pin_file)
    if pin is not None and target.is_file():
        digest = file_digest(target)
        if digest == pin["sha256"]:
            return _load_safetensors(target)
    source = resolve_source()
    source_digest = file_digest(source)
    if pin is not None and source_digest != pin["source_sha256"]:
        raise WeightsError(
            f"{source}: SHA-256 {source_digest}, but the file first converted on this machine "
            f"had {pin['source_sha256']} (pinned in {pin_file}); remove the pin to accept it"
        )
    state = convert_file(entry, source)
    from safetensors.torch import save_file

    tensors = {k: v.contiguous() for k, v in state.items()}
    with atomic_path(target, suffix=".safetensors") as tmp:
        save_file(tensors, str(tmp))
    digest = file_digest(target, use_cache=False)
    record = {
        "source": source.name,
        "source_sha256": source_digest,
        "sha256": digest,
        "keys": len(tensors),
        "parameters": int(
            sum(v.numel() for k, v in tensors.items() if "relative_position_index" not in k)
        ),
    }
    write_text_atomic(pin_file, json.dumps(record, indent=1) + "\n")
    return tensors

"""Finding a verified weights file, and reading a state dict from it without unpickling code."""

from __future__ import annotations

import pickle
from pathlib import Path

from judgeapp.core.errors import WeightsError
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.weights.download import download, missing_error, offline
from judgeapp.weights.registry import WeightsFile, get_weights_file
from judgeapp.weights.store import candidates, check_file


def resolve(
    name: str | WeightsFile,
    allow_download: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """The path of a verified copy of weights file `name`.

    Looks in the cache, `$JUDGEAPP_WEIGHTS_PATH`, the installation's folder
    (`site_weights_dir()`) and torch.hub's folder (store.search_dirs); a file that fails its
    size or hash check is skipped, and named in the error when no good copy is found. Without a
    good copy it downloads when `allow_download` (and not JUDGEAPP_OFFLINE), else raises
    WeightsError saying which file to put where.
    """
    entry = get_weights_file(name)
    problems = []
    for path in candidates(entry):
        check = check_file(entry, path)
        if check.ok:
            return path
        problems.append(f"{path} fails its check: {check.problem}")
    if allow_download:
        return download(entry, progress=progress, cancel=cancel)
    reason = "; ".join(problems) or "not found"
    if not problems:
        reason += " (offline)" if offline() else " (downloading it needs --download)"
    raise missing_error(entry, reason)


def read_state_dict(path: str | Path) -> dict:
    """A plain state dict {str: Tensor} from a .pth/.pt file, read with weights_only=True.

    Anything else (code to run, non-tensor objects, a wrapped checkpoint) is a WeightsError:
    torch's weights-only unpickler refuses every object it does not know, without running it.
    """
    import torch

    path = Path(path)
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, ValueError, EOFError, AttributeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise WeightsError(
            f"{path}: not a plain weights file, refused to load it ({first[:200]})"
        ) from None
    except OSError as exc:
        raise WeightsError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not isinstance(data, dict) or not data:
        raise WeightsError(f"{path}: expected a state dict of tensors, found {type(data).__name__}")
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise WeightsError(
                f"{path}: expected a state dict of tensors, found {type(value).__name__} "
                f"under {key!r}"
            )
    return dict(data)


def load_state_dict(
    name: str | WeightsFile,
    allow_download: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict:
    """The state dict {str: Tensor} of weights file `name` (resolved and verified first; a file
    published in another layout comes from its converted copy, weights.convert)."""
    from judgeapp.weights.convert import CONVERSIONS, load_converted

    entry = get_weights_file(name)
    if entry.name in CONVERSIONS:
        return load_converted(
            entry, lambda: resolve(entry, allow_download, progress, cancel), progress, cancel
        )
    return read_state_dict(resolve(entry, allow_download, progress, cancel))

"""A checkpoint's header without its tensors: the file-kind check and the model card.

No PyTorch here (safetensors is opened with the numpy framework and only its JSON header is
parsed), so the GUI can list installed heads without importing torch; reading a card costs a
few kilobytes of I/O, not the whole file.
"""

from __future__ import annotations

from pathlib import Path

from safetensors import SafetensorError, safe_open

from judgeapp.core.errors import CheckpointError
from judgeapp.model.card import ModelCard
from judgeapp.model.set_card import SET_KEY, SetCard

CARD_KEY = "judgeapp.model_card"
HEADER_LIMIT_BYTES = 100 * 1024 * 1024


def check_file_kind(path: Path) -> None:
    """Refuse, from the first bytes alone, anything that is not a safetensors file."""
    if not path.exists():
        raise CheckpointError(f"{path}: checkpoint not found")
    if not path.is_file():
        raise CheckpointError(f"{path}: not a file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(9)
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size == 0:
        raise CheckpointError(f"{path}: empty file")
    if head.startswith(b"PK\x03\x04"):
        raise CheckpointError(
            f"{path}: a zip archive (a PyTorch .pth/.pt?), not a safetensors checkpoint; "
            "refused without loading it"
        )
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise CheckpointError(
            f"{path}: a pickle file, not a safetensors checkpoint; refused without unpickling"
        )
    if size < 9:
        raise CheckpointError(f"{path}: too short to be a safetensors checkpoint ({size} bytes)")
    header_bytes = int.from_bytes(head[:8], "little")
    if head[8:9] != b"{" or header_bytes > HEADER_LIMIT_BYTES:
        raise CheckpointError(f"{path}: not a safetensors checkpoint")
    if 8 + header_bytes > size:
        raise CheckpointError(f"{path}: truncated safetensors checkpoint")


def card_from_metadata(path: Path, metadata: dict[str, str] | None) -> ModelCard:
    """The model card in a checkpoint's metadata; CheckpointError naming `path` otherwise."""
    return _parsed_card(path, metadata, CARD_KEY, "model card", ModelCard.from_json)


def set_card_from_metadata(path: Path, metadata: dict[str, str] | None) -> SetCard:
    """The set card in a model set file's metadata; CheckpointError naming `path` otherwise."""
    return _parsed_card(path, metadata, SET_KEY, "set card", SetCard.from_json)


def _parsed_card(path: Path, metadata: dict[str, str] | None, key: str, what: str, parse):
    """`parse` of the card stored under `key`; CheckpointError naming `path` and `what` when it
    is missing or invalid (the reason cut to 200 characters: the file may be hostile)."""
    metadata = metadata or {}
    if key not in metadata:
        raise CheckpointError(f"{path}: no judgeapp {what} in the file's metadata")
    try:
        return parse(metadata[key])
    except (ValueError, TypeError, OverflowError) as exc:
        raise CheckpointError(f"{path}: invalid {what} ({one_line(exc)[:200]})") from None


def _metadata(path: Path) -> dict[str, str]:
    check_file_kind(path)
    try:
        with safe_open(str(path), framework="numpy") as reader:
            return reader.metadata() or {}
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"{path}: not a readable safetensors file ({one_line(exc)})"
        ) from None


def read_set_card(path: str | Path) -> SetCard | None:
    """The set card of a model set file (None for a one-head checkpoint), from its header."""
    path = Path(path)
    metadata = _metadata(path)
    return set_card_from_metadata(path, metadata) if SET_KEY in metadata else None


def read_model_card(path: str | Path) -> ModelCard:
    """The model card of a head checkpoint, read from its header only (tensors untouched).

    For a model set: its main card (`SetCard.main_card`, the total's or only target's first
    member, named as the set), so that every listing of heads lists sets too.
    Raises CheckpointError, one line naming the file, for anything that is not a safetensors
    file with a valid card. The weights are not checked: `load_checkpoint` does that.
    """
    path = Path(path)
    metadata = _metadata(path)
    if SET_KEY in metadata:
        return set_card_from_metadata(path, metadata).main_card()
    return card_from_metadata(path, metadata)


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (its type name when it has none)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__

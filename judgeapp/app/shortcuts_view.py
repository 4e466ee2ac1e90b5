"""The keyboard shortcuts window's rows and the tooltips that name their keys."""

from __future__ import annotations

from collections.abc import Sequence


def action_label(text: str) -> str:
    """A menu entry's text as a person reads it: no mnemonic "&", no trailing "…"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(
    entries: Sequence[tuple[str, str, Sequence[str]]],
) -> list[tuple[str, str, str]]:
    """(action, keys, menu) rows for the shortcuts table from (menu, action text, key strings),
    the actions without keys left out, each action once."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for menu, text, keys in entries:
        keys = [k for k in keys if k]
        label = action_label(text)
        if not keys or (label, menu) in seen:
            continue
        seen.add((label, menu))
        rows.append((label, " or ".join(keys), action_label(menu)))
    return rows


def tooltip_with_keys(text: str, keys: Sequence[str]) -> str:
    """A tooltip that names the keys: "Analyse (Ctrl+R)"."""
    keys = [k for k in keys if k]
    label = action_label(text)
    return f"{label} ({' or '.join(keys)})" if keys else label

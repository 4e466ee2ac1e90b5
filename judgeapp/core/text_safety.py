"""Text from files and users, made safe for where it goes: a CSV cell, a terminal line.

Names of videos, model cards (routine, trained_on), mark texts and error messages all come from
outside judgeapp. Two places would run such text instead of showing it:

- a spreadsheet runs a CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return as a formula (`=HYPERLINK(...)`, `+SUM(1,2)`): `csv_cell` puts an apostrophe in front
  of such a text, which spreadsheets read as "this is text";
- a terminal obeys control characters (ESC sequences move the cursor, recolour, retitle the
  window or rewrite what was printed; bidirectional overrides reorder what is shown):
  `terminal_text` writes each such character as a visible escape (`\\x1b`, `\\u202e`).

Every CSV judgeapp writes goes through `csv_cell` (`csv_row` for a dict row), and every piece
of outside text the command line prints goes through `terminal_text`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A plain decimal number ("-1.5", "+2", "3e-4") is read as a number, never as a formula: it
# is kept as it is, so that numeric columns stay numeric.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _needs_apostrophe(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula, or `text` already starts with
    apostrophes in front of one (which `csv_text` would take off: one more keeps it whole)."""
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(bare)


def csv_cell(value: Any) -> Any:
    """One CSV cell as a spreadsheet shows it and never runs it.

    Numbers (int, float) and None are returned as they are; any other value is made text.
    Line ends become "\\n" (a lone carriage return would go unquoted and split the row), and a
    text that a spreadsheet would run as a formula gets a leading apostrophe (a spreadsheet
    shows the text without it). A text that is a plain number ("-1.5") is kept: a spreadsheet
    reads it as that number. `csv_text` undoes it.
    """
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if _needs_apostrophe(text) else text


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A csv.DictWriter row with every cell through `csv_cell`."""
    return {key: csv_cell(value) for key, value in row.items()}


def csv_text(cell: str) -> str:
    """A cell read back from a CSV judgeapp wrote: `csv_cell`'s apostrophe taken off again."""
    if cell.startswith("'") and _needs_apostrophe(cell[1:]):
        return cell[1:]
    return cell


# Characters a terminal may act on instead of showing: C0 and C1 controls and DEL (Cc),
# format characters including the bidirectional overrides and isolates (Cf), line and
# paragraph separators (Zl, Zp), and lone surrogates (Cs: undecodable bytes of a file name,
# which would also make print() fail).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal_text(value: Any) -> str:
    """`value` as text a terminal shows and never obeys: every control character (ESC, tab,
    line breaks, C1 controls, bidirectional overrides, ...) written as a visible escape
    (`\\x1b`, `\\n`, `\\u202e`). Printable text, spaces included, is unchanged."""
    text = str(value)
    if text.isprintable():  # the common case, quickly
        return text
    return "".join(
        _visible(c) if unicodedata.category(c) in _HIDDEN_CATEGORIES else c for c in text
    )


def terminal_lines(text: Any) -> str:
    """`terminal_text` line by line: the line breaks of a message or a table judgeapp made
    are kept ("\\r\\n" and "\\r" become "\\n"); every other control character is escaped."""
    lines = str(text).replace("\r\n", "\n").split("\n")
    return "\n".join(terminal_text(line) for line in lines)

"""A video's content hash, computed once however many jobs ask for it.

The GUI needs the hash twice on opening a video: as the key of its marks and stored results, and
for the analysis (feature cache, result). Both ask one `ContentHash`; the first caller computes
it, the others wait for that answer, so a file is read for its hash once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from judgeapp.core.files import sha256_file


class ContentHash:
    """The SHA-256 of one file, computed on first `get` (thread-safe); `known` if given."""

    def __init__(self, path: str | Path, known: str = "") -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._value = known
        self.computed = 0  # times the file was actually read (tests)

    @property
    def value(self) -> str:
        """The hash if already computed, else ""."""
        return self._value

    def get(self) -> str:
        """The hash, computing it now if no one has yet (blocks; call from a job)."""
        with self._lock:
            if not self._value:
                self._value = sha256_file(self.path)
                self.computed += 1
            return self._value

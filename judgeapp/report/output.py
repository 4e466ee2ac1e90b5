"""Writing report files: complete or not at all, with the permissions any document the user
saves gets (core.files.final_mode): a new report as open() would make it under the user's umask,
a replaced report keeps its own (one the user made private stays private)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import atomic_path


def check_folder(target: str | Path) -> None:
    """Refuse a target whose folder (or a folder above it) is an existing regular file."""
    target = Path(target)
    for folder in target.parents:
        if folder.exists():
            if not folder.is_dir():
                raise JudgeappError(f"{target}: cannot write ({folder} is a file, not a folder)")
            return


def write_report_bytes(target: str | Path, data: bytes) -> None:
    """Write `data` to `target` atomically (JudgeappError on any file-system failure)."""
    check_folder(target)
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # not a device or a pipe
                os.fsync(fh.fileno())


def write_report_text(target: str | Path, text: str) -> None:
    write_report_bytes(target, text.encode("utf-8"))

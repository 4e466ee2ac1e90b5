"""Per-user folders: the environment overrides win, else the platform's convention."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from judgeapp.core import paths


def test_the_overrides_win(monkeypatch, tmp_path):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "d"))
    assert paths.cache_dir() == tmp_path / "c"
    assert paths.data_dir() == tmp_path / "d"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders are Linux's convention")
def test_without_overrides_linux_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("JUDGEAPP_CACHE_DIR")
    monkeypatch.delenv("JUDGEAPP_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xd"))
    assert paths.cache_dir() == tmp_path / "xc" / "judgeapp"
    assert paths.data_dir() == tmp_path / "xd" / "judgeapp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.cache_dir() == Path(tmp_path / "home" / ".cache" / "judgeapp")

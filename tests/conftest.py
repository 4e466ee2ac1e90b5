"""Shared test set-up: offscreen Qt, offline, a private cache and data folder per session, the
two test tiers, and a check that no test leaves a worker thread or child process running.

Tiers (JUDGEAPP_TEST_TIER, scripts/test.sh runs both):
- "core": every test outside tests/test_ui_*.py and tests/test_review_*.py, with PySide6,
  shiboken6 and pyqtgraph made unimportable: the command line, the application layer and
  everything below them must work without Qt. Tests elsewhere that need Qt are marked `qt`.
- "gui": the GUI files and the tests marked `qt`.
- unset ("all"): everything in one process.
"""

from __future__ import annotations

import importlib.abc
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["JUDGEAPP_OFFLINE"] = "1"
os.environ["YOLO_OFFLINE"] = "1"
os.environ["JUDGEAPP_NO_SITE_WEIGHTS"] = "1"

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
TIER = os.environ.get("JUDGEAPP_TEST_TIER", "all")
GUI_FILE = re.compile(r"test_(ui|review)_\w*\.py$")
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "pytestqt")
# How long a finished test's workers get to stop (a cancelled job may be inside a network's
# forward pass on a busy machine): a deadline for a condition, polled; a clean test waits 0 s.
LEFTOVER_GRACE_S = 60.0


class QtBlocker(importlib.abc.MetaPathFinder):
    """Makes the Qt packages unimportable, as if they were not installed."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in QT_MODULES:
            raise ModuleNotFoundError(f"No module named {fullname!r} (core test tier)")
        return None


if TIER == "core":
    assert not [m for m in sys.modules if m.split(".")[0] in QT_MODULES], "Qt already imported"
    sys.meta_path.insert(0, QtBlocker())


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if TIER == "core" and GUI_FILE.match(collection_path.name):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TIER not in ("core", "gui"):
        return
    keep, drop = [], []
    for item in items:
        gui = bool(GUI_FILE.match(item.path.name)) or item.get_closest_marker("qt") is not None
        (keep if gui == (TIER == "gui") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _private_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's cache or library: each test session gets its own."""
    root = tmp_path_factory.mktemp("judgeapp-home")
    os.environ["JUDGEAPP_CACHE_DIR"] = str(root / "cache")
    os.environ["JUDGEAPP_DATA_DIR"] = str(root / "data")
    # Converted OpenVINO models are keyed by the weights' hash: one conversion per session, or
    # per run of scripts/test.sh, whose two tiers share JUDGEAPP_TEST_OPENVINO_CACHE_DIR.
    shared = os.environ.get("JUDGEAPP_TEST_OPENVINO_CACHE_DIR")
    os.environ["JUDGEAPP_OPENVINO_CACHE_DIR"] = shared or str(root / "openvino")
    os.environ["YOLO_CONFIG_DIR"] = str(root / "ultralytics")


def _leftovers() -> list[str]:
    """judgeapp's job threads, Qt worker threads and child processes still running."""
    from judgeapp.app.jobs import live_job_threads

    left = [f"job thread {t.name}" for t in live_job_threads()]
    workers = sys.modules.get("judgeapp.ui.workers")
    if workers is not None:
        left += [f"Qt thread {t.objectName()}" for t in workers.live_threads()]
    left += [f"child process {p.name} (pid {p.pid})" for p in multiprocessing.active_children()]
    return left


@pytest.fixture(autouse=True)
def _no_worker_left_running():
    """Fail a test that leaves a worker thread or a child process running after it ends
    (polled until they are gone, up to LEFTOVER_GRACE_S: a cancelled job may need a moment to
    notice)."""
    yield
    deadline = time.monotonic() + LEFTOVER_GRACE_S
    while (left := _leftovers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        pytest.fail(f"the test left running: {', '.join(left)}", pytrace=False)


@pytest.fixture(scope="session")
def media_dir() -> Path:
    if not MEDIA.is_dir():
        pytest.skip(f"real test videos not found at {MEDIA}")
    return MEDIA


@pytest.fixture
def review_window(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """make(size=(1280, 800)) -> (window, review): the main window with its review extension,
    quiet (an untrained head on random backbones, nothing analysed on opening) with a library
    and settings file of the test's own, shown at `size` (None: not shown yet). Afterwards
    every window made is closed (unless the test closed it), its library too, and no worker
    thread may be left. Qt is imported only here: the core tier never asks for it."""
    from ui_helpers import main_window_with

    from judgeapp.app.app_settings import AppSettings
    from judgeapp.app.requests import AnalysisRequest
    from judgeapp.ui.workers import live_threads

    made = []

    def make(size: tuple[int, int] | None = (1280, 800)):
        monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
        quiet = AppSettings(AnalysisRequest(model="random", pretrained=False), auto_analyze=False)
        window, review = main_window_with(qtbot, tmp_path, quiet, size, review=True)
        made.append((window, review))
        return window, review

    yield make
    for window, review in made:
        if window.isVisible():
            window.close()
        review.library.close()
    assert live_threads() == []


@pytest.fixture
def undo_library(tmp_path: Path):
    """(library, undo stack, video sha256): a new library of the test's own that knows one
    made-up video, for the marks' undo and drawing tests."""
    from report_helpers import fake_video_info

    from judgeapp.store import Library, UndoStack

    library = Library.open(tmp_path / "lib.sqlite3")
    info = fake_video_info()
    library.remember_video(info)
    yield library, UndoStack(library), info.sha256
    library.close()


@pytest.fixture
def marks_service(tmp_path: Path):
    """The marks service (no Qt) on a new library of the test's own, a made-up 30 s video
    open."""
    from report_helpers import fake_video_info

    from judgeapp.app.marks_service import MarksService
    from judgeapp.store import Library

    library = Library.open(tmp_path / "lib.sqlite3")
    service = MarksService(library)
    service.set_video(fake_video_info("ball.mp4", duration_s=30.0))
    yield service
    service.close()
    library.close()


@pytest.fixture
def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any analysis fails the test: for what must be refused before a video is analysed."""
    import judgeapp.analysis

    def never_analyse(*_args, **_kwargs):
        raise AssertionError("a video was analysed")

    monkeypatch.setattr(judgeapp.analysis, "analyze", never_analyse)

"""The Models window, offscreen: the real registry, real model packs, downloads from a local server.

Each test gets its own cache folder (the machine that installs); packs are written by the real
`judgeapp.weights.pack` from small files registered beside the real entries, and from head
checkpoints written by the real checkpoint code.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QPushButton
from ui_helpers import shown
from weights_helpers import (
    entry_for,
    files_in,
    flip_byte,
    flip_last_byte_keeping_mtime,
    own_weights_folders,
    pickle_file,
    register,
    registered_files,
    save_head,
    serve_folder,
    sha256_of,
    write_i3d_file,
)

from judgeapp.app import models_service
from judgeapp.app.jobs import live_job_threads
from judgeapp.app.models_service import FILE_COLUMNS, OFFLINE_LINE
from judgeapp.app.models_view import (
    HEAD_COLUMNS,
    head_uses,
    model_file_cells,
    model_file_tooltip,
    models_progress_text,
    pack_installed_text,
    short_path,
)
from judgeapp.core.progress import Progress
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.models_window import ModelsWindow
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.workers import live_threads
from judgeapp.weights import REGISTRY, pack, packs, target_path, weights_dir
from judgeapp.weights.heads import heads_dir, install_head, installed_heads
from judgeapp.weights.status import file_status

JOB_TIMEOUT_MS = 30_000
INSTALL_TIMEOUT_MS = 120_000  # a pack with heads checks them in a child process (PyTorch)
PACKED = ["alpha", "beta", "i3d_rgb_kinetics400"]  # two test entries and a real one
SMALL = (1024, 2048)  # a head must fit its profile (torchvision and paper: 1024-d, 2048-d)


def threads_left() -> list[str]:
    """The names of the judgeapp threads still running (job threads and QThreads)."""
    return [t.name for t in live_job_threads()] + [t.objectName() for t in live_threads()]


def _use_cache(monkeypatch, folder: Path) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(folder))


@pytest.fixture(autouse=True)
def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's own cache; no torch.hub or shared folder to find files in."""
    own_weights_folders(monkeypatch, tmp_path / "laptop")


def _make_pack(tmp_path: Path, monkeypatch, out_name: str) -> Path:
    """A model pack of PACKED written on another machine (its own cache); the laptop's is empty."""
    _use_cache(monkeypatch, tmp_path / "connected")
    registered_files(monkeypatch, weights_dir(), PACKED[:2])
    write_i3d_file(target_path(REGISTRY["i3d_rgb_kinetics400"]))  # proven by loading
    out = pack(tmp_path / out_name, names=PACKED)
    _use_cache(monkeypatch, tmp_path / "laptop")
    return out


@pytest.fixture
def models(qtbot):
    window = ModelsWindow()
    shown(qtbot, window, (900, 500))
    wait_idle(qtbot, window)
    yield window
    window.close()
    assert threads_left() == []


def wait_idle(qtbot, window: ModelsWindow) -> None:
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=JOB_TIMEOUT_MS)


def _pack_action(window: ModelsWindow, text: str):
    return next(a for a in window.install_button.menu().actions() if a.text().startswith(text))


def _weights_files() -> list[str]:
    folder = weights_dir()
    return (
        sorted(p.name for p in folder.iterdir() if p.name != "verified.json")
        if folder.is_dir()
        else []
    )


def test_the_table_lists_every_registry_entry(models) -> None:
    assert models.table.columnCount() == len(FILE_COLUMNS)
    assert [s.entry.name for s in models.statuses] == list(REGISTRY)
    assert models.table.rowCount() == len(REGISTRY)
    assert set(models.status_texts().values()) == {"missing"}
    row = list(REGISTRY).index("resnet50_imagenet1k_v1")
    cells = [models.table.item(row, c).text() for c in range(len(FILE_COLUMNS))]
    assert cells == [
        "Picture network: sees the athlete's body position (original-study set)",
        "no",
        "102.5 MB",
        "missing",
        "resnet50-0676ba61.pth",
        "resnet50_imagenet1k_v1",
        str(weights_dir()),
    ]
    tooltip = models.table.item(row, 4).toolTip()
    assert "download.pytorch.org" in tooltip
    assert f"belongs at {target_path(REGISTRY['resnet50_imagenet1k_v1'])}" in tooltip
    assert models.download_button.text() == "Download Needed Files"
    assert not models.verify_button.isEnabled()  # nothing to verify yet


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_installing_a_pack_turns_missing_into_installed(
    qtbot, models, tmp_path, monkeypatch, kind
) -> None:
    out = _make_pack(tmp_path, monkeypatch, "pack.zip" if kind == "zip" else "pack")
    models.refresh()  # the test entries were registered after the window opened
    wait_idle(qtbot, models)
    assert {n: models.status_texts()[n] for n in PACKED} == dict.fromkeys(PACKED, "missing")

    if kind == "zip":
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
        action = _pack_action(models, "From a .zip")
    else:
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
        action = _pack_action(models, "From a Folder")
    threads = []

    def install_in(path):
        threads.append(threading.current_thread())
        return packs.install(path)

    monkeypatch.setattr(models_service, "install_pack", install_in)
    with qtbot.waitSignal(models.installed, timeout=JOB_TIMEOUT_MS) as installed:
        action.trigger()
    assert threads and threads[0] is not threading.main_thread()  # never in the GUI thread
    wait_idle(qtbot, models)

    assert installed.args[0] == [str(target_path(REGISTRY[n])) for n in PACKED]
    texts = models.status_texts()
    assert texts["alpha"] == texts["beta"] == "installed, verified"
    assert texts["i3d_rgb_kinetics400"] == "installed (no published hash)"
    assert texts["yolo"] == "missing"
    assert "Model pack installed: 3 files" in models.message.text()
    assert _weights_files() == sorted(REGISTRY[n].filename for n in PACKED)
    assert models.verify_button.isEnabled()


def test_a_damaged_pack_shows_one_error_line_and_installs_nothing(
    qtbot, models, tmp_path, monkeypatch
) -> None:
    out = _make_pack(tmp_path, monkeypatch, "pack")
    flip_byte(out / "beta.pth")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    emitted = []
    models.installed.connect(emitted.append)

    _pack_action(models, "From a Folder").trigger()
    wait_idle(qtbot, models)

    message = models.message.text()
    assert "beta.pth does not match the manifest" in message and "damaged" in message
    assert "\n" not in message and "Traceback" not in message
    assert emitted == [] and _weights_files() == []
    assert {models.status_texts()[n] for n in PACKED} == {"missing"}


def test_download_offline_names_the_file_and_leaves_nothing(qtbot, models) -> None:
    assert os.environ["JUDGEAPP_OFFLINE"] == "1"
    assert "JUDGEAPP_OFFLINE=1" in models.intro.text()
    yolo = REGISTRY["yolo"]
    models.table.selectRow(list(REGISTRY).index("yolo"))
    assert models.download_button.text() == "Download Selected"
    assert [s.entry.name for s in models.downloadable()] == ["yolo"]

    models.download_button.click()
    wait_idle(qtbot, models)

    assert models.message.text() == OFFLINE_LINE
    message = models.message.toolTip()  # the exact line, for the details view
    assert message.startswith("yolo11n.pt (yolo): not found, and JUDGEAPP_OFFLINE=1")
    assert str(target_path(yolo)) in message and "\n" not in message
    assert not target_path(yolo).exists() and _weights_files() == []
    assert models.status_texts()["yolo"] == "missing"


def test_download_shows_bytes_and_installs(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("JUDGEAPP_OFFLINE")
    served = tmp_path / "served"
    served.mkdir()
    (served / "big.bin").write_bytes(os.urandom(2_500_000))  # three 1 MiB reads
    with serve_folder(served) as url:
        entry = register(monkeypatch, entry_for(served / "big.bin", "big", url=f"{url}/big.bin"))
        window = ModelsWindow()
        qtbot.addWidget(window)
        window.show()
        wait_idle(qtbot, window)
        seen: list[tuple[int, int, str]] = []
        bar = window.progress
        bar.valueChanged.connect(lambda v: seen.append((v, bar.maximum(), bar.format())))
        window.table.selectRow(list(REGISTRY).index("big"))
        with qtbot.waitSignal(window.installed, timeout=JOB_TIMEOUT_MS) as installed:
            window.download_button.click()
        wait_idle(qtbot, window)
        window.close()
    assert threads_left() == []
    downloads = [s for s in seen if s[2].startswith("Download")]  # then a refresh checks files
    assert downloads == [
        (round(1000 * (1 << 20) / 2_500_000), 1000, "Download big.bin: 1.0 MB / 2.5 MB"),
        (round(1000 * (2 << 20) / 2_500_000), 1000, "Download big.bin: 2.1 MB / 2.5 MB"),
        (1000, 1000, "Download big.bin: 2.5 MB / 2.5 MB"),
    ]
    assert installed.args[0] == [str(target_path(entry))]
    assert target_path(entry).read_bytes() == (served / "big.bin").read_bytes()
    assert window.status_texts()["big"] == "installed, verified"
    assert window.message.text() == "Downloaded big.bin."


def test_verify_rehashes_what_refresh_trusts(qtbot, models, monkeypatch) -> None:
    registered_files(monkeypatch, weights_dir(), ["alpha"])
    path = weights_dir() / "alpha.pth"
    models.refresh()  # hashes the new file once and remembers its digest
    wait_idle(qtbot, models)
    assert models.status_texts()["alpha"] == "installed, verified"

    flip_last_byte_keeping_mtime(path)  # the remembered digest still seems to fit
    models.refresh_button.click()
    wait_idle(qtbot, models)
    assert models.status_texts()["alpha"] == "installed, verified"

    models.verify_button.click()
    wait_idle(qtbot, models)
    assert models.status_texts()["alpha"] == "wrong hash"
    assert "alpha.pth" in models.message.text()
    assert "alpha.pth: SHA-256" in models.message.toolTip()  # the exact problem: the details
    models.table.clearSelection()
    assert "alpha" not in [s.entry.name for s in models.downloadable()]  # the settings' only
    models.table.selectRow(list(REGISTRY).index("alpha"))
    assert [s.entry.name for s in models.downloadable()] == ["alpha"]  # damaged: re-downloads


def test_cancel_stops_a_download_and_nothing_is_installed(qtbot, models, monkeypatch) -> None:
    monkeypatch.delenv("JUDGEAPP_OFFLINE")  # the fake download below is the only network
    started = threading.Event()

    def endless_download(entry, progress, cancel):  # the window's only way to stop it: cancel
        while True:
            progress(Progress(f"download {entry.filename}", 1, 0))
            started.set()
            cancel.raise_if_cancelled()
            time.sleep(0.01)

    # The module, not the package's `download` function of the same name.
    monkeypatch.setattr(
        importlib.import_module("judgeapp.weights.download"), "download", endless_download
    )
    emitted = []
    models.installed.connect(emitted.append)
    models.table.selectRow(list(REGISTRY).index("yolo"))
    models.download_button.click()
    assert started.wait(10) and models.is_busy()
    assert models.cancel_button.isVisible() and not models.download_button.isEnabled()
    models.cancel_button.click()
    wait_idle(qtbot, models)
    assert models.message.text().startswith("Cancelled")
    assert emitted == [] and not models.cancel_button.isVisible()
    assert models.download_button.isEnabled()


def _slow_install(monkeypatch) -> threading.Event:
    """Installing waits until the returned event is set (at most 10 s)."""
    release = threading.Event()

    def slow_install(path):
        release.wait(10)
        return packs.install(path)

    monkeypatch.setattr(models_service, "install_pack", slow_install)
    return release


def test_closing_waits_for_the_running_job(qtbot, tmp_path, monkeypatch) -> None:
    out = _make_pack(tmp_path, monkeypatch, "pack.zip")
    release = _slow_install(monkeypatch)
    window = ModelsWindow()
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, window)
    assert window.install_pack(out)
    assert window.is_busy() and not window.install_pack(out)  # one job at a time
    assert window.cancel_button.isHidden()  # installing cannot stop half-way
    threading.Timer(0.3, release.set).start()
    start = time.monotonic()
    window.close()
    assert time.monotonic() - start >= 0.25  # close waited for the worker
    assert threads_left() == [] and not window.is_busy()


def test_rows_and_progress_words_without_qt(monkeypatch) -> None:
    registered_files(monkeypatch, weights_dir(), ["alpha"])
    cells = model_file_cells(file_status("alpha", "unverified"))
    size = (weights_dir() / "alpha.pth").stat().st_size
    assert cells == [
        "alpha",
        "tests",
        f"{size / 1e6:.1f} MB",
        "installed, verified",
        str(weights_dir()),
    ]
    home = Path("/home/judge")
    assert (
        short_path(home / ".cache/judgeapp/weights/x.pth", home)
        == "~/.cache/judgeapp/weights/x.pth"
    )
    assert short_path(Path("/mnt/pack/x.pth"), home) == "/mnt/pack/x.pth"
    s3d = file_status("s3d_kinetics400")
    assert model_file_cells(s3d)[2] == "?"  # no exact size published
    assert "belongs at" in model_file_tooltip(s3d) and "d76dad2f... (prefix only)" in (
        model_file_tooltip(s3d)
    )
    assert models_progress_text(Progress("download a.pth", 1_500_000, 3_000_000)) == (
        "Download a.pth: 1.5 MB / 3.0 MB"
    )
    assert (
        models_progress_text(Progress("download a.pth", 2_000_000, 0)) == "Download a.pth: 2.0 MB"
    )
    assert models_progress_text(Progress("check a.pth", 1, 3)) == "Check a.pth (2 / 3)"


# --- the main window --------------------------------------------------------------------------


@pytest.fixture
def main_window(qtbot, tmp_path):
    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    assert threads_left() == []


def test_menu_action_opens_one_models_window(qtbot, main_window) -> None:
    actions = {a.text(): a for a in main_window.menus["analysis"].actions()}
    assert list(actions).index("M&odels…") == list(actions).index("Choose &Model…") + 1
    actions["M&odels…"].trigger()
    models = main_window.models_window
    assert isinstance(models, ModelsWindow) and models.isVisible()
    wait_idle(qtbot, models)
    actions["M&odels…"].trigger()
    assert main_window.models_window is models  # kept, not a second one


def test_no_model_banner_offers_the_models_window_and_clears_on_install(qtbot, main_window) -> None:
    main_window._needs_model()
    assert "Analysis ▸ Models…" in main_window.model_banner.message()
    buttons = main_window.model_banner.findChildren(QPushButton)
    install = [b for b in buttons if b.text().startswith("Install")]  # its words: main window
    assert len(install) == 1, [b.text() for b in buttons]
    install[0].click()
    models = main_window.models_window
    assert models is not None and models.isVisible()

    models.installed.emit(["/somewhere/alpha.pth"])  # no video open: nothing to analyse
    assert main_window.model_banner.isHidden()
    assert "Ctrl+R" in main_window.statusBar().currentMessage()


def test_an_analysis_that_wanted_a_model_runs_again_after_an_install(
    qtbot, main_window, monkeypatch
) -> None:
    calls = []
    monkeypatch.setattr(main_window, "analyze", lambda model=None: calls.append(model))
    main_window.show_models()
    models = main_window.models_window
    main_window.session.source = object()  # as if a video were open
    try:
        models.installed.emit(["/somewhere/alpha.pth"])
        assert calls == []  # no analysis was waiting for a model
        main_window._needs_model()
        models.installed.emit(["/somewhere/alpha.pth"])
    finally:
        main_window.session.source = None  # the window closes with no video
    assert calls == [None] and main_window.model_banner.isHidden()
    assert "analysing again" in main_window.statusBar().currentMessage()


def test_closing_the_main_window_stops_the_models_job(qtbot, main_window, tmp_path, monkeypatch):
    out = _make_pack(tmp_path, monkeypatch, "pack.zip")
    release = _slow_install(monkeypatch)
    main_window.show_models()
    models = main_window.models_window
    wait_idle(qtbot, models)
    assert models.install_pack(out) and models.is_busy()
    threading.Timer(0.3, release.set).start()
    main_window.close()
    assert threads_left() == [] and not models.is_busy()


# --- trained heads ----------------------------------------------------------------------------


def _head_pack(tmp_path: Path, monkeypatch, damage: str = "") -> Path:
    """A folder pack of PACKED and a ball head, made on another machine; optionally the head
    is swapped for a pickle afterwards (with a manifest that matches it)."""
    save_head(tmp_path / "ball.safetensors", "ball", dims=SMALL)
    _use_cache(monkeypatch, tmp_path / "connected")
    registered_files(monkeypatch, weights_dir(), PACKED[:2])
    write_i3d_file(target_path(REGISTRY["i3d_rgb_kinetics400"]))  # proven by loading
    out = pack(tmp_path / "pack", names=PACKED, heads=[tmp_path / "ball.safetensors"])
    if damage == "pickle":
        packed = pickle_file(out / "heads" / "ball.safetensors")
        manifest = json.loads((out / "manifest.json").read_text())
        manifest["files"][-1].update(sha256=sha256_of(packed), size_bytes=packed.stat().st_size)
        (out / "manifest.json").write_text(json.dumps(manifest))
    _use_cache(monkeypatch, tmp_path / "laptop")
    return out


def test_a_pack_with_a_head_installs_it_and_lists_it(qtbot, models, tmp_path, monkeypatch):
    """The real installation: the head is checked in a child process, then listed."""
    out = _head_pack(tmp_path, monkeypatch)
    assert models.head_texts() == [] and not models.use_button.isEnabled()
    assert "No scoring model" in models.heads_intro.text()
    with qtbot.waitSignal(models.installed, timeout=INSTALL_TIMEOUT_MS) as installed:
        assert models.install_pack(out)
    wait_idle(qtbot, models)
    head = heads_dir() / "ball.safetensors"
    assert installed.args[0][-1] == str(head)
    assert head.read_bytes() == (tmp_path / "ball.safetensors").read_bytes()
    message = models.message.text()
    assert "3 files (alpha.pth, beta.pth, i3d_rgb.pth)" in message
    assert f"1 trained head (ball.safetensors) in {heads_dir()}" in message
    assert models.head_texts() == [
        [
            "ball-head-seed0",
            "ball",
            "total",
            "standard (torchvision)",
            "a test: ball routines",
            "0.500",
            "newest (default)",
        ]
    ]
    assert str(head) in models.heads_table.item(0, 0).toolTip()
    assert "The scoring models installed" in models.heads_intro.text()


def test_a_pack_with_a_pickled_head_installs_nothing(qtbot, models, tmp_path, monkeypatch):
    out = _head_pack(tmp_path, monkeypatch, damage="pickle")
    emitted = []
    models.installed.connect(emitted.append)
    assert models.install_pack(out)
    qtbot.waitUntil(lambda: not models.is_busy(), timeout=INSTALL_TIMEOUT_MS)
    message = models.message.text()
    assert message.startswith(f"{out / 'heads' / 'ball.safetensors'}: a pickle file")
    assert "nothing was installed" in message and "\n" not in message
    assert emitted == [] and files_in(heads_dir()) == [] and _weights_files() == []
    assert models.head_texts() == []


def _two_installed_heads(tmp_path: Path) -> list[Path]:
    """A hoop head installed after a ball head: [hoop, ball] (newest first)."""
    paths = []
    for age, routine in ((200, "ball"), (100, "hoop")):
        source = tmp_path / "made" / f"{routine}.safetensors"
        save_head(source, routine, dims=SMALL, test_spearman=None if routine == "hoop" else 0.7)
        path, _ = install_head(source)
        os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))
        paths.insert(0, path)
    return paths


def test_use_for_analysis_sets_the_main_windows_model(qtbot, main_window, tmp_path) -> None:
    hoop, ball = _two_installed_heads(tmp_path)
    main_window.show_models()
    models = main_window.models_window
    wait_idle(qtbot, models)
    assert [row[1] for row in models.head_texts()] == ["hoop", "ball"]
    assert [row[-2:] for row in models.head_texts()] == [
        ["—", "newest (default)"],
        ["0.700", ""],
    ]
    assert models.heads_table.columnCount() == len(HEAD_COLUMNS)

    models.heads_table.selectRow(1)
    assert models.use_button.isEnabled()
    models.use_button.click()
    assert main_window.settings.request.model == str(ball)
    assert main_window.store.load().request.model == str(ball)  # saved
    assert [row[-1] for row in models.head_texts()] == ["", "chosen"]
    assert "ball.safetensors" in main_window.statusBar().currentMessage()

    models.newest_button.click()  # back to the default
    assert main_window.settings.request.model == "" and main_window.store.load().request.model == ""
    assert [row[-1] for row in models.head_texts()] == ["newest (default)", ""]


def test_head_rows_and_texts_without_qt(tmp_path) -> None:
    hoop, ball = _two_installed_heads(tmp_path)
    heads = installed_heads()
    assert head_uses(heads, "", "") == ["newest (default)", ""]
    assert head_uses(heads, "", "paper") == ["", ""]  # no head for that profile
    assert head_uses(heads, str(ball), "") == ["", "chosen"]
    assert head_uses(heads, "random", "") == ["", ""]
    text = pack_installed_text([weights_dir() / "a.pth", hoop, ball], weights_dir(), heads_dir())
    assert text == (
        f"Model pack installed: 1 file (a.pth) in {weights_dir()}; "
        f"2 trained heads (hoop.safetensors, ball.safetensors) in {heads_dir()}."
    )

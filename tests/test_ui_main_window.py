"""The main window end to end, offscreen, on real videos with random backbones and a random head.

The first analysis of a video computes its features; later ones in the session read them from
the feature cache (the session's private cache folder), so only the first test here is slow.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from ui_helpers import judgeapp_python_threads
from weights_helpers import save_head

from judgeapp.app.view_models import AppSettings
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.workers import live_threads
from judgeapp.weights import pack

ANALYSIS_TIMEOUT_MS = 280_000
TEST_SETTINGS = AppSettings(
    device="cpu", model="random", pretrained=False, detector="hog", k=4, auto_analyze=True
)


@pytest.fixture
def store(tmp_path) -> SettingsStore:
    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(TEST_SETTINGS)
    return store


@pytest.fixture
def window(qtbot, store):
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    yield win
    win.close()
    assert live_threads() == [], [t.objectName() for t in live_threads()]
    assert judgeapp_python_threads() == []
    assert multiprocessing.active_children() == []  # no analysis process left either


@pytest.fixture(scope="module")
def juggle(media_dir) -> Path:
    return media_dir / "juggle_720p24.mp4"


def wait_analysis(qtbot, window: MainWindow) -> None:
    """Wait until the running analysis has ended; fail with its message if it failed."""
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=ANALYSIS_TIMEOUT_MS)
    assert window.outcome is not None, window.error_banner.message()


def open_video(qtbot, window: MainWindow, video: Path) -> None:
    """Open a video and wait until it is the window's video (opening probes it off-thread)."""
    with qtbot.waitSignal(window.session.opened, timeout=30_000):
        window.open_video(video)
    assert window.session.path == video


def open_and_analyse(qtbot, window: MainWindow, video: Path) -> None:
    open_video(qtbot, window, video)
    qtbot.waitUntil(lambda: window.player.current_index == 0, timeout=10_000)
    wait_analysis(qtbot, window)


def click_timeline(qtbot, window: MainWindow, time_s: float) -> None:
    timeline = window.timeline
    y = timeline.view_box.sceneBoundingRect().center().y()
    point = timeline.plot.mapFromScene(QPointF(timeline.scene_x_for_time(time_s), y))
    qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_analysis_fills_timeline_score_and_crops(qtbot, window, juggle):
    open_and_analyse(qtbot, window, juggle)
    result = window.outcome.result
    assert len(result.dynamic) == 3 and len(result.static) >= 1
    steps = window.timeline.drawn_steps()
    assert len(steps) == len(result.dynamic)  # one step per segment
    for (start_s, end_s, weight), seg in zip(steps, result.dynamic, strict=True):
        assert (start_s, end_s, weight) == pytest.approx((seg.start_s, seg.end_s, seg.weight))
    points = window.timeline.drawn_points()
    assert len(points) == len(result.static)  # one point per athlete frame
    for (time_s, weight), frame in zip(points, result.static, strict=True):
        assert (time_s, weight) == pytest.approx((frame.time_s, frame.weight))
    assert window.score_panel.score.text() == f"{result.score:.2f}"
    assert window.score_panel.rows()["Trained on"] == "untrained"
    assert not window.calibration_banner.isHidden()  # random backbones and head
    assert "not how good the routine is" in window.calibration_banner.message()
    top = window.crops.grids["athlete-top"].buttons
    assert len(top) == min(4, len(result.static))
    qtbot.waitUntil(lambda: all(b.has_image() for b in window.crops.buttons()), timeout=30_000)


def test_timeline_click_and_thumbnails_seek_to_the_right_frame(qtbot, window, juggle):
    open_and_analyse(qtbot, window, juggle)
    source = window.session.source
    qtbot.waitUntil(lambda: source.cache.complete, timeout=60_000)
    for time_s in (7.3, 2.0):
        click_timeline(qtbot, window, time_s)
        # the click lands on a screen pixel: a few ms either side of time_s
        qtbot.waitUntil(lambda t=time_s: abs(window.player.current_time_s - t) < 0.1)
        assert window.player.current_index == source.index_at(window.timeline.playhead_time())
    athlete = window.crops.grids["athlete-top"].buttons[0]
    qtbot.mouseClick(athlete, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.player.current_index == athlete.thumb.frame)
    segment = window.crops.grids["segment-top"].buttons[0]
    qtbot.mouseClick(segment, Qt.MouseButton.LeftButton)
    expected = source.index_at(segment.thumb.seek_s)
    qtbot.waitUntil(lambda: window.player.current_index == expected)
    assert source.time_of(expected) <= segment.thumb.seek_s < source.time_of(expected + 1)


def test_playhead_follows_the_player_without_feedback(qtbot, window, juggle):
    open_and_analyse(qtbot, window, juggle)
    requests = []
    window.timeline.seekRequested.connect(requests.append)
    window.player.seek(100)
    qtbot.waitUntil(lambda: window.player.current_index == 100)
    assert window.timeline.playhead_time() == pytest.approx(window.player.current_time_s)
    assert requests == []  # moving the playhead from the player asks for no seek
    window.timeline.playhead.setValue(5.0)
    window.timeline.playhead.sigDragged.emit(window.timeline.playhead)  # as a user drag does
    qtbot.waitUntil(lambda: abs(window.player.current_time_s - 5.0) < 1 / 24 + 1e-6)
    assert requests == [5.0]


def test_n_and_p_visit_the_highlights_in_order(qtbot, window, juggle):
    open_and_analyse(qtbot, window, juggle)
    highlights = [h.frame for h in window.highlights]
    assert highlights == sorted(highlights) and len(highlights) >= 2
    window.player.seek(0)
    qtbot.waitUntil(lambda: window.player.current_index == 0)
    window.activateWindow()
    visited = []
    for _ in highlights:
        qtbot.keyClick(window, Qt.Key.Key_N)
        qtbot.waitUntil(lambda: window.player.current_index == window.player.target_index)
        visited.append(window.player.current_index)
    expected = [f for f in highlights if f > 0]
    assert visited[: len(expected)] == expected
    back = []
    for _ in expected[:-1]:
        qtbot.keyClick(window, Qt.Key.Key_P)
        qtbot.waitUntil(lambda: window.player.current_index == window.player.target_index)
        back.append(window.player.current_index)
    assert back == list(reversed(expected[:-1]))


def test_cancel_mid_analysis_stops_the_worker(qtbot, window, media_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "fresh-cache"))  # no cached features
    stages = []
    window.session.analysisProgress.connect(lambda p: stages.append(p.stage))
    open_video(qtbot, window, media_dir / "room_people_139s.mp4")
    qtbot.waitUntil(lambda: any(s in ("detect", "dynamic") for s in stages), timeout=120_000)
    assert window.progress.isVisible() and "Analysing" in window.progress.format()
    window.player.seek(50)  # the player stays usable meanwhile
    qtbot.waitUntil(lambda: window.player.current_index == 50, timeout=10_000)
    with qtbot.waitSignal(window.session.analysisCancelled, timeout=120_000):
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.session.analysing)
    assert window.outcome is None and window.progress.isHidden()
    assert not [t for t in live_threads() if t.objectName() == "judgeapp-analysis"]


def test_opening_another_video_cancels_the_running_analysis(
    qtbot, window, media_dir, juggle, tmp_path, monkeypatch
):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "fresh-cache"))
    stages = []
    window.session.analysisProgress.connect(lambda p: stages.append(p.stage))
    open_video(qtbot, window, media_dir / "room_people_139s.mp4")
    qtbot.waitUntil(lambda: bool(stages), timeout=120_000)
    monkeypatch.undo()  # the juggle features are in the session's cache by now, or will be
    open_and_analyse(qtbot, window, juggle)
    assert Path(window.outcome.result.video.path).name == "juggle_720p24.mp4"
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=120_000)
    assert window.session.service.spawned == 1  # one analysis process for both videos


def test_bad_inputs_show_a_message_and_the_window_stays_usable(
    qtbot, window, store, juggle, tmp_path
):
    assert not window.open_video(tmp_path / "gone.mp4")  # refused at once
    assert "gone.mp4: no such file" in window.error_banner.message()

    text = tmp_path / "notes.mp4"
    text.write_text("these are a judge's notes, not a video\n")
    with qtbot.waitSignal(window.session.openFailed, timeout=30_000):
        window.open_video(text)
    assert "notes.mp4" in window.error_banner.message()

    corrupt = tmp_path / "corrupt.mp4"
    data = juggle.read_bytes()
    corrupt.write_bytes(data[:4096] + bytes(len(data) - 4096))  # header kept, frames zeroed
    window.error_banner.hide()
    window.open_video(corrupt)  # refused when probed, or decoding and the analysis fail later
    qtbot.waitUntil(lambda: bool(window.error_banner.message()), timeout=120_000)
    assert "corrupt.mp4" in window.error_banner.message()

    missing = tmp_path / "missing-head.safetensors"
    window.apply_settings(replace(window.settings, model=str(missing)))
    open_video(qtbot, window, juggle)
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=60_000)
    assert "missing-head.safetensors" in window.error_banner.message()
    assert window.outcome is None

    window.player.seek(30)  # still usable
    qtbot.waitUntil(lambda: window.player.current_index == 30, timeout=10_000)
    window.apply_settings(replace(window.settings, model="random"))
    window.analyze()
    wait_analysis(qtbot, window)
    assert window.error_banner.isHidden()


def test_no_model_banner_says_what_to_do(qtbot, window, juggle, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "no-heads"))
    window.apply_settings(replace(window.settings, model=""))  # the installed head: none here
    with qtbot.waitSignal(window.session.analysisNeedsModel, timeout=120_000):
        open_video(qtbot, window, juggle)
    qtbot.waitUntil(lambda: not window.session.analysing)
    assert window.outcome is None and window.error_banner.isHidden()
    assert not window.model_banner.isHidden()
    message = window.model_banner.message()
    assert "Analysis ▸ Models" in message and "demo analysis" in message
    assert "judgeapp " not in message and "--" not in message  # no terminal commands
    qtbot.waitUntil(lambda: window.player.current_index == 0, timeout=10_000)


def test_installing_a_pack_with_a_head_scores_the_waiting_video(
    qtbot, window, media_dir, tmp_path, monkeypatch
):
    """No head installed: the analysis stops at the banner; a model pack with a head installed
    from the Models window makes it run again and score with that head."""
    head = tmp_path / "hoop.safetensors"
    card = save_head(head, routine="hoop", seed=5)
    out = pack(tmp_path / "heads.zip", names=[], heads=[head])  # made on another machine
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "laptop"))  # no heads, no features
    window.apply_settings(replace(window.settings, model=""))  # the installed head
    with qtbot.waitSignal(window.session.analysisNeedsModel, timeout=120_000):
        open_video(qtbot, window, media_dir / "squats_portrait_5fps.mp4")
    qtbot.waitUntil(lambda: not window.session.analysing)
    assert not window.model_banner.isHidden() and window.outcome is None

    window.show_models()
    models = window.models_window
    qtbot.waitUntil(lambda: not models.is_busy(), timeout=30_000)
    with qtbot.waitSignal(window.session.analysisStarted, timeout=120_000):
        assert models.install_pack(out)  # the head is checked in a child process first
    assert window.model_banner.isHidden()
    wait_analysis(qtbot, window)
    model = window.outcome.result.model
    assert (model.name, model.routine) == (card.name, "hoop")
    assert window.outcome.facts.trained is True
    qtbot.waitUntil(lambda: not models.is_busy(), timeout=30_000)
    assert models.head_texts()[0][:2] == [card.name, "hoop"]


def test_settings_recent_files_and_drop_persist(qtbot, store, juggle, tmp_path):
    first = MainWindow(store)
    qtbot.addWidget(first)
    first.apply_settings(replace(first.settings, k=6, device="cpu", auto_analyze=False))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(juggle))])
    drop = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(first.session.opened, timeout=30_000):
        first.dropEvent(drop)
    assert first.session.path == juggle
    qtbot.waitUntil(lambda: first.player.current_index == 0, timeout=10_000)
    first.resize(700, 500)  # inside the offscreen screen (800x600), so nothing is clamped
    first.close()
    second = MainWindow(store)
    qtbot.addWidget(second)
    assert second.settings.k == 6 and second.settings.device == "cpu"
    assert second.settings.recent[0] == str(juggle.resolve())
    assert [a.text() for a in second.recent_menu.actions()] == ["juggle_720p24.mp4"]
    assert (second.size().width(), second.size().height()) == (700, 500)
    second.close()
    assert live_threads() == []

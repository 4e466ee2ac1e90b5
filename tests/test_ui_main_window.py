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
from PySide6.QtGui import QAction, QDropEvent
from ui_helpers import judgeapp_python_threads, main_window_with, shown
from weights_helpers import save_head

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.jobs import live_job_threads
from judgeapp.app.requests import AnalysisRequest
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.workers import live_threads
from judgeapp.video.decode import DECODE_LOG_ENV
from judgeapp.weights import pack

ANALYSIS_TIMEOUT_MS = 280_000
TEST_SETTINGS = AppSettings(
    AnalysisRequest(device="cpu", model="random", pretrained=False, detector="hog"),
    k=4,
    auto_analyze=True,
)


@pytest.fixture
def store(tmp_path) -> SettingsStore:
    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(TEST_SETTINGS)
    return store


@pytest.fixture
def window(qtbot, store):
    win = MainWindow(store)
    shown(qtbot, win)
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
    # The outcome is delivered just before the job thread returns: wait for it to end.
    qtbot.waitUntil(
        lambda: not [t for t in live_job_threads() if t.name == "judgeapp-analysis"],
        timeout=10_000,
    )


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
    window.apply_settings(window.settings.with_request(model=str(missing)))
    open_video(qtbot, window, juggle)
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=60_000)
    assert "missing-head.safetensors" in window.error_banner.message()
    assert window.outcome is None

    window.player.seek(30)  # still usable
    qtbot.waitUntil(lambda: window.player.current_index == 30, timeout=10_000)
    window.apply_settings(window.settings.with_request(model="random"))
    window.analyze()
    wait_analysis(qtbot, window)
    assert window.error_banner.isHidden()


def test_no_model_banner_says_what_to_do(qtbot, window, juggle, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "no-heads"))
    window.apply_settings(window.settings.with_request(model=""))  # the installed head: none here
    with qtbot.waitSignal(window.session.analysisNeedsModel, timeout=120_000):
        open_video(qtbot, window, juggle)
    qtbot.waitUntil(lambda: not window.session.analysing)
    assert window.outcome is None and window.error_banner.isHidden()
    assert not window.model_banner.isHidden()
    message = window.model_banner.message()
    assert "Analysis ▸ Models" in message and "demo analysis" in message
    for command in ("judgeapp models", "judgeapp train", "--"):  # no terminal commands
        assert command not in message
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
    window.apply_settings(window.settings.with_request(model=""))  # the installed head
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
    first.apply_settings(
        replace(first.settings.with_request(device="cpu"), k=6, auto_analyze=False)
    )
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
    assert second.settings.k == 6 and second.settings.request.device == "cpu"
    assert second.settings.recent[0] == str(juggle.resolve())
    assert [a.text() for a in second.recent_menu.actions()] == ["juggle_720p24.mp4"]
    assert (second.size().width(), second.size().height()) == (700, 500)
    second.close()
    assert live_threads() == []


def test_opening_and_analysing_decodes_the_video_once(qtbot, store, juggle, tmp_path, monkeypatch):
    """The frame cache fills from the analysis's own pass: one decoding pass in all processes,
    and the analysis gets the hash the window computed (a short clip proves it as well as a
    long one: a second pass, the window's or the analysis's, would be a second log line)."""
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "fresh-cache"))
    monkeypatch.setenv(DECODE_LOG_ENV, str(tmp_path / "decodes.log"))
    window = MainWindow(store)
    shown(qtbot, window)
    try:
        open_and_analyse(qtbot, window, juggle)
        cache = window.session.source.cache
        qtbot.waitUntil(lambda: cache.complete, timeout=30_000)
        assert cache.cached_frames == window.session.source.frame_count
        passes = (tmp_path / "decodes.log").read_text().splitlines()
        assert len(passes) == 1, passes
        assert window.outcome.result.video.sha256 == window.state.sha256 != ""
        assert window.session.content_hash.computed == 1
        assert "ready" in window.cache_label.text()
    finally:
        window.close()


# --- what a new user hit (issue 14): each driven without a real analysis unless marked slow ---


@pytest.fixture
def quiet(qtbot, tmp_path):
    """A window that does not analyse on opening; its recent list holds one video."""
    quiet_settings = replace(TEST_SETTINGS, auto_analyze=False)
    win, _ = main_window_with(qtbot, tmp_path, quiet_settings, ini="quiet.ini")
    yield win
    win.close()
    assert multiprocessing.active_children() == []


def record_analyses(window: MainWindow, monkeypatch) -> list:
    """Requests the window starts, instead of running them."""
    started = []
    monkeypatch.setattr(window.session, "start_analysis", started.append)
    return started


def test_b_and_view_athlete_box_toggle_the_box(qtbot, quiet, juggle):
    open_video(qtbot, quiet, juggle)
    assert quiet.player.box_check.isChecked()
    quiet.box_action.trigger()  # View > Athlete Box (raised TypeError before)
    assert not quiet.player.box_check.isChecked() and not quiet.box_action.isChecked()
    quiet.activateWindow()
    qtbot.keyClick(quiet, Qt.Key.Key_B)
    assert quiet.player.box_check.isChecked() and quiet.box_action.isChecked()
    quiet.player.box_check.setChecked(False)  # the checkbox keeps the menu in step
    assert not quiet.box_action.isChecked()


def test_the_start_screen_offers_a_demo_that_needs_nothing_installed(qtbot, quiet, monkeypatch):
    from judgeapp.app.analysis_service import demo_request
    from judgeapp.ui.main_window import SAMPLE_CLIP

    assert quiet.pages.currentWidget() is quiet.start_screen
    started = record_analyses(quiet, monkeypatch)
    qtbot.mouseClick(quiet.start_screen.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(started), timeout=30_000)
    assert started == [demo_request(quiet.settings.request.device)]
    assert started[0].pretrained is False and started[0].model == "random"
    assert started[0].detector == "hog"
    assert quiet.session.path == SAMPLE_CLIP and quiet.pages.currentWidget() is quiet.player
    quiet.demo_action.trigger()  # with a video open: that video, the same request
    assert started[-1] == demo_request(quiet.settings.request.device) and len(started) == 2


@pytest.mark.slow
def test_the_demo_scores_offline_with_no_weights_at_all(qtbot, tmp_path, monkeypatch, juggle):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "empty"))  # no weights, no heads
    store = SettingsStore(QSettings(str(tmp_path / "new.ini"), QSettings.Format.IniFormat))
    store.save(
        AppSettings(AnalysisRequest(device="cpu"), auto_analyze=False)
    )  # a new user's defaults
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    try:
        open_video(qtbot, window, juggle)
        window.demo()
        wait_analysis(qtbot, window)
        model = window.outcome.result.model
        assert not model.calibrated
        assert {r.code for r in model.uncalibrated} == {"random-backbones", "untrained-head"}
        assert "Not calibrated" in window.score_panel.calibration.text()
    finally:
        window.close()


def test_saving_settings_analyses_the_open_video_again(qtbot, quiet, juggle, monkeypatch):
    open_video(qtbot, quiet, juggle)
    started = record_analyses(quiet, monkeypatch)
    quiet.settings_saved(replace(quiet.settings, k=2))  # a view preference: no new analysis
    assert started == []
    quiet.settings_saved(quiet.settings.with_request(detector="none"))
    assert [r.detector for r in started] == ["none"]
    assert (
        QSettings(quiet.store.qsettings.fileName(), QSettings.Format.IniFormat).value(
            "analysis/detector"
        )
        == "none"
    )


def test_recent_files_are_listed_on_the_start_screen_and_a_click_opens_one(qtbot, quiet, juggle):
    quiet.settings = replace(quiet.settings, recent=(str(juggle),))
    quiet._refresh_recent_menu()
    assert quiet.start_screen.recent_paths() == [str(juggle)]
    item = quiet.start_screen.recent_list.item(0)
    rect = quiet.start_screen.recent_list.visualItemRect(item)
    with qtbot.waitSignal(quiet.session.opened, timeout=30_000):
        qtbot.mouseClick(
            quiet.start_screen.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert quiet.session.path == juggle


def test_a_folder_or_a_missing_file_is_said_in_the_window(quiet, tmp_path):
    assert not quiet.open_video(tmp_path)
    assert "is a folder" in quiet.error_banner.message()
    assert not quiet.open_video(tmp_path / "missing.mp4")
    assert "missing.mp4: no such file" in quiet.error_banner.message()


def test_shortcuts_window_lists_every_key_in_a_table(qtbot, quiet):
    from judgeapp.ui.review import Review

    quiet.add_extension(Review(quiet))  # its keys too: M, undo/redo, export, library, batch
    quiet.show_shortcuts()
    table = quiet.shortcuts_window
    assert table.windowTitle() == "Keyboard Shortcuts"
    keys = {row[1] for row in table.rows()}
    for key in ("M", "F", "1", "B", "0", "N", "P", "Space", "Ctrl+O"):
        assert key in keys, key
    for key in ("Ctrl+R", "Ctrl+E", "Ctrl+L", "Ctrl+B", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+,"):
        assert any(key in k.split(" or ") for k in keys), key
    assert table.table.columnCount() == 3 and table.table.rowCount() == len(table.rows())
    quiet._name_keys_in_tooltips()
    assert quiet.analyze_action.toolTip() == "Analyse (Ctrl+R)"
    assert "(B)" in quiet.box_action.toolTip()
    table.close()


def test_two_banners_leave_the_video_its_room_at_1280x800(qtbot, quiet, juggle):
    from report_helpers import make_result

    from judgeapp.app.analysis_run import AnalysisOutcome
    from judgeapp.app.score_view import CardFacts

    open_video(qtbot, quiet, juggle)
    quiet.show_outcome(AnalysisOutcome(make_result(quiet.session.info), CardFacts()))
    quiet.show_error("Cannot open this video", "elsewhere.mp4: no such file " * 6)
    assert not quiet.calibration_banner.isHidden() and not quiet.error_banner.isHidden()
    qtbot.waitUntil(lambda: quiet.player.view.height() >= 400, timeout=5_000)  # was 325 px
    form = quiet.score_panel.form
    for row in range(form.rowCount()):  # every model card row says what it means
        label = form.itemAt(row, form.ItemRole.LabelRole).widget()
        assert len(label.toolTip()) > 20, label.text()
    for banner in (quiet.calibration_banner, quiet.error_banner):
        assert banner.height() <= 48
        assert banner.message().startswith(banner.toolTip()[:20])  # the whole text is kept
        banner.close_button.click()
        assert banner.isHidden()


def test_coach_facing_text_says_what_it_means_and_which_menu(quiet):
    from judgeapp.app.score_view import NO_MODEL_BANNER, calibration_banner
    from judgeapp.core.results import CalibrationReason, ModelInfo
    from judgeapp.ui.settings_dialog import SettingsDialog

    reasons = tuple(
        CalibrationReason(code, "t")
        for code in ("random-backbones", "untrained-head", "recipe-mismatch")
    )
    model = ModelInfo("random", "ball", "total", 25.0, "torchvision", False, reasons)
    dialog = SettingsDialog(quiet.settings, quiet)
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel

    texts = [NO_MODEL_BANNER.text, NO_MODEL_BANNER.title, calibration_banner(model).text]
    texts += [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    for combo in dialog.findChildren(QComboBox):
        texts += [combo.itemText(i) for i in range(combo.count())]
        texts.append(combo.toolTip())
    texts += [w.toolTip() for w in dialog.findChildren(QLabel) + dialog.findChildren(QComboBox)]
    texts += [quiet.score_panel.status.text(), *(a.text() for a in quiet.findChildren(QAction))]
    words = " ".join(texts)
    for jargon in ("--pretrained", "judgeapp models", "trained head", "feature profile"):
        assert jargon not in words, jargon
    assert "Analysis ▸ Models" in NO_MODEL_BANNER.text
    assert "Analysis ▸ Models" in calibration_banner(model).text
    dialog.close()


def test_the_players_a_b_loop_is_shaded_on_the_timeline(qtbot, quiet, juggle):
    open_video(qtbot, quiet, juggle)  # the player's loop needs no analysis
    qtbot.waitUntil(lambda: quiet.player.current_index == 0, timeout=10_000)
    assert not quiet.session.analysing
    assert not quiet.timeline.loop_region.isVisible()
    quiet.player.seek(48)
    quiet.player.set_loop_a()
    quiet.player.seek(120)
    quiet.player.set_loop_b()
    start_s, end_s = quiet.timeline.loop_region.getRegion()
    assert quiet.timeline.loop_region.isVisible()
    assert start_s == pytest.approx(48 / 24, abs=1e-6) and end_s >= 120 / 24 - 1e-6
    quiet.player.clear_loop()
    assert not quiet.timeline.loop_region.isVisible()

"""The comparison window (issue 21): one transport drives both players, each onto its own frame;
sync points, unlink/relink, the common timeline and the differences list seek both."""

from __future__ import annotations

import pytest
from report_helpers import make_result
from ui_helpers import mse, qimage_to_rgb, shown

from judgeapp.ui.compare_window import CompareWindow
from judgeapp.ui.workers import live_threads
from judgeapp.video import probe, read_frames


@pytest.fixture(scope="module")
def clips(media_dir):
    juggle, squats = media_dir / "juggle_720p24.mp4", media_dir / "squats_portrait_5fps.mp4"
    ra = make_result(probe(juggle, with_hash=False), seed=1, score=14.0)
    rb = make_result(probe(squats, with_hash=False), seed=2, score=16.5)
    return (juggle, ra), (squats, rb)


@pytest.fixture
def window(qtbot, clips):
    w = CompareWindow()
    shown(qtbot, w)
    (juggle, ra), (squats, rb) = clips
    w.set_side("a", juggle, ra)
    w.set_side("b", squats, rb)
    yield w
    w.shutdown()


def on_screen(qtbot, window: CompareWindow) -> tuple[int, int]:
    """Wait until both players show the frames the transport asks for; return them."""
    want = window.transport.frames()
    qtbot.waitUntil(
        lambda: (
            (
                window.sides["a"].player.current_index,
                window.sides["b"].player.current_index,
            )
            == want
        ),
        timeout=15_000,
    )
    return want


def test_linked_stepping_shows_each_sides_own_frame(qtbot, window, clips) -> None:
    (juggle, _), (squats, _) = clips
    window.transport.comparison = window.transport.comparison.with_sync("a", 1.0)
    window.transport.comparison = window.transport.comparison.with_sync("b", 2.0)
    window.seek(0.0)
    assert on_screen(qtbot, window) == (24, 10)
    comparison = window.transport.comparison
    seen = []
    for _ in range(14):
        window.step(1)
        a, b = on_screen(qtbot, window)
        # The frames the mapping gives for the common time on screen (app.compare, tested).
        t = window.transport.t
        assert (a, b) == (comparison.position("a", t).index, comparison.position("b", t).index)
        seen.append((a, b))
    # Every step shows a new pair; neither side skips a frame (24 fps against 5 fps: A walks
    # every frame, B moves on when its own next frame is due).
    pairs = [(24, 10), *seen]
    for before, after in zip(pairs, pairs[1:], strict=False):
        assert sorted((after[0] - before[0], after[1] - before[1])) in ([0, 1], [1, 1])
    assert seen[-1][1] == 12
    # The pictures are those frames (decoded independently), not their neighbours.
    truth_a = read_frames(juggle, {seen[-1][0] - 1, seen[-1][0], seen[-1][0] + 1})
    truth_b = read_frames(squats, {seen[-1][1] - 1, seen[-1][1], seen[-1][1] + 1})
    for which, truth, index in (("a", truth_a, seen[-1][0]), ("b", truth_b, seen[-1][1])):
        shown = qimage_to_rgb(window.sides[which].player.current_image())
        error = mse(shown, truth[index])
        assert error < mse(shown, truth[index - 1]) and error < mse(shown, truth[index + 1])
    # Back again: the same pairs in reverse.
    for expected in reversed(seen[:-1]):
        window.step(-1)
        assert on_screen(qtbot, window) == expected


def test_set_sync_unlink_and_relink(qtbot, window) -> None:
    on_screen(qtbot, window)
    assert window.link_button.isChecked()
    assert not window.sides["a"].player.slider.isEnabled()  # the window's transport drives
    window.link_button.setChecked(False)
    assert window.sides["a"].player.slider.isEnabled()
    # Each side moved on its own (its own player), then its sync point set there.
    player_a, player_b = window.sides["a"].player, window.sides["b"].player
    player_a.seek(36)
    qtbot.waitUntil(lambda: player_a.current_index == 36, timeout=15_000)
    player_b.seek(9)
    qtbot.waitUntil(lambda: player_b.current_index == 9, timeout=15_000)
    window.sides["a"].sync_button.click()
    window.sides["b"].sync_button.click()
    assert window.sides["a"].sync_label.text() == "sync 0:01.5"
    assert window.sides["b"].sync_label.text() == "sync 0:01.8"
    window.link_button.setChecked(True)
    assert window.transport.t == pytest.approx(0.0)
    assert on_screen(qtbot, window) == (36, 9)
    # Linked again: one step moves both on the common axis.
    window.step(1)
    assert on_screen(qtbot, window) == (37, 9)
    # The common timeline and the differences list seek both.
    window.timeline.seekRequested.emit(2.0)
    assert on_screen(qtbot, window) == (36 + 48, 9 + 10)
    assert window.diff_list.count() >= 1
    item = window.diff_list.item(0)
    window.diff_list.itemClicked.emit(item)
    d = item.data(0x0100)
    assert window.transport.t == pytest.approx(d.start_s)


def test_keys_drive_both(qtbot, window) -> None:
    on_screen(qtbot, window)
    window.activateWindow()
    window.actions_by_name["next"].trigger()
    assert on_screen(qtbot, window) == (1, 0)
    window.actions_by_name["play"].trigger()
    qtbot.waitUntil(lambda: window.transport.t > 0.5, timeout=15_000)
    window.actions_by_name["stop"].trigger()
    assert window.transport.velocity == 0.0
    a, b = on_screen(qtbot, window)
    assert a >= 12 and b >= 2


def test_the_main_windows_menu_opens_a_comparison_with_the_open_video(qtbot, tmp_path, clips):
    from PySide6.QtCore import QSettings

    from judgeapp.app.app_settings import AppSettings
    from judgeapp.app.requests import AnalysisRequest
    from judgeapp.ui.main_window import MainWindow
    from judgeapp.ui.settings import SettingsStore

    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(
        AppSettings(
            AnalysisRequest(device="cpu", model="random", pretrained=False), auto_analyze=False
        )
    )
    main = MainWindow(store)
    qtbot.addWidget(main)
    (juggle, _), _ = clips
    main.open_video(juggle)
    qtbot.waitUntil(lambda: main.session.source is not None, timeout=15_000)
    (action,) = [a for a in main.menus["file"].actions() if "Compare" in a.text()]
    action.trigger()
    (window,) = main.findChildren(CompareWindow)
    assert window.sides["a"].path == juggle
    assert window.transport is None  # side B is opened from its own button
    main.close()  # closes the comparison too: no frame loader is left running
    qtbot.waitUntil(lambda: live_threads() == [], timeout=15_000)


def test_overlay_blends_b_over_a_at_the_sync_point(qtbot, window) -> None:
    on_screen(qtbot, window)
    window.overlay_button.setChecked(True)
    assert window.overlay_view.isVisible() and not window.sides["a"].player.isVisible()
    window.opacity_slider.setValue(30)
    assert window.transport.comparison.overlay.opacity == pytest.approx(0.3)
    window.seek(1.0)
    on_screen(qtbot, window)
    qtbot.waitUntil(lambda: window.overlay_view.image_b is not None, timeout=15_000)
    picture = qimage_to_rgb(window.overlay_view.grab().toImage())
    centre = picture[picture.shape[0] // 2, picture.shape[1] // 2].astype(int)
    a = qimage_to_rgb(window.sides["a"].player.current_image())
    b = qimage_to_rgb(window.sides["b"].player.current_image())
    # The middle of the view: 70% of A's middle and 30% of B's (B is centred over A).
    blend = 0.7 * a[a.shape[0] // 2, a.shape[1] // 2] + 0.3 * b[b.shape[0] // 2, b.shape[1] // 2]
    assert abs(centre - blend).max() < 40
    window.overlay_button.setChecked(False)
    assert window.sides["a"].player.isVisible() and not window.overlay_view.isVisible()

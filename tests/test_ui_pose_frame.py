"""The pose of the paused frame in the main window, with the real pose model on a real clip:
stepping onto a frame between two 5 fps samples draws that frame's own skeleton, computed off
the GUI thread, keeping the followed athlete; a sampled frame shows the analysis's pose."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from PySide6.QtCore import QSettings
from report_helpers import make_result
from ui_helpers import shown
from weights_helpers import blazepose_dir  # noqa: F401 - a fixture

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.pose_on_demand import FramePoser
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.athlete import AthleteInfo, PoseInfo, PosePerson
from judgeapp.ui.main_window import AnalysisOutcome, MainWindow
from judgeapp.ui.settings import SettingsStore

CLIP = "juggle_720p24.mp4"  # 24 fps: frame 48 is the 2.0 s sample, 50 lies between samples


@pytest.fixture
def window(qtbot, tmp_path, media_dir, monkeypatch, blazepose_dir):  # noqa: F811
    monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS", raising=False)  # the installed pose model
    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(
        AppSettings(
            AnalysisRequest(device="cpu", model="random", pretrained=False), auto_analyze=False
        )
    )
    win = MainWindow(store)
    shown(qtbot, win)
    with qtbot.waitSignal(win.session.opened, timeout=30_000):
        win.open_video(media_dir / CLIP)
    qtbot.waitUntil(lambda: win.player.current_index == 0, timeout=10_000)
    yield win
    win.close()


def _result_with_one_sample(window):
    """A result whose pose holds the athlete (track 3) at frame 48 only, measured by the real
    pose model (as the analysis would)."""
    source = window.session.source
    overlay = FramePoser().overlay(source.path, source.info, 48, None)
    (person,) = overlay.people
    sample = PosePerson(overlay.time_s, 48, 3, 0.9, 0, person.box, tuple(person.landmarks))
    return dataclasses.replace(
        make_result(source.info),
        athlete=AthleteInfo("track", 3, "auto", "the only person followed"),
        pose=PoseInfo("blazepose_full", (sample,)),
    )


def test_a_frame_between_samples_gets_its_own_pose_in_the_background(qtbot, window):
    result = _result_with_one_sample(window)
    window.show_outcome(AnalysisOutcome(result, CardFacts()))
    pose, player, view = window.pose, window.player, window.player.view
    threads = []
    overlay_of = pose.poser.overlay

    def recorded(*args):
        threads.append(threading.current_thread())
        return overlay_of(*args)

    pose.poser.overlay = recorded
    player.seek(48)  # the sample: drawn from the result, no job
    qtbot.waitUntil(lambda: player.current_index == 48, timeout=5_000)
    assert view.pose_overlay().time_s == pytest.approx(2.0, abs=0.01)
    assert threads == [] and pose.frame_pose is None

    player.step(2)  # paused on frame 50: the sample is 0.08 s away; its own pose follows
    qtbot.waitUntil(lambda: pose.frame_pose is not None, timeout=60_000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    drawn = view.pose_overlay()
    assert drawn is pose.frame_pose and drawn.time_s == pytest.approx(50 / 24, abs=0.02)
    assert drawn.athlete is not None and drawn.athlete.track == 3
    assert drawn.athlete.landmarks != result.pose.people[0].landmarks
    assert view.pose_visible()

    player.seek(48)  # back on the sample: the analysis's pose again
    qtbot.waitUntil(lambda: player.current_index == 48, timeout=5_000)
    assert view.pose_overlay().time_s == pytest.approx(2.0, abs=0.01)

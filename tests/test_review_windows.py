"""Library and batch windows, export (pytest-qt, offscreen; hand-made results, real SQLite)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.app.jobs import live_job_threads
from judgeapp.app.library_service import LibraryService
from judgeapp.core.errors import VideoError
from judgeapp.core.marks import PanelScore
from judgeapp.core.progress import Progress
from judgeapp.store import Library
from judgeapp.ui.batch_window import BatchWindow
from judgeapp.ui.library_window import LibraryWindow


@pytest.fixture
def library(tmp_path: Path):
    lib = Library.open(tmp_path / "lib.sqlite3")
    yield lib
    lib.close()


@pytest.fixture
def service(library: Library) -> LibraryService:
    return LibraryService(library)


def _loaded(qtbot, window: LibraryWindow, change=None) -> None:
    """Run `change` (or nothing) and wait until the library window shows the new list."""
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        if change is not None:
            change()
    qtbot.waitUntil(lambda: not window.is_loading())


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_library_window_searches_sorts_opens_and_deletes(
    qtbot, library, service, tmp_path
) -> None:
    video = tmp_path / "hoop_anna.mp4"
    video.write_bytes(b"stand-in")  # opening only needs the file to exist
    infos = {
        "hoop_anna.mp4": fake_video_info("hoop_anna.mp4"),
        "ball_bea.mp4": fake_video_info("ball_bea.mp4"),
    }
    infos["hoop_anna.mp4"] = infos["hoop_anna.mp4"].__class__(
        **{**infos["hoop_anna.mp4"].__dict__, "path": str(video)}
    )
    library.save_analysis(make_result(infos["hoop_anna.mp4"], score=14.0))
    library.save_analysis(make_result(infos["ball_bea.mp4"], score=19.0))
    library.set_panel_score(infos["ball_bea.mp4"].sha256, PanelScore(18.0))
    asked = []
    window = LibraryWindow(service, confirm=lambda _w, q: asked.append(q) or True)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 2, timeout=10_000)
    assert [row[0] for row in _cells(window.table)] == ["ball_bea.mp4", "hoop_anna.mp4"]
    assert _cells(window.table)[0][4:7] == ["19.00 / 25", "18.00", "+1.00"]

    header = window.table.horizontalHeader()
    _loaded(qtbot, window, lambda: header.sectionClicked.emit(4))  # Predicted: highest first
    assert window.sort == "-score"
    _loaded(qtbot, window, lambda: header.sectionClicked.emit(4))  # again: lowest first
    assert [row[0] for row in _cells(window.table)] == ["hoop_anna.mp4", "ball_bea.mp4"]

    _loaded(qtbot, window, lambda: window.search.setText("anna"))
    assert [row[0] for row in _cells(window.table)] == ["hoop_anna.mp4"]
    with qtbot.waitSignal(window.openRequested) as opened:
        window.table.cellDoubleClicked.emit(0, 0)
    assert opened.args == [str(video), infos["hoop_anna.mp4"].sha256]

    _loaded(qtbot, window, lambda: window.search.setText("bea"))
    window.open_row(0)  # its file does not exist: a message, no signal
    assert "no longer there" in window.status.text()
    window.table.selectRow(0)
    _loaded(qtbot, window, window.delete_button.click)
    assert "ball_bea.mp4" in asked[0]
    assert window.table.rowCount() == 0
    assert library.latest_analysis(infos["ball_bea.mp4"].sha256) is None
    assert library.get_panel_score(infos["ball_bea.mp4"].sha256) == PanelScore(18.0)
    window.close()
    assert live_job_threads() == []


def _fake_analyze(path: Path, progress, cancel):
    """Stands in for judgeapp.analysis.analyze: corrupt files fail, others score by name."""
    for step in range(3):
        cancel.raise_if_cancelled()
        progress(Progress("dynamic", step, 3))
        time.sleep(0.01)
    if "corrupt" in path.name:
        raise VideoError(f"{path}: not a video judgeapp can decode (corrupt or unsupported)")
    info = fake_video_info(path.name, duration_s=20.0)
    info = info.__class__(**{**info.__dict__, "path": str(path)})
    return make_result(info, score=10.0 + len(path.stem))


def test_batch_window_scores_a_folder_and_goes_on_after_a_failure(
    qtbot, library, service, tmp_path
):
    folder = tmp_path / "competition"
    folder.mkdir()
    for name in ("a.mp4", "bbb.mp4", "corrupt.mp4", "cc.mov", "notes.txt"):
        (folder / name).write_bytes(b"x")
    library.remember_video(fake_video_info("bbb.mp4", duration_s=20.0))
    library.set_panel_score(fake_video_info("bbb.mp4").sha256, PanelScore(14.0))
    window = BatchWindow(service, _fake_analyze)
    qtbot.addWidget(window)
    assert window.add_videos([folder]) == 4
    assert window.add_videos([folder / "a.mp4"]) == 0
    window.start()
    qtbot.waitUntil(
        lambda: not window.is_running() and window.queue.next_queued() is None, timeout=10_000
    )
    queue = _cells(window.queue_table)
    assert [(r[0], r[1]) for r in queue] == [
        ("a.mp4", "done"),
        ("bbb.mp4", "done"),
        ("cc.mov", "done"),
        ("corrupt.mp4", "failed"),
    ]
    assert "corrupt" in queue[3][3]
    ranking = _cells(window.ranking_table)
    assert [r[:3] for r in ranking] == [
        ["1", "bbb.mp4", "13.00"],
        ["2", "cc.mov", "12.00"],
        ["3", "a.mp4", "11.00"],
        ["", "corrupt.mp4", ""],
    ]
    assert ranking[0][3:] == ["no", "14.00", "-1.00"]  # the panel score judges had entered
    window.ranking_table.horizontalHeader().sectionClicked.emit(5)  # by difference
    assert _cells(window.ranking_table)[0][1] == "bbb.mp4"
    assert "3 scored, 1 failed" in window.status.text()
    # Saved in the library: the main window and the library window show them.
    assert len(library.list_analyses()) == 3
    out = tmp_path / "ranking.csv"
    window.export_csv(out)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 4 and rows[-1]["status"] == "failed" and rows[-1]["error"]
    assert live_job_threads() == []


def test_batch_cancel_stops_the_job_and_keeps_what_finished(qtbot, service, tmp_path):
    paths = []
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (tmp_path / name).write_bytes(b"x")
        paths.append(tmp_path / name)

    def slow(path, progress, cancel):
        if path.name != "a.mp4":
            for _ in range(500):
                cancel.raise_if_cancelled()
                time.sleep(0.01)
        return _fake_analyze(path, progress, cancel)

    window = BatchWindow(service, slow)
    qtbot.addWidget(window)
    window.add_videos(paths)
    window.start()
    qtbot.waitUntil(lambda: window.queue.items[0].status == "done", timeout=10_000)
    window.cancel()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=10_000)
    assert [i.status for i in window.queue.items] == ["done", "cancelled", "cancelled"]
    assert live_job_threads() == []


def test_batch_cancel_between_two_videos_cancels_the_rest(qtbot, service, tmp_path):
    # Cancel lands after the first video's outcome was recorded but before the next starts:
    # nothing runs then, and the videos still queued must end cancelled, not left queued.
    paths = []
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (tmp_path / name).write_bytes(b"x")
        paths.append(tmp_path / name)
    window = BatchWindow(service, _fake_analyze)
    qtbot.addWidget(window)
    window.add_videos(paths)
    window.start()
    window.videoFinished.connect(lambda _index: window.cancel())
    qtbot.waitUntil(lambda: not window.is_running(), timeout=10_000)
    assert [i.status for i in window.queue.items] == ["done", "cancelled", "cancelled"]
    assert "1 scored, 0 failed, 2 cancelled" in window.status.text()
    assert live_job_threads() == []


def test_closing_the_batch_window_leaves_no_thread(qtbot, service, tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")

    def endless(path, progress, cancel):
        while True:
            cancel.raise_if_cancelled()
            time.sleep(0.01)

    window = BatchWindow(service, endless)
    qtbot.addWidget(window)
    window.add_videos([tmp_path / "a.mp4"])
    window.start()
    qtbot.waitUntil(lambda: window.queue.items[0].status == "running", timeout=5_000)
    window.close()
    assert live_job_threads() == []


def test_export_writes_a_report_in_a_worker_and_reports_failures(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget
    from video_helpers import write_video

    from judgeapp.core.marks import Mark
    from judgeapp.ui.export_report import ReportExporter, with_suffix_for
    from judgeapp.video import probe

    host = QWidget()
    qtbot.addWidget(host)
    video = write_video(tmp_path / "clip.mp4", fps=8.0, frames=40)
    result = make_result(probe(video), score=15.0)
    marks = [Mark(1, result.video.sha256, 1.0, "comment", "<script>alert(1)</script>")]
    exporter = ReportExporter(host)
    with qtbot.waitSignal(exporter.done, timeout=20_000) as done:
        exporter.export(tmp_path / "r.html", result, marks, PanelScore(14.0), video)
    assert done.args == [str(tmp_path / "r.html")]
    assert "&lt;script&gt;" in (tmp_path / "r.html").read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: not exporter.busy)
    (tmp_path / "file").write_text("x")
    with qtbot.waitSignal(exporter.failed, timeout=20_000) as failed:
        exporter.export(tmp_path / "file" / "r.mp4", result, marks, None, video)
    assert "cannot write" in failed.args[0]
    qtbot.waitUntil(lambda: not exporter.busy)
    exporter.wait()
    assert live_job_threads() == []
    assert with_suffix_for("/x/report", "Annotated video (*.mp4)") == Path("/x/report.mp4")
    assert with_suffix_for("/x/r.html", "PDF report (*.pdf)") == Path("/x/r.html")


@pytest.mark.slow
def test_batch_window_with_the_real_analysis(qtbot, library, service, tmp_path, media_dir):
    """Random backbones and head on a real clip, plus a corrupt file: one result, one failure."""
    from judgeapp.analysis import AnalysisOptions, analyze

    options = AnalysisOptions(pretrained=False, model="random", device="cpu", detector="hog")
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    window = BatchWindow(
        service, lambda path, progress, cancel: analyze(path, options, progress, cancel)
    )
    qtbot.addWidget(window)
    window.add_videos([media_dir / "juggle_720p24.mp4", corrupt])
    window.start()
    qtbot.waitUntil(lambda: not window.is_running(), timeout=280_000)
    assert [i.status for i in window.queue.items] == ["done", "failed"]
    assert "corrupt.mp4" in window.queue.items[1].error
    rows = list(csv.DictReader(io.StringIO(window.queue.to_csv())))
    assert [r["status"] for r in rows] == ["done", "failed"] and rows[0]["sha256"]
    assert len(library.list_analyses()) == 1
    assert live_job_threads() == []

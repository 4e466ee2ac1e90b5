"""The score panel of a model set (schema /2) in the main window at 1280x800: D, E and total
with intervals and coverage, the panel's scores beside them once a judge saves them, the
consistency line; a one-head result (/1) shows as before."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSettings, Qt
from ui_helpers import hand_result
from video_helpers import write_video

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.results import TargetScore
from judgeapp.ui.main_window import AnalysisOutcome, MainWindow
from judgeapp.ui.review import Review
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.theme import apply_theme
from judgeapp.ui.workers import live_threads

SIZE = (1280, 800)


def set_of(result, difficulty=8.4, execution=8.9):
    """`result` as a model set's: D, E and total (12.5 ± 0.45) with three members each."""

    def target(value, half, score_max, coverage=None, width=None):
        members = (value - half, value, value + half)
        return TargetScore(value, value - half, value + half, members, score_max, coverage, width)

    scores = {
        "difficulty": target(difficulty, 0.3, 12.0, 0.70, 0.6),
        "execution": target(execution, 0.25, 10.0),
        "total": target(result.score, 0.45, 25.0, 0.72, 0.9),
    }
    return dataclasses.replace(result, scores=scores)


@pytest.fixture
def shown(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(AppSettings(AnalysisRequest(model="random", pretrained=False), auto_analyze=False))
    window = MainWindow(store)
    qtbot.addWidget(window)
    review = Review(window)
    window.add_extension(review)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    video = write_video(tmp_path / "routine.mp4", fps=25.0, frames=250, width=640, height=360)
    assert window.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)
    info = review.marks_panel.video
    one = hand_result(info, [0.1, 0.3, 0.2, 0.4], [(float(t), 0.1) for t in range(10)], True)
    yield window, review, one
    window.close()
    review.library.close()
    assert live_threads() == []


def _show(window, review, result) -> None:
    window.show_outcome(AnalysisOutcome(result, CardFacts()))
    review.marks_panel.set_result(result)


def _grid_widgets(panel) -> list:
    return [panel.targets.itemAt(i).widget() for i in range(panel.targets.count())]


def _laid_out(panel) -> bool:
    """Whether Qt has laid the panel out as it is now: every cell of the targets grid shown and
    placed by the layout (new cells are shown, then laid out, at Qt's next turns), and the
    scrolled body as wide as the view and as tall as its contents need at that width."""
    for widget in _grid_widgets(panel):
        if not widget.isVisible() or not widget.testAttribute(Qt.WidgetAttribute.WA_Resized):
            return False
    body = panel.scroll.widget()
    fits = body.height() >= body.heightForWidth(body.width())
    return fits and body.width() == panel.scroll.viewport().width()


def _save_panel(qtbot, review, total: str, difficulty: str, execution: str) -> None:
    marks = review.marks_panel
    marks.total_edit.setText(total)
    marks.difficulty_edit.setText(difficulty)
    marks.execution_edit.setText(execution)
    marks.penalty_edit.setText("")
    assert marks.save_panel(), marks.message.text()


def test_a_set_shows_d_e_and_total_with_intervals_and_coverage(shown):
    window, review, one = shown
    _show(window, review, set_of(one))
    cells = window.score_panel.target_cells()
    assert cells[0] == ["", "Predicted", "Interval", "Panel", "Diff."]
    assert cells[1] == ["Difficulty (D)", "8.40 / 12", "8.10 – 8.70", "—", "—"]
    assert cells[2] == ["coverage 70 % on validation, mean width 0.6"]
    assert cells[3] == ["Execution (E)", "8.90 / 10", "8.65 – 9.15", "—", "—"]
    assert cells[4] == ["Total", "12.50 / 25", "12.05 – 12.95", "—", "—"]
    assert cells[5] == ["coverage 72 % on validation, mean width 0.9"]
    notes = [w for w in _grid_widgets(window.score_panel) if w.text() == cells[5][0]]
    assert "interval held the true score for 72 % of validation videos" in notes[0].toolTip()
    assert window.score_panel.score.text() == "12.50"


def test_the_panels_score_appears_beside_the_sets_once_saved(qtbot, shown):
    window, review, one = shown
    _show(window, review, set_of(one))
    _save_panel(qtbot, review, "", "8.0", "5.0")  # total = D + E = 13.0
    panel = window.score_panel

    def row(label):
        return next(c for c in panel.target_cells() if c[0] == label)

    qtbot.waitUntil(lambda: row("Total")[3] == "13.00", timeout=5_000)
    assert row("Total")[4] == "-0.50"
    assert row("Difficulty (D)")[3:] == ["8.00", "+0.40"]
    assert row("Execution (E)")[3:] == ["5.00", "+3.90"]
    review.marks_panel.clear_panel()
    qtbot.waitUntil(lambda: row("Total")[3] == "—", timeout=5_000)


def test_the_consistency_line_is_shown_and_flagged(qtbot, shown):
    window, review, one = shown
    _show(window, review, set_of(one, 4.0, 8.3))  # D + E = 12.30, inside 12.05..12.95
    line = window.score_panel.consistency
    expected = "D + E = 12.30 beside total 12.50: gap -0.20, within the total's interval"
    assert line.isVisible() and line.text() == expected
    _show(window, review, set_of(one, 4.0, 9.3))  # D + E = 13.30: outside
    assert line.isVisible() and line.text().startswith("⚠ D + E = 13.30 beside total 12.50")
    assert "outside" in line.text() and "b03020" in line.styleSheet()
    assert line.toolTip().startswith("Inconsistent. Predicted D + E = 13.30")


def test_one_head_shows_no_targets_and_the_comparison_as_before(qtbot, shown):
    window, review, one = shown
    _show(window, review, set_of(one))
    _show(window, review, one)
    assert window.score_panel.target_cells() == []
    assert not window.score_panel.consistency.isVisible()
    assert window.score_panel.range.text() == "of 25 (total)"
    _save_panel(qtbot, review, "13", "", "")
    qtbot.waitUntil(
        lambda: "difference: -0.50" in review.marks_panel.comparison.text(), timeout=5_000
    )
    assert window.score_panel.target_cells() == []


@pytest.fixture
def themed(qapp):
    """The application's style sheet (the 30 pt score), as the app runs; undone after."""
    sheet, palette = qapp.styleSheet(), qapp.palette()
    apply_theme(qapp, dark=False)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


def test_the_targets_are_not_clipped_at_1280x800(qtbot, themed, shown, tmp_path):
    """Every cell gets its whole width and height (the panel scrolls rather than squeeze)."""
    window, review, one = shown
    _show(window, review, set_of(one))
    _save_panel(qtbot, review, "", "8.0", "5.0")
    panel = window.score_panel
    qtbot.waitUntil(lambda: panel.target_cells()[1][3] == "8.00", timeout=5_000)
    # The new cells are laid out at Qt's next turns (the grid, then the scroll area giving the
    # panel the height its wrapped lines need at its width): wait for that, however long.
    qtbot.waitUntil(lambda: _laid_out(panel), timeout=5_000)
    for widget in [*_grid_widgets(panel), panel.consistency]:
        if widget.wordWrap():  # a wrapped line gets the height its width needs
            assert widget.height() >= widget.heightForWidth(widget.width()), widget.text()
        else:
            assert widget.width() >= widget.sizeHint().width(), widget.text()
            assert widget.height() >= widget.sizeHint().height(), widget.text()
        right = widget.mapTo(panel.scroll.viewport(), widget.rect().topRight()).x()
        assert right < panel.scroll.viewport().width(), widget.text()  # not under the bar
    assert window.grab().save(str(tmp_path / "score-panel.png"))


def test_the_next_video_does_not_show_the_last_ones_panel_score(qtbot, shown, tmp_path):
    window, review, one = shown
    _show(window, review, set_of(one))
    _save_panel(qtbot, review, "", "8.0", "5.0")

    def total_row():
        return next(c for c in window.score_panel.target_cells() if c[0] == "Total")

    qtbot.waitUntil(lambda: total_row()[3] == "13.00", timeout=5_000)
    other = write_video(tmp_path / "other.mp4", fps=25.0, frames=200, width=640, height=360)
    first_sha = review.marks_panel.video.sha256
    assert window.open_video(other)
    qtbot.waitUntil(
        lambda: (
            review.marks_panel.video is not None and review.marks_panel.video.sha256 != first_sha
        ),
        timeout=10_000,
    )
    info = review.marks_panel.video
    two = hand_result(info, [0.2, 0.3, 0.5], [(float(t), 0.125) for t in range(8)], True)
    _show(window, review, set_of(two))
    assert total_row() == ["Total", "12.50 / 25", "12.05 – 12.95", "—", "—"]

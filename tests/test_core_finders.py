"""Every person finder has its words in one table, read by the command line, the settings,
the score panel, the Models window and the reports (the command line: test_detect_factory)."""

from __future__ import annotations

import dataclasses

from report_helpers import fake_video_info, make_result

from judgeapp.app.models_service import settings_words
from judgeapp.app.score_view import finder_text
from judgeapp.core.finders import DETECTOR_KINDS, FINDERS, finder
from judgeapp.core.results import Provenance
from judgeapp.detect import make_detector
from judgeapp.report.posture import athlete_line


def test_the_table_names_each_kind_once_and_the_factory_knows_them_all() -> None:
    assert len(set(DETECTOR_KINDS)) == len(FINDERS)
    for row in FINDERS:
        assert all((row.kind, row.name, row.phrase, row.short, row.choice))
    assert make_detector("hog").name == "hog" and make_detector("none").name == "none"


def test_panel_models_window_and_report_say_the_same_finder() -> None:
    result = make_result(fake_video_info("ball.mp4"))
    made = dataclasses.replace(result, provenance=Provenance("paper", 3, False, "hog", ""))
    assert finder_text(made) == finder("hog").name == "built-in (OpenCV HOG)"
    assert "People found by the built-in finder (OpenCV HOG)." in athlete_line(made)
    assert settings_words("paper", "hog", False).endswith("the built-in athlete finder.")
    assert finder("sam3").name == "sam3"  # a result from a newer version keeps its own name

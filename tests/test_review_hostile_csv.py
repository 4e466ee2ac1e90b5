"""The Batch window's CSV never holds a formula (issue 24, class 4; no Qt needed, but the
queue lives in judgeapp.ui, so the test runs in the GUI tier)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from report_helpers import fake_video_info, make_result

from judgeapp.core.text_safety import FORMULA_STARTS, csv_text
from judgeapp.ui.batch_model import BatchQueue

HYPERLINK = '=HYPERLINK("http:x","cl")'
_TAKEN = {".", "..", "first.mp4"}


def _formula_cells(table: str) -> list[str]:
    cells = [c for row in csv.reader(io.StringIO(table)) for c in row]
    numbers = [c for c in cells if c.lstrip("+-").replace(".", "", 1).isdigit()]
    return [c for c in cells if c.startswith(FORMULA_STARTS) and c not in numbers]


def _queue(names: list[str], error: str) -> BatchQueue:
    """The first video scored, the others failed with `error`."""
    queue = BatchQueue()
    queue.add([Path(n) for n in names])
    for index in range(len(names)):
        queue.start(index)
        if index == 0:
            info = fake_video_info(names[0], duration_s=20.0)
            queue.finish(index, make_result(info, score=12.5), None)
        else:
            queue.fail(index, error)
    return queue


def test_the_batch_csv_escapes_names_and_errors():
    names = [f"{HYPERLINK}.mp4", "@SUM(A1).mp4", "-2+3.mp4"]
    table = _queue(names, "+SUM(1,2): not a video").to_csv()
    assert _formula_cells(table) == []
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["video"] for r in rows] == [f"'{HYPERLINK}.mp4", "'-2+3.mp4", "'@SUM(A1).mp4"]
    assert [csv_text(r["video"]) for r in rows] == [names[0], names[2], names[1]]
    assert rows[1]["error"] == "'+SUM(1,2): not a video"
    assert rows[0]["predicted"] == "12.5000" and rows[0]["rank"] == "1"  # numbers stay


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(min_size=1, max_size=30).filter(
        lambda t: "/" not in t and "\0" not in t and t not in _TAKEN
    )
)
def test_any_video_name_and_error_in_the_batch_csv_is_never_a_formula(name):
    table = _queue(["first.mp4", name], name).to_csv()
    assert _formula_cells(table) == []

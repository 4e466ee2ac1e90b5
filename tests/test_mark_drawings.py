"""Drawings saved with a mark: kept by the library through undo, redo, edits and a schema upgrade;
a hand-edited drawing is refused in one line; exported with the mark and drawn in the video."""

from __future__ import annotations

import json
import sqlite3
from html import escape

import cv2
import numpy as np
import pytest
from report_helpers import make_result
from video_helpers import write_video

from judgeapp.core.drawing import (
    DRAWING_RGB,
    SHOW_S,
    Shape,
    describe,
    drawing_from_json,
    drawing_to_json,
)
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark
from judgeapp.report import write_annotated_video, write_report
from judgeapp.report.tables import report_document
from judgeapp.store import AddMark, DeleteMark, EditMark, Library
from judgeapp.store.schema import MIGRATIONS, migrate
from judgeapp.video import probe

ARROW = Shape("arrow", ((10.0, 20.0), (110.0, 20.0)))
CIRCLE = Shape("circle", ((60.0, 60.0), (60.0, 90.0)))
NOTE = Shape("text", ((5.0, 5.0),), "knee bent")
DRAWING = (ARROW, CIRCLE, NOTE)


def test_a_drawing_is_kept_through_undo_redo_edit_and_delete(undo_library) -> None:
    lib, stack, sha = undo_library
    add = stack.push(AddMark(sha, 4.0, "comment", "look here", None, DRAWING))
    assert lib.marks_for(sha)[0].drawing == DRAWING
    stack.undo()
    assert lib.marks_for(sha) == []
    stack.redo()
    assert lib.marks_for(sha)[0].drawing == DRAWING
    stack.push(EditMark(add.mark, "deduction", "bent knee", 0.1))
    edited = lib.marks_for(sha)[0]
    assert (edited.kind, edited.text, edited.drawing) == ("deduction", "bent knee", DRAWING)
    stack.push(DeleteMark(edited))
    stack.undo()  # restored with its drawing
    assert lib.marks_for(sha)[0].drawing == DRAWING
    assert lib.add_mark(sha, 1.0, "comment", "plain").drawing == ()


def test_a_library_of_the_previous_schema_keeps_its_marks_without_drawings(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, str(path), tuple(m for m in MIGRATIONS if m.version <= 2))  # before drawings
    conn.execute(
        "INSERT INTO videos (sha256, path, name, duration_s, fps, frames, width, height,"
        " added, seen) VALUES ('a', '/v.mp4', 'v.mp4', 9, 25, 225, 64, 48, '', '')"
    )
    conn.execute(
        "INSERT INTO marks (video_sha256, time_s, kind, text, created, updated)"
        " VALUES ('a', 2.0, 'comment', 'old note', '', '')"
    )
    conn.commit()
    conn.close()
    with Library.open(path) as lib:
        (mark,) = lib.marks_for("a")
        assert (mark.text, mark.drawing) == ("old note", ())


def test_a_hand_edited_drawing_is_one_line_naming_the_mark(undo_library) -> None:
    lib, _stack, sha = undo_library
    mark = lib.add_mark(sha, 1.0, "comment", "x", drawing=(ARROW,))
    for bad in ('[{"kind": "star", "points": [[1, 2], [3, 4]]}]', "[{", '[{"kind": "line"}]',
                '[{"kind": "line", "points": [[1, 2], [1e400, 4]]}]'):  # fmt: skip
        lib._conn.execute("UPDATE marks SET drawing = ? WHERE id = ?", (bad, mark.id))
        lib._conn.commit()
        with pytest.raises(JudgeappError, match=f"mark {mark.id}: ") as caught:
            lib.marks_for(sha)
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "points", "text", "words"),
    [
        ("line", ((0.0, 0.0),), "", "has 2 point"),
        ("text", ((0.0, 0.0),), "  ", "needs some text"),
        ("circle", ((0.0, 0.0), (float("nan"), 1.0)), "", "finite"),
        ("arrow", ((0.0, 0.0), (2e5, 1.0)), "", "finite pixel"),
        ("spiral", ((0.0, 0.0), (1.0, 1.0)), "", "not one of"),
    ],
)
def test_shapes_refuse_what_cannot_be_drawn(kind, points, text, words) -> None:
    with pytest.raises(JudgeappError, match=words):
        Shape(kind, points, text)


def test_json_round_trip_and_description() -> None:
    text = drawing_to_json(DRAWING)
    assert drawing_from_json(text) == DRAWING and drawing_to_json(()) == ""
    assert json.loads(text)[0] == {"kind": "arrow", "points": [[10, 20], [110, 20]], "text": ""}
    assert describe(DRAWING) == '3 shapes: arrow, circle, text "knee bent"'
    assert CIRCLE.radius_px == 30.0
    with pytest.raises(JudgeappError, match="at most 50"):
        Mark(1, "a", 1.0, "comment", "", drawing=(ARROW,) * 51)


def test_reports_carry_the_drawing_and_the_video_draws_it_for_its_seconds(tmp_path) -> None:
    clip = write_video(tmp_path / "clip.mp4", fps=10.0, frames=40)  # 4 s, 320x240
    result = make_result(probe(clip), box=(230.0, 60.0, 310.0, 200.0))
    shaft = Shape("arrow", ((20.0, 110.0), (150.0, 110.0)))
    mark = Mark(1, result.video.sha256, 1.0, "comment", "look", drawing=(shaft, NOTE))
    document = json.loads(json.dumps(report_document(result, [mark])))
    assert document["marks"][0]["drawing"][0] == {
        "kind": "arrow", "points": [[20.0, 110.0], [150.0, 110.0]], "text": ""
    }  # fmt: skip
    assert Mark(**document["marks"][0]) == mark  # a mark read back from the JSON report
    html = tmp_path / "r.html"
    write_report(html, result, [mark])
    expected = escape('look [drawing: 2 shapes: arrow, text "knee bent"]')
    assert expected in html.read_text()
    out = tmp_path / "annotated.mp4"
    write_annotated_video(result, clip, out, [mark])
    cap = cv2.VideoCapture(str(out))
    frames = []
    while (read := cap.read())[0]:
        frames.append(cv2.cvtColor(read[1], cv2.COLOR_BGR2RGB))
    cap.release()
    assert len(frames) == 40

    def on_shaft(frame: np.ndarray) -> float:
        band = frame[108:113, 30:120].astype(int)  # the arrow's shaft, clear of its head
        return float((np.abs(band - DRAWING_RGB).sum(axis=-1) < 90).any(axis=0).mean())

    shown = [on_shaft(f) > 0.9 for f in frames]
    due = [1.0 <= i / 10.0 < 1.0 + SHOW_S for i in range(40)]
    assert shown == due

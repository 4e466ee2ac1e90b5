"""The batch window's queue, ranking and CSV (no Qt)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.core.marks import PanelScore
from judgeapp.core.progress import Progress
from judgeapp.ui.batch_model import CANCELLED, DONE, FAILED, QUEUED, RUNNING, BatchQueue


def _run(queue: BatchQueue, outcomes: dict[str, object]) -> None:
    """Drive the queue the way the batch worker does: one video at a time, failures go on."""
    while (index := queue.next_queued()) is not None:
        queue.start(index)
        assert queue.items[index].status == RUNNING
        queue.progress(index, Progress("dynamic", 1, 2))
        outcome = outcomes[queue.items[index].name]
        if isinstance(outcome, Exception):
            queue.fail(index, str(outcome))
        else:
            score, panel = outcome
            info = fake_video_info(queue.items[index].name, duration_s=20.0)
            queue.finish(index, make_result(info, score=score), panel)


def test_a_batch_with_a_failure_ranks_the_rest_and_reports_it() -> None:
    queue = BatchQueue()
    names = ["a.mp4", "b.mp4", "broken.mp4", "c.mp4"]
    assert queue.add([Path(n) for n in names]) == [0, 1, 2, 3]
    assert queue.add([Path("a.mp4")]) == []  # already queued
    assert queue.overall_fraction == 0.0
    _run(
        queue,
        {
            "a.mp4": (15.0, PanelScore(16.0)),
            "b.mp4": (18.0, None),
            "broken.mp4": ValueError("broken.mp4: not a video judgeapp can decode"),
            "c.mp4": (12.0, PanelScore(11.0)),
        },
    )
    assert queue.counts == {QUEUED: 0, RUNNING: 0, DONE: 3, FAILED: 1, CANCELLED: 0}
    assert queue.overall_fraction == 1.0
    assert [i.name for i in queue.ranking()] == ["b.mp4", "a.mp4", "c.mp4", "broken.mp4"]
    assert [i.name for i in queue.ranking("predicted", descending=False)][:3] == [
        "c.mp4",
        "a.mp4",
        "b.mp4",
    ]
    assert [i.name for i in queue.ranking("difference")] == [
        "c.mp4",  # +1
        "a.mp4",  # -1
        "b.mp4",  # no panel score
        "broken.mp4",
    ]
    rows = list(csv.DictReader(io.StringIO(queue.to_csv())))
    assert [(r["rank"], r["video"], r["status"]) for r in rows] == [
        ("1", "b.mp4", "done"),
        ("2", "a.mp4", "done"),
        ("3", "c.mp4", "done"),
        ("", "broken.mp4", "failed"),
    ]
    assert rows[1]["difference"] == "-1.0000" and rows[0]["panel"] == ""
    assert "not a video" in rows[3]["error"]
    with pytest.raises(ValueError):
        queue.ranking("colour")


def test_cancel_and_retry() -> None:
    queue = BatchQueue()
    queue.add([Path("a.mp4"), Path("b.mp4"), Path("c.mp4")])
    queue.start(0)
    queue.progress(0, Progress("static", 1, 4))
    assert queue.overall_fraction == pytest.approx(0.25 / 3)
    queue.cancel_pending()
    assert [i.status for i in queue.items] == [CANCELLED] * 3
    assert queue.next_queued() is None
    queue.retry_failed()
    assert queue.next_queued() == 0


def test_panel_scores_entered_later_update_the_ranking() -> None:
    queue = BatchQueue()
    queue.add([Path("a.mp4")])
    _run(queue, {"a.mp4": (15.0, None)})
    assert queue.items[0].difference is None
    queue.set_panel(queue.items[0].result.video.sha256, PanelScore(14.5))
    assert queue.items[0].difference == pytest.approx(0.5)

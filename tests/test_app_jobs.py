"""The Qt-free job runner: outcomes, cancel, retiring and shutdown, delivered in order."""

from __future__ import annotations

import queue
import threading

from judgeapp.app.jobs import JobRunner, live_job_threads
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import Progress


class Inbox:
    """A `deliver` that queues callables; `drain` runs them here, as a GUI loop would."""

    def __init__(self) -> None:
        self.calls: queue.Queue = queue.Queue()

    def __call__(self, fn) -> None:
        self.calls.put(fn)

    def drain(self, runner: JobRunner, timeout_s: float = 10.0) -> None:
        for job in list(runner._all):
            assert job.done.wait(timeout_s)
        while not self.calls.empty():
            self.calls.get()()


def test_a_job_delivers_its_progress_then_its_value_on_the_owner_thread():
    inbox, seen = Inbox(), []
    runner = JobRunner(inbox)

    def work(progress, cancel):
        progress(Progress("decode", 1, 2))
        return threading.current_thread().name

    runner.start(
        work,
        name="judgeapp-test-work",
        on_progress=lambda p: seen.append(("progress", p.done, threading.current_thread())),
        on_done=lambda v: seen.append(("done", v, threading.current_thread())),
    )
    assert runner.busy
    inbox.drain(runner)
    here = threading.current_thread()
    assert seen == [("progress", 1, here), ("done", "judgeapp-test-work", here)]
    assert not runner.busy


def test_a_failure_is_one_readable_line():
    inbox, seen = Inbox(), []
    runner = JobRunner(inbox)

    def broken(progress, cancel):
        raise JudgeappError("clip.mp4: not a video")

    runner.start(broken, on_failed=seen.append, on_done=lambda v: seen.append("done"))
    inbox.drain(runner)
    assert seen == ["clip.mp4: not a video"]


def test_cancel_stops_the_job_and_says_so():
    inbox, seen = Inbox(), []
    runner = JobRunner(inbox)
    started = threading.Event()

    def patient(progress, cancel):
        started.set()
        while True:
            cancel.raise_if_cancelled()
            cancel._event.wait(0.01)

    runner.start(patient, on_cancelled=lambda: seen.append("cancelled"), on_done=seen.append)
    assert started.wait(5)
    runner.cancel()
    inbox.drain(runner)
    assert seen == ["cancelled"]


def test_starting_a_new_job_retires_the_old_one_whose_result_never_arrives():
    inbox, seen = Inbox(), []
    runner = JobRunner(inbox)
    release = threading.Event()

    def slow(progress, cancel):
        release.wait(5)
        return "old"  # ignores the cancel on purpose: its value must still be dropped

    runner.start(slow, on_done=seen.append, on_cancelled=lambda: seen.append("old cancelled"))
    runner.start(lambda progress, cancel: "new", on_done=seen.append)
    release.set()
    inbox.drain(runner)
    assert seen == ["new"]


def test_shutdown_waits_for_every_thread():
    runner = JobRunner(Inbox())
    release = threading.Event()

    def stubborn(progress, cancel):
        release.wait(0.3)

    for _ in range(3):
        runner.start(stubborn, name="judgeapp-test-stubborn")
    assert runner.shutdown(timeout_s=10)
    assert not [t for t in live_job_threads() if t.name == "judgeapp-test-stubborn"]

"""`judgeapp extract --ray`: the same features and manifest as the serial run, on a local cluster.

One 2-CPU Ray cluster for the whole module (as CI has 2 cores), short cuts of the two smallest
real videos (made once), random backbone weights. The serial reference runs with one torch
thread, as each worker does: features are bit-identical only between runs with the same number
of threads.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from video_helpers import first_frames

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.cluster_extraction import (
    JobQueue,
    WorkerInfo,
    check_same_versions,
    extract_on_cluster,
    plan_workers,
)
from judgeapp.analysis.set_extraction import package_versions
from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.video.decode import DECODE_LOG_ENV

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
OPTIONS = ["--pretrained", "none", "--device", "cpu", "--detector", "hog", "--no-cache"]
# The first frames of the two smallest real videos (4 s and 8 s: one and two 3.2 s segments),
# the second twice: with 2 workers, a third video is always in progress when the first is done.
CUTS = {"juggle_720p24.mp4": 96, "squats_portrait_5fps.mp4": 40}
SMALL = {
    "juggle_720p24.mp4": "juggle_720p24.mp4",
    "squats_portrait_5fps.mp4": "squats_portrait_5fps.mp4",
    "squats_again.mp4": "squats_portrait_5fps.mp4",
}
NAMES = sorted(Path(name).stem for name in SMALL)


@pytest.fixture(scope="module")
def cuts(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the short cuts, by their sources' names."""
    folder = tmp_path_factory.mktemp("cuts")
    for name, frames in CUTS.items():
        first_frames(media_dir / name, folder / name, frames)
    return folder


def _video_folder(root: Path, cuts: Path, broken: bool = False) -> Path:
    root.mkdir()
    for name, source in SMALL.items():
        (root / name).symlink_to(cuts / source)
    if broken:
        (root / "a_broken.mp4").write_bytes(b"this is not a video")
    return root


@pytest.fixture(scope="module")
def videos(cuts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _video_folder(tmp_path_factory.mktemp("cluster") / "videos", cuts)


@pytest.fixture(scope="module")
def serial(videos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The serial `extract` of the small videos with one torch thread, as a worker runs."""
    out = tmp_path_factory.mktemp("serial") / "features"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main(["extract", str(videos), "--out", str(out), *OPTIONS]) == 0
    finally:
        torch.set_num_threads(threads)
    return out


@pytest.fixture(scope="module")
def cluster():
    """A local 2-CPU Ray cluster shared by the module's tests (started once: seconds)."""
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'judgeapp[cluster]'")
    ray.init(
        address="local",  # a new cluster, never one already running on the machine
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="warning",
    )
    yield ray
    ray.shutdown()


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _without_times(manifest: dict) -> dict:
    """The manifest less what differs between any two runs: when, and how long each video took."""
    copy = {k: v for k, v in manifest.items() if k != "updated"}
    copy["videos"] = {
        name: {k: v for k, v in entry.items() if k != "seconds"}
        for name, entry in manifest["videos"].items()
    }
    return copy


def _assert_same_features(out: Path, reference: Path, names: list[str]) -> None:
    for name in names:
        for stream in ("dynamic_feat", "static_feat"):
            got = (out / stream / f"{name}.npy").read_bytes()
            assert got == (reference / stream / f"{name}.npy").read_bytes(), (stream, name)


def test_a_killed_worker_loses_nothing_and_the_job_completes(
    cuts: Path, serial: Path, cluster, tmp_path: Path
) -> None:
    videos = _video_folder(tmp_path / "videos", cuts, broken=True)
    out = tmp_path / "features"
    killed: dict[str, int] = {}
    events: list[tuple[str, str]] = []

    def kill_a_busy_worker(progress) -> None:
        """Once one video is finished, SIGKILL a worker a second into its next video."""
        if killed or progress.finished < 1:
            return
        for worker in progress.workers:
            if worker.info is not None and worker.video and worker.busy_s >= 1.0:
                os.kill(worker.info.pid, signal.SIGKILL)
                killed[worker.video] = worker.info.pid
                return

    options = AnalysisOptions(pretrained=False, device="cpu", detector="hog", use_cache=False)
    summary = extract_on_cluster(
        sorted(videos.iterdir()),
        out,
        options,
        on_video=lambda name, state: events.append((name, state)),
        on_progress=kill_a_busy_worker,
    )
    assert len(killed) == 1, "no worker was killed"
    [(victim, pid)] = killed.items()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert summary.retried == {victim: 1} and (victim, "retry") in events
    assert sorted(summary.extracted) == NAMES
    assert list(summary.failed) == ["a_broken"] and "a_broken.mp4" in summary.failed["a_broken"]
    assert len(summary.workers) == 3  # two, then one in place of the killed one

    _assert_same_features(out, serial, NAMES)
    manifest = _without_times(_manifest(out))
    assert manifest["videos"] == _without_times(_manifest(serial))["videos"]
    assert list(manifest["failed"]) == ["a_broken"]
    assert [p.name for p in out.rglob(".*")] == []


def _admit_the_first_decoding_passes(fifo: Path, process: subprocess.Popen) -> list[str]:
    """The decode log (DECODE_LOG_ENV) is a FIFO: a decoding pass, logging itself as it begins,
    waits in opening it until it is open for reading. It is opened once: the passes waiting then
    (each worker's first video) begin; every later pass (the third video, which a worker takes
    only after finishing one) waits until its process ends. Returns the admitted videos."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    data = b""
    try:
        deadline = time.monotonic() + 600  # a deadline for a condition, not a speed
        while True:
            assert process.poll() is None, "the run ended before it decoded a video"
            assert time.monotonic() < deadline, "no video was decoded"
            ready, _, _ = select.select([fd], [], [], 0.5)  # also a look at the process
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:  # a pass has it open and has not written yet
                continue
            if not chunk and data:  # every pass that came in has logged itself and closed it
                break
            data += chunk
    finally:
        os.close(fd)
    return [line.split(" ", 1)[1] for line in data.decode().splitlines()]


def _wait_for_the_manifest_to_list_a_video(out: Path) -> None:
    manifest = out / "manifest.json"  # written atomically
    deadline = time.monotonic() + 600
    while not (manifest.is_file() and json.loads(manifest.read_text())["videos"]):
        assert time.monotonic() < deadline, "no video was finished"
        time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ray_writes_what_serial_writes_stops_on_ctrl_c_resumes_and_skips(
    videos: Path, serial: Path, cluster, tmp_path: Path, capsys
) -> None:
    """`--ray` (a new local cluster) is interrupted once a video is done, as Ctrl-C in a
    terminal does (SIGINT to the process group); `--ray local` finishes; a third run skips all.

    The interrupt must land while the job runs (one that lands after it, in Ray's shutdown,
    is another matter): a video is held back at the start of its decoding pass until then.
    """
    out = tmp_path / "features"
    gate = tmp_path / "decodes.fifo"
    os.mkfifo(gate)
    command = [sys.executable, "-m", "judgeapp", "extract", str(videos), "--out", str(out)]
    process = subprocess.Popen(
        [*command, *OPTIONS, "--ray"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, DECODE_LOG_ENV: str(gate)},  # Ray's workers inherit it
    )
    try:
        admitted = _admit_the_first_decoding_passes(gate, process)
        assert 1 <= len(admitted) <= 2, admitted  # at least one video never begins
        _wait_for_the_manifest_to_list_a_video(out)
        assert process.poll() is None, "the run ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 1
    assert err.strip().splitlines()[-1] == "error: interrupted", err
    assert "Traceback" not in err
    finished = sorted(_manifest(out)["videos"])
    assert finished and set(finished) < set(NAMES)
    assert {f"{name}.mp4" for name in finished} <= {Path(v).name for v in admitted}
    _assert_same_features(out, serial, finished)
    assert [p.name for p in out.rglob(".*")] == []
    deadline = time.monotonic() + 120  # no Ray process of that run left behind
    while _group_alive(process.pid):
        assert time.monotonic() < deadline, "a process of the interrupted run is still there"
        time.sleep(0.05)

    capsys.readouterr()
    assert main(["extract", str(videos), "--out", str(out), *OPTIONS, "--ray", "local"]) == 0
    captured = capsys.readouterr()
    done, left = len(finished), len(NAMES) - len(finished)
    assert f"{left} extracted, {done} already done, 0 failed" in captured.out
    assert f"Ray: {min(2, left)} worker(s) on 1 machine(s)" in captured.out
    _assert_same_features(out, serial, NAMES)
    assert _without_times(_manifest(out)) == _without_times(_manifest(serial))

    stamps = {p: p.stat().st_mtime_ns for p in sorted(out.rglob("*"))}
    assert main(["extract", str(videos), "--out", str(out), *OPTIONS, "--ray", "local"]) == 0
    captured = capsys.readouterr()
    assert "0 extracted, 3 already done, 0 failed" in captured.out
    assert "Ray:" not in captured.out  # nothing left to do: no worker started
    assert {p: p.stat().st_mtime_ns for p in sorted(out.rglob("*"))} == stamps


def test_without_ray_the_option_says_what_to_install(
    videos: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    out = tmp_path / "features"
    assert main(["extract", str(videos), "--out", str(out), *OPTIONS, "--ray"]) == 1
    err = capsys.readouterr().err
    hint = "error: --ray needs Ray, which is not installed: pip install 'judgeapp[cluster]'"
    assert err == hint + "\n"
    assert not out.exists()


def test_an_address_where_no_cluster_answers_is_one_line(
    videos: Path, tmp_path: Path, capsys
) -> None:
    import socket

    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    out = tmp_path / "features"
    command = ["extract", str(videos), "--out", str(out), *OPTIONS, "--ray", f"127.0.0.1:{port}"]
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: --ray 127.0.0.1:{port}: no Ray cluster answers there")
    assert len(err.splitlines()) == 1 and not (out / "manifest.json").exists()


def test_retries_are_bounded() -> None:
    a, b = Path("a.mp4"), Path("b.mp4")
    queue = JobQueue([a, b], retries=2)
    assert queue.take() == a
    assert queue.worker_died(a) and queue.take() == a  # back first in line
    assert queue.worker_died(a) and queue.take() == a
    assert not queue.worker_died(a)  # the third death: reported as failed
    assert queue.take() == b and queue.take() is None


def test_one_worker_per_gpu_else_per_cpus() -> None:
    gpus = {"CPU": 32.0, "GPU": 4.0}
    assert plan_workers(gpus, "auto", 2, 100) == plan_workers(gpus, "cuda", 2, 100)
    plan = plan_workers(gpus, "auto", 2, 100)
    assert (plan.count, plan.device, plan.num_gpus, plan.num_cpus) == (4, "cuda", 1, 2)
    plan = plan_workers(gpus, "cpu", 3, 100)
    assert (plan.count, plan.device, plan.num_gpus, plan.num_cpus) == (10, "cpu", 0, 3)
    plan = plan_workers(gpus, "auto", 1, 100, gpus_per_worker=0.5)
    assert (plan.count, plan.device, plan.num_gpus) == (8, "cuda", 0.5)  # two on each GPU
    assert plan_workers({"CPU": 2.0}, "auto", 1, 1).count == 1  # never more workers than videos
    with pytest.raises(JudgeappError, match="no GPUs"):
        plan_workers({"CPU": 2.0}, "cuda", 1, 5)
    with pytest.raises(JudgeappError, match="only 2 CPUs"):
        plan_workers({"CPU": 2.0}, "cpu", 4, 5)


def test_a_worker_with_other_package_versions_is_refused() -> None:
    here = package_versions()
    check_same_versions(WorkerInfo("node-a", 1, "cpu", 1, dict(here)), here)
    other = WorkerInfo("node-b", 2, "cpu", 1, {**here, "torch": "1.0.0"})
    with pytest.raises(JudgeappError, match="node-b has torch 1.0.0"):
        check_same_versions(other, here)

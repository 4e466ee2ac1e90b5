"""Hand-made analysis results for store and report tests (realistic shapes, no model run)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from judgeapp.core.results import (
    AnalysisResult,
    FrameWeight,
    ModelInfo,
    SegmentWeight,
    VideoInfo,
)
from judgeapp.video import SEGMENT_FRAMES, plan_sampling


def fake_video_info(name: str = "routine.mp4", duration_s: float = 95.0) -> VideoInfo:
    """Facts of a video that need not exist: a 25 fps 640x360 file of `duration_s`."""
    sha = hashlib.sha256(name.encode()).hexdigest()
    return VideoInfo(
        path=f"/videos/{name}",
        sha256=sha,
        duration_s=duration_s,
        fps=25.0,
        frames=round(duration_s * 25),
        width=640,
        height=360,
    )


def make_result(
    info: VideoInfo,
    seed: int = 0,
    score: float = 17.25,
    calibrated: bool = False,
    box: tuple[float, float, float, float] | None = None,
) -> AnalysisResult:
    """A result with the real sampling plan of `info` and smooth random weights summing to 1.

    Boxes sit near the middle of the frame (or at `box`), drifting a little over time.
    """
    rng = np.random.default_rng(seed)
    plan = plan_sampling(info.duration_s)
    seg_s = SEGMENT_FRAMES / 5.0
    n_seg = plan.segments
    dyn = np.exp(np.convolve(rng.normal(size=n_seg + 4), np.ones(3) / 3, "same")[2 : 2 + n_seg])
    dyn = dyn / dyn.sum()
    times = plan.static_times_s
    sta = np.exp(1.5 * np.convolve(rng.normal(size=len(times) + 4), np.ones(3) / 3, "same"))
    sta = sta[2 : 2 + len(times)]
    sta = sta / sta.sum()
    if box is None:
        w, h = info.width, info.height
        box = (0.4 * w, 0.1 * h, 0.6 * w, 0.95 * h)
    static = []
    for i, t in enumerate(times):
        dx = 0.02 * info.width * np.sin(t / 3.0)
        x1, y1, x2, y2 = box
        static.append(
            FrameWeight(
                time_s=float(t),
                weight=float(sta[i]),
                box=(float(x1 + dx), float(y1), float(x2 + dx), float(y2)),
                frame=min(info.frames - 1, round(t * info.fps)),
            )
        )
    return AnalysisResult(
        video=info,
        model=ModelInfo(
            name="random" if not calibrated else "rg-ball-total",
            routine="ball",
            target="total",
            score_max=25.0,
            profile="torchvision",
            calibrated=calibrated,
        ),
        score=score,
        dynamic=[
            SegmentWeight(start_s=k * seg_s, end_s=(k + 1) * seg_s, weight=float(dyn[k]))
            for k in range(n_seg)
        ],
        static=static,
        warnings=[] if calibrated else ["untrained head: the score is not calibrated"],
        timings_s={
            "decode": 1.0,
            "detect": 2.0,
            "dynamic": 3.0,
            "static": 1.5,
            "head": 0.01,
            "total": 7.51,
        },
    )


# ---------------------------------------------------------------------- failing file systems


@contextlib.contextmanager
def full_tmpfs(root: Path, size_kib: int = 256) -> Iterator[Path | None]:
    """A tiny tmpfs mounted under `root` and filled up (ENOSPC on the next write), or None
    where mounting is not allowed (not root, no CAP_SYS_ADMIN)."""
    mount_point = root / "full-disk"
    mount_point.mkdir()
    done = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(mount_point)],
            capture_output=True,
        )
        if shutil.which("mount")
        else None
    )
    if done is None or done.returncode != 0:
        yield None
        return
    try:
        with open(mount_point / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


@contextlib.contextmanager
def unwritable_dir(root: Path) -> Iterator[Path | None]:
    """A folder nobody (root included) can create files in, or None if this system lacks a
    way: mode 0555 for ordinary users; the immutable attribute (chattr +i) for root."""
    folder = root / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    elif (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    ):
        undo = ["chattr", "-i", str(folder)]
    else:
        yield None
        return
    try:
        try:
            (folder / "probe").touch()
        except OSError:
            yield folder
        else:  # the file system ignores the attribute
            (folder / "probe").unlink()
            yield None
    finally:
        subprocess.run(undo, capture_output=True)


class DiskFullWriter(io.RawIOBase):
    """A file stand-in that takes `room` bytes and then fails like a full disk."""

    def __init__(self, real: io.BufferedWriter, room: int) -> None:
        self.real = real
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(data) > self.room:
            self.real.write(bytes(data[: self.room]))
            self.real.flush()
            self.room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.real.write(data)

    def fileno(self) -> int:
        return self.real.fileno()

    def flush(self) -> None:
        if not self.real.closed:
            self.real.flush()

    def close(self) -> None:
        if not self.closed:
            self.real.close()
        super().close()

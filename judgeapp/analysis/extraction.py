"""From a video to the features of both streams, in one decoding pass, stages overlapped.

Four stages run at once, each in its own thread, linked by bounded queues:

    decode --> (dynamic frames, batched into clips) --> dynamic network
           `-> (1 fps frames) --> person detection --> (athlete crops) --> static network

This thread only routes: it takes the decoded samples, batches them and hands the batches on.
Decoding (FFmpeg), detection (OpenCV) and the networks (PyTorch, OpenVINO) release the GIL, so
an analysis takes about as long as its slowest stage rather than the sum of all of them. The
queue bounds keep memory flat however long the video is. `StageClock` counts each stage's own
busy time (in its thread).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from judgeapp.analysis.clip_extraction import extract_clip_features
from judgeapp.analysis.decoding import (
    DONE,
    DynamicFrame,
    PoseFrame,
    StageClock,
    StaticFrame,
    consume,
    decode_into,
    shrink_for_pose,
    stop_decoding,
)
from judgeapp.core.errors import Cancelled, VideoError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import VideoInfo
from judgeapp.detect import Box, PersonDetector, detector_warning, largest_box
from judgeapp.detect.pose import someone_expected
from judgeapp.features.blank_tail import BlankTail, embed_blank_tail
from judgeapp.features.profiles import get_profile
from judgeapp.features.video_features import PeopleFound, VideoFeatures
from judgeapp.video import SEGMENT_FRAMES, plan_sampling
from judgeapp.video.decode import FrameSink

_QUEUE_ITEMS = 16
_BATCHES_WAITING = 2  # batches queued ahead of each network / the detector
CANDIDATES_PER_FRAME = 3  # people embedded per 1 fps frame, so the athlete can be re-chosen


class _Stage:
    """A worker thread that runs `work` on each submitted batch, in order.

    Its queue holds `_BATCHES_WAITING` batches, so a slow stage holds back the ones feeding it
    instead of letting work pile up. The first exception stops every stage (`stop`) and is
    raised in the routing thread by `submit` or `close`.
    """

    def __init__(
        self,
        name: str,
        work: Callable[[object], int],
        clock: StageClock,
        stop: threading.Event,
        lock: contextlib.AbstractContextManager | None = None,
    ) -> None:
        self.name = name
        self.units = 0  # what `work` reports done (segments, frames), for progress
        self.error: BaseException | None = None
        self._work = work
        self._clock = clock
        self._stop = stop
        self._lock = lock or contextlib.nullcontext()
        self._queue: queue.Queue = queue.Queue(maxsize=_BATCHES_WAITING)
        self._thread = threading.Thread(target=self._loop, name=f"judgeapp-{name}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while (item := self._queue.get()) is not DONE:
            if self._stop.is_set():
                continue  # drain without working
            try:
                with self._lock:
                    self.units += self._clock.timed(self.name, self._work, item)
            except BaseException as exc:
                self.error = exc
                self._stop.set()

    def _put(self, item: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def submit(self, item: object) -> None:
        """Queue a batch (waits while the stage is `_BATCHES_WAITING` behind)."""
        self.raise_error()
        self._put(item)
        self.raise_error()

    def close(self) -> None:
        """Wait until every queued batch is done; raise the stage's exception, if any."""
        self._put(DONE)
        self._thread.join()
        self.raise_error()

    def abort(self) -> None:
        """Stop without finishing the queued batches (cancel, or another stage failed)."""
        self._stop.set()
        self._put(DONE)
        self._thread.join()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def crop_box(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The pixels inside `box` (x1, y1, x2, y2), at least one pixel wide and high."""
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    return image[max(y1, 0) : max(y2, y1 + 1), max(x1, 0) : max(x2, x1 + 1)]


def extract_video_features(
    path: str | Path,
    info: VideoInfo,
    profile_name: str,
    dynamic_backbone,
    static_backbone,
    detector: PersonDetector,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    segments_per_batch: int = 4,
    frames_per_batch: int = 8,
    clock: StageClock | None = None,
    overlap_networks: bool | None = None,
    on_frame: FrameSink | None = None,
) -> VideoFeatures:
    """Decode `path` once and return the features of both streams.

    overlap_networks: run the two networks at the same time (None: when both run through
    OpenVINO, whose thread pools share the cores well; PyTorch's would fight over them, so they
    take turns and overlap with decoding and detection only).
    on_frame: receives every decoded frame of the pass, in the decoding thread (the GUI fills
    its frame cache from it, so the video is decoded once); not called for clip profiles.

    Raises VideoError for a video too short for one segment or that fails mid-way, and
    Cancelled when `cancel` is set (checked between samples).
    """
    path = Path(path)
    cancel = cancel or CancelToken()
    clock = clock or StageClock()
    profile = get_profile(profile_name)
    if not profile.has_static:  # `vst`: 32-frame clips at 25 fps, no static stream
        return extract_clip_features(
            path, info, profile, dynamic_backbone, progress, cancel, segments_per_batch, clock
        )
    finder = detector if callable(getattr(detector, "find", None)) else None
    plan = plan_sampling(info.duration_s, profile.sampling, finder is not None, info.fps)
    if plan.segments == 0:
        raise VideoError(
            f"{path}: too short ({info.duration_s:.1f} s): one 16-frame segment at 5 fps "
            "needs at least 3.2 s"
        )
    if overlap_networks is None:
        overlap_networks = all(
            getattr(b, "engine", "torch") == "openvino" for b in (dynamic_backbone, static_backbone)
        )
    seg_times = np.asarray(plan.dynamic_times_s, dtype=np.float64)
    total_units = plan.segments + len(plan.static_times_s)

    dyn_rows: list[np.ndarray] = []
    cand_rows: list[np.ndarray] = []  # features of every candidate person, in candidate order
    cands = _Candidates()
    poses = _Poses()
    crops: list[np.ndarray] = []  # filled by the detection stage, drained into the static one
    whole = _WholeFrames()

    def embed_clips(batch: np.ndarray | BlankTail) -> int:
        if isinstance(batch, BlankTail):  # the authors' last segment (features.blank_tail)
            dyn_rows.append(embed_blank_tail(dynamic_backbone, batch))
            return 1
        dyn_rows.append(dynamic_backbone.embed(batch))
        return len(batch)

    def embed_crops(batch: np.ndarray | _WholeBatch) -> int:
        if isinstance(batch, _WholeBatch):
            whole.rows.append(static_backbone.embed(batch.images))
        else:
            cand_rows.append(static_backbone.embed(batch))
        return 0

    def keep_candidates(frame: StaticFrame, boxes: list[Box], stage: str) -> None:
        """Embed the frame's people (and the whole frame while nobody has been found)."""
        if boxes:
            whole.person_found()
        elif whole.needed:
            whole.add(frame.time_s, frame.index, static_backbone.prepare_crop(frame.image))
            if len(whole.pending) >= frames_per_batch:
                with clock.paused(stage):
                    static_stage.submit(whole.take_batch())
        for box in candidate_boxes(boxes):
            xyxy = (box.x1, box.y1, box.x2, box.y2)
            crops.append(static_backbone.prepare_crop(crop_box(frame.image, xyxy)))
            cands.add(frame.time_s, frame.index, xyxy, box.score)
            if len(crops) >= frames_per_batch:
                with clock.paused(stage):  # waiting for the static network
                    static_stage.submit(np.stack(crops))
                crops.clear()

    def detect(frames: list[StaticFrame]) -> int:
        boxes = detector.detect([f.image for f in frames])
        for frame, frame_boxes in zip(frames, boxes, strict=True):
            keep_candidates(frame, frame_boxes, "detect")
        return len(frames)

    # The pose model runs in two stages at once. "pose" finds the people of each 1 fps frame
    # (`find`: the detector, then landmarks) and keeps them as the static stream's candidates;
    # "pose_follow" takes the 5 fps frames in time order and follows the people just seen by
    # the landmark model alone (`follow`), with its own copy of the networks. A 1 fps frame is
    # also a 5 fps one: its pose sample is the find's people, handed over (`found`). Between two
    # 1 fps frames the following depends only on the first, so the two stages overlap and the
    # pose model is no longer one long thread that the rest of the analysis waits for.
    follower = finder.twin() if callable(getattr(finder, "twin", None)) else finder
    found: dict[int, list] = {}  # 1 fps frame index -> its people, once found
    found_ready = threading.Condition()
    awaited: set[int] = set()  # 1 fps frames whose find the follow stage will wait for
    found_before: list[list] = [[], []]  # the people of the 1 fps frames two and one before
    static_found = [0]  # 1 fps frames the pose stage has done, for progress

    def find_people(items: list[StaticFrame]) -> int:
        """The "pose" stage: the people of each 1 fps frame. Where the previous 1 fps frame had
        someone who did not walk out at a side (`someone_expected`) and this one seems empty,
        the turned passes are tried too (`expect_person`)."""
        for item in items:
            shrunk, scale = shrink_for_pose(item.image)
            expected = someone_expected(found_before[1], found_before[0], shrunk.shape[1])
            people = finder.find(shrunk, expect_person=expected)
            found_before[:] = [found_before[1], people]
            with found_ready:
                found[item.index] = people
                found_ready.notify_all()
            keep_candidates(item, [_scaled(p.box, scale) for p in people], "pose")
            static_found[0] += 1
        return len(items)

    def found_people(index: int) -> list:
        """The find's people of the 1 fps frame `index`, waiting for them (not counted as this
        stage's work); [] when the analysis stops first."""
        with clock.paused("pose_follow"), found_ready:
            while index not in found and not stages_stop.is_set():
                found_ready.wait(timeout=0.1)
            return found.pop(index, [])

    last_seen: list = []  # the people of the follow stage's previous frame
    seen_before: list = []  # and of the frame before that

    def follow_people(items: list[PoseFrame]) -> int:
        """The "pose_follow" stage: each 5 fps frame's people, followed from the frame before
        (the detector running only where someone was lost, turned too unless they walked out
        at a side). A person entering is found at the next 1 fps frame (at most a second
        later)."""
        for item in items:
            if item.index in awaited:
                awaited.discard(item.index)
                people = found_people(item.index)
            elif last_seen:
                people = follower.follow(item.image, last_seen)
                if people is None:
                    expected = someone_expected(last_seen, seen_before, item.image.shape[1])
                    people = follower.find(item.image, expect_person=expected)
            else:
                people = []
            seen_before[:] = last_seen
            last_seen[:] = people
            poses.add(item, people)
        return len(items)

    # Two events: a failing stage stops the other stages (not the decoder, whose frames the
    # routing loop keeps taking until it notices); the end of the routing stops the decoder.
    stop = threading.Event()
    stages_stop = threading.Event()
    lock = None if overlap_networks else threading.Lock()
    dynamic_stage = _Stage("dynamic", embed_clips, clock, stages_stop, lock)
    static_stage = _Stage("static", embed_crops, clock, stages_stop, lock)
    detect_stage = _Stage("detect", detect, clock, stages_stop)
    stages = [dynamic_stage, detect_stage, static_stage]
    pose_stage = follow_stage = None
    if finder is not None:
        clock.seconds.setdefault("pose", 0.0)
        clock.seconds.setdefault("pose_follow", 0.0)
        pose_stage = _Stage("pose", find_people, clock, stages_stop)
        follow_stage = _Stage("pose_follow", follow_people, clock, stages_stop)
        stages += [pose_stage, follow_stage]
    reported = [0, 0, 0]  # dynamic segments, detected frames, pose frames
    pose_total = len(plan.pose_times_s)

    def report() -> None:
        now = [
            dynamic_stage.units,
            detect_stage.units + static_found[0],
            follow_stage.units if follow_stage else 0,
        ]
        if now[1] != reported[1]:  # each stage that moved is reported, the total rising
            progress(Progress("detect", reported[0] + now[1], total_units))
        if now[0] != reported[0]:
            progress(Progress("dynamic", now[0] + now[1], total_units))
        if now[2] != reported[2]:
            progress(Progress("pose", now[2], pose_total))
        reported[:] = now

    frames_q: queue.Queue = queue.Queue(maxsize=_QUEUE_ITEMS)
    decoder = threading.Thread(
        target=decode_into,
        args=(
            frames_q,
            path,
            info,
            plan,
            dynamic_backbone.prepare_frame,
            profile.static_frame,
            stop,
            clock,
            on_frame,
        ),
        name="judgeapp-decode",
        daemon=True,
    )
    decoder.start()
    clip: list[np.ndarray] = []
    clips: list[np.ndarray] = []
    pending_static: list[StaticFrame] = []
    pending_pose: list[PoseFrame] = []
    finished = False
    try:
        for item in consume(frames_q):
            cancel.raise_if_cancelled()
            if isinstance(item, DynamicFrame):
                clip.append(item.image)
                if len(clip) == SEGMENT_FRAMES:
                    clips.append(np.stack(clip))
                    clip.clear()
                    if len(clips) >= segments_per_batch:
                        dynamic_stage.submit(np.stack(clips))
                        clips.clear()
            elif isinstance(item, PoseFrame):
                pending_pose.append(item)
                if len(pending_pose) >= _POSE_BATCH and follow_stage is not None:
                    follow_stage.submit(list(pending_pose))
                    pending_pose.clear()
            elif pose_stage is not None:  # the pose model finds the people of the 1 fps frames
                awaited.add(item.index)  # before its pose sample reaches the follow stage
                pose_stage.submit([item])
            else:
                pending_static.append(item)
                if len(pending_static) >= frames_per_batch:
                    detect_stage.submit(list(pending_static))
                    pending_static.clear()
            report()
        cancel.raise_if_cancelled()
        if clips:
            dynamic_stage.submit(np.stack(clips))
        if plan.blank_samples and len(clip) + plan.blank_samples == SEGMENT_FRAMES:
            dynamic_stage.submit(BlankTail(np.stack(clip), plan.blank_samples))
        if pending_static:
            detect_stage.submit(list(pending_static))
        if pending_pose and follow_stage is not None:
            follow_stage.submit(list(pending_pose))
        detect_stage.close()
        if pose_stage is not None:
            pose_stage.close()
            follow_stage.close()
        if crops:
            static_stage.submit(np.stack(crops))
            crops.clear()
        static_stage.close()
        dynamic_stage.close()
        report()
        finished = True
    finally:
        stop_decoding(decoder, frames_q, stop)
        if not finished:
            for stage in stages:
                stage.abort()

    warnings: list[str] = []
    if (note := detector_warning(detector)) is not None:
        warnings.append(note)
    if (note := getattr(detector, "fallback_note", None)) is not None:
        warnings.append(note)
    for backbone in (dynamic_backbone, static_backbone):
        if (note := getattr(backbone, "engine_note", None)) and note not in warnings:
            warnings.append(note)
    cand_static = (
        np.concatenate(cand_rows).astype(np.float32)
        if cand_rows
        else np.zeros((0, profile.static_dim), dtype=np.float32)
    )
    people = cands.found(cand_static, poses)
    static_rows, static_time_s, static_frame, static_box = largest_per_frame(people)
    whole_frames = not len(static_rows)
    if whole_frames:
        warnings.append(
            "no person was detected in any 1 fps frame: the static stream used whole frames"
        )
        if whole.pending:
            whole.rows.append(
                clock.timed("static", static_backbone.embed, whole.take_batch().images)
            )
        if not whole.rows:
            raise VideoError(f"{path}: no frame could be sampled for the static stream")
        static_rows = np.concatenate(whole.rows)
        static_time_s = np.asarray(whole.time_s, dtype=np.float64)
        static_frame = np.asarray(whole.frame, dtype=np.int64)
        static_box = np.tile(
            [0.0, 0.0, float(info.width), float(info.height)], (len(whole.frame), 1)
        )

    dynamic = np.concatenate(dyn_rows).astype(np.float32)
    if len(dynamic) != plan.segments:
        raise VideoError(
            f"{path}: decoded {len(dynamic)} of {plan.segments} segments (truncated file?)"
        )
    starts = seg_times[::SEGMENT_FRAMES][: plan.segments]
    return VideoFeatures(
        profile=profile_name,
        dynamic=dynamic,
        segment_start_s=starts,
        segment_end_s=starts + SEGMENT_FRAMES / 5.0,
        static=np.asarray(static_rows, dtype=np.float32),
        static_time_s=np.asarray(static_time_s, dtype=np.float64),
        static_frame=np.asarray(static_frame, dtype=np.int64),
        static_box=np.asarray(static_box, dtype=np.float64).reshape(-1, 4),
        detector=detector.name,
        static_whole_frames=whole_frames,
        warnings=warnings,
        engine=getattr(dynamic_backbone, "engine", ""),
        precision=getattr(dynamic_backbone, "precision", ""),
        people=None if whole_frames and not len(poses.time_s) else people,
    )


_POSE_BATCH = 4  # pose frames handed to the pose stage at once


def _scaled(box: Box, scale: float) -> Box:
    """`box` found in a frame shrunk by 1 / `scale`, in the original frame's pixels."""
    return Box(box.x1 * scale, box.y1 * scale, box.x2 * scale, box.y2 * scale, box.score)


def candidate_boxes(boxes: list[Box]) -> list[Box]:
    """The people of one frame worth embedding: the largest (the paper's rule) and the best
    scoring others, at most CANDIDATES_PER_FRAME, the largest first."""
    largest = largest_box(boxes)
    if largest is None:
        return []
    others = sorted((b for b in boxes if b is not largest), key=lambda b: -b.score)
    return [largest, *others[: CANDIDATES_PER_FRAME - 1]]


@dataclass
class _WholeBatch:
    """Whole 1 fps frames for the static network (not people: see `_WholeFrames`)."""

    images: np.ndarray


class _WholeFrames:
    """The static stream of a video in which nobody is ever found: its whole 1 fps frames.

    Kept only while nobody has been found, and as features (embedded a batch at a time by
    the static stage), never as images for longer than a batch: memory stays flat however
    long the video (a 224x224 image per second was 1.1 GB over two hours).
    """

    def __init__(self) -> None:
        self.needed = True  # False once anyone is found: whole frames are then never used
        self.pending: list[np.ndarray] = []  # prepared images waiting for a full batch
        self.time_s: list[float] = []
        self.frame: list[int] = []
        self.rows: list[np.ndarray] = []  # features, appended by the static stage in order

    def add(self, time_s: float, frame: int, image: np.ndarray) -> None:
        self.pending.append(image)
        self.time_s.append(time_s)
        self.frame.append(frame)

    def take_batch(self) -> _WholeBatch:
        batch = _WholeBatch(np.stack(self.pending))
        self.pending.clear()
        return batch

    def person_found(self) -> None:
        self.needed = False
        self.pending.clear()


class _Candidates:
    """The candidate people of the 1 fps frames, in the order their crops were embedded."""

    def __init__(self) -> None:
        self.time_s: list[float] = []
        self.frame: list[int] = []
        self.box: list[tuple[float, float, float, float]] = []
        self.score: list[float] = []

    def add(self, time_s: float, frame: int, box: tuple, score: float) -> None:
        self.time_s.append(time_s)
        self.frame.append(frame)
        self.box.append(tuple(float(v) for v in box))
        self.score.append(float(score))

    def found(self, features: np.ndarray, poses: _Poses) -> PeopleFound:
        """Everything seen, as arrays (features: the embedded crops, in the same order)."""
        return PeopleFound(
            cand_static=features,
            cand_time_s=np.asarray(self.time_s, dtype=np.float64),
            cand_frame=np.asarray(self.frame, dtype=np.int64),
            cand_box=np.asarray(self.box, dtype=np.float64).reshape(-1, 4),
            cand_score=np.asarray(self.score, dtype=np.float64),
            **poses.arrays(),
        )


class _Poses:
    """The people the pose model found in the 5 fps frames, in time order."""

    def __init__(self) -> None:
        self.time_s: list[float] = []
        self.frame: list[int] = []
        self.box: list[tuple[float, float, float, float]] = []
        self.score: list[float] = []
        self.rotation: list[int] = []
        self.landmarks: list[np.ndarray] = []

    def add(self, frame: PoseFrame, people: list) -> None:
        for person in people:
            self.time_s.append(frame.time_s)
            self.frame.append(frame.index)
            self.box.append(tuple(float(v) * frame.scale for v in person.box.xyxy))
            self.score.append(float(person.score))
            self.rotation.append(int(person.rotation_deg))
            points = person.landmarks.astype(np.float32).copy()
            points[:, :2] *= frame.scale
            self.landmarks.append(points)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "pose_time_s": np.asarray(self.time_s, dtype=np.float64),
            "pose_frame": np.asarray(self.frame, dtype=np.int64),
            "pose_box": np.asarray(self.box, dtype=np.float64).reshape(-1, 4),
            "pose_score": np.asarray(self.score, dtype=np.float64),
            "pose_rotation": np.asarray(self.rotation, dtype=np.int64),
            "pose_landmarks": (
                np.stack(self.landmarks).astype(np.float32)
                if self.landmarks
                else np.zeros((0, 33, 3), dtype=np.float32)
            ),
        }


def largest_per_frame(people: PeopleFound):
    """The paper's rule on the candidates: per 1 fps frame, the largest box's row
    (features [M, Ds], time_s [M], frame [M], box [M, 4]). `candidate_boxes` puts each frame's
    largest first, so it is the frame's first row."""
    _, first = np.unique(people.cand_frame, return_index=True)
    index = np.sort(first).astype(np.int64)
    return (
        people.cand_static[index],
        people.cand_time_s[index],
        people.cand_frame[index],
        people.cand_box[index].reshape(-1, 4),
    )


__all__ = ["Cancelled", "StageClock", "extract_video_features"]

"""The analysis result and its JSON form, schemas `judgeapp.analysis/1` and `/2` (DESIGN.md).

`/2` is written for a model set (several targets, several members each): it adds `scores`, one
entry per predicted target with the members' mean, an interval from their spread and, where the
set card measured them, the interval's coverage and mean width on the validation split. A result
of one head is still written as `/1`. `/3` adds the athlete followed and the pose measured
(`athlete`, `pose`: core/athlete.py), with `scores` where a model set scored. Readers accept
all three."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from judgeapp.core.athlete import (
    AthleteInfo,
    PoseInfo,
    athlete_from_dict,
    athlete_to_dict,
    pose_from_dict,
    pose_to_dict,
)
from judgeapp.core.marks import MAX_TIME_S

SCHEMA = "judgeapp.analysis/1"
SCHEMA_V2 = "judgeapp.analysis/2"
SCHEMA_V3 = "judgeapp.analysis/3"
READ_SCHEMAS = (SCHEMA, SCHEMA_V2, SCHEMA_V3)
TARGETS = ("total", "difficulty", "execution")
# Two values closer than this are the same (a mean rebuilt from JSON floats).
_SCORE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class VideoInfo:
    """What probing a video file tells: where it is, its content hash and its geometry."""

    path: str
    sha256: str
    duration_s: float
    fps: float
    frames: int
    width: int
    height: int


# Why a score is not calibrated: a code a program can act on, with the text a person reads.
RANDOM_BACKBONES = "random-backbones"
UNTRAINED_HEAD = "untrained-head"
RECIPE_MISMATCH = "recipe-mismatch"
HEAD_ON_RANDOM_FEATURES = "head-on-random-features"
CALIBRATION_CODES = (RANDOM_BACKBONES, UNTRAINED_HEAD, RECIPE_MISMATCH, HEAD_ON_RANDOM_FEATURES)


@dataclass(frozen=True)
class CalibrationReason:
    """One reason a score is not calibrated: `code` (one of CALIBRATION_CODES), `text` (a line)."""

    code: str
    text: str


@dataclass(frozen=True)
class ModelInfo:
    """The head that produced a score, as its model card describes it.

    uncalibrated: why the score is not calibrated (empty when it is, and in results written
    before judgeapp recorded reasons).
    """

    name: str
    routine: str
    target: str
    score_max: float
    profile: str
    calibrated: bool
    uncalibrated: tuple[CalibrationReason, ...] = ()


@dataclass(frozen=True)
class SegmentWeight:
    """Attention of the dynamic stream on one 16-frame segment (5 fps samples)."""

    start_s: float
    end_s: float
    weight: float


@dataclass(frozen=True)
class FrameWeight:
    """Attention of the static stream on one 1 fps frame, with the athlete box in pixels."""

    time_s: float
    weight: float
    box: tuple[float, float, float, float]
    frame: int = -1


@dataclass(frozen=True)
class EngineInfo:
    """Which inference engine computed the backbone features, in which precision."""

    name: str  # "torch" or "openvino"
    precision: str  # "fp32", "fp16" or "bf16"


def _engine_info(data: Any) -> EngineInfo:
    return EngineInfo(
        name=_text(_field(data, "name", "engine"), "engine.name"),
        precision=_text(_field(data, "precision", "engine"), "engine.precision"),
    )


@dataclass(frozen=True)
class Provenance:
    """How the score was computed, beyond the head: enough to tell whether another analysis
    with the same settings today would give the same result.

    recipe: the feature profile's recipe version; pretrained: whether the backbones had their
    pretrained weights; detector: the person detector that ran ("yolo", "hog", "none");
    head_sha256: the head checkpoint's content hash ("" for an untrained random head).
    """

    profile: str
    recipe: int
    pretrained: bool
    detector: str
    head_sha256: str = ""


@dataclass(frozen=True)
class TargetScore:
    """One target's score from a model set.

    value: the members' mean; low / high: the interval from their spread (the set card says
    how it is made); members: each member's score; coverage / mean_width: what the interval
    was worth on the validation split at training (None where not measured).
    dynamic / static: the members' mean attention for this target, one weight per entry of the
    result's `dynamic` / `static` lists (empty when not recorded).
    """

    value: float
    low: float
    high: float
    members: tuple[float, ...]
    score_max: float
    coverage: float | None = None
    mean_width: float | None = None
    dynamic: tuple[float, ...] = ()
    static: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "value": float(self.value),
            "low": float(self.low),
            "high": float(self.high),
            "members": [float(m) for m in self.members],
            "score_max": float(self.score_max),
        }
        if self.coverage is not None:
            doc["coverage"] = float(self.coverage)
        if self.mean_width is not None:
            doc["mean_width"] = float(self.mean_width)
        if self.dynamic:
            doc["dynamic"] = [float(w) for w in self.dynamic]
        if self.static:
            doc["static"] = [float(w) for w in self.static]
        return doc


@dataclass
class AnalysisResult:
    """Everything one analysis of one video produced.

    provenance: None for results written before judgeapp recorded it.
    """

    video: VideoInfo
    model: ModelInfo
    score: float
    dynamic: list[SegmentWeight]
    static: list[FrameWeight]
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    engine: EngineInfo | None = None  # None: not recorded (results written before engines)
    provenance: Provenance | None = None
    # A model set's targets ("total", "difficulty", "execution"); empty for one head (schema /1).
    scores: dict[str, TargetScore] = field(default_factory=dict)
    # The athlete followed and the body measured (schema /3); None when not recorded.
    athlete: AthleteInfo | None = None
    pose: PoseInfo | None = None

    @property
    def schema(self) -> str:
        if self.athlete is not None or self.pose is not None:
            return SCHEMA_V3
        return SCHEMA_V2 if self.scores else SCHEMA

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "schema": self.schema,
            "video": asdict(self.video),
            "model": _model_dict(self.model),
            "score": float(self.score),
            "dynamic": [asdict(s) for s in self.dynamic],
            "static": [{**asdict(s), "box": list(s.box)} for s in self.static],
            "warnings": list(self.warnings),
            "timings_s": dict(self.timings_s),
            **({"provenance": asdict(self.provenance)} if self.provenance is not None else {}),
        }
        if self.engine is not None:  # an added field: readers of schema /1 ignore it
            doc["engine"] = asdict(self.engine)
        if self.scores:
            doc["scores"] = {name: self.scores[name].to_dict() for name in self.scores}
        if self.athlete is not None:
            doc["athlete"] = athlete_to_dict(self.athlete)
        if self.pose is not None:
            doc["pose"] = pose_to_dict(self.pose)
        return doc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> AnalysisResult:
        """Rebuild from `to_dict()`; anything malformed raises ValueError naming the field."""
        return _result_from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> AnalysisResult:
        """Read a result written by `judgeapp score --json`.

        Raises JudgeappError, one line naming the file and the field, for a missing or
        unreadable file, JSON that is not an analysis, or values out of range.
        """
        from judgeapp.core.errors import JudgeappError

        path = Path(path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_RESULT_BYTES + 1)
        except FileNotFoundError:
            raise JudgeappError(f"{path}: no such file") from None
        except OSError as exc:
            raise JudgeappError(f"{path}: cannot read ({exc.strerror or exc})") from None
        if len(raw) > MAX_RESULT_BYTES:
            raise JudgeappError(
                f"{path}: not a judgeapp analysis (larger than {MAX_RESULT_BYTES >> 20} MiB)"
            )
        try:
            return cls.from_dict(json.loads(raw.decode("utf-8")))
        except RecursionError:
            raise JudgeappError(
                f"{path}: not a judgeapp analysis (JSON nested too deeply)"
            ) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise JudgeappError(f"{path}: not a judgeapp analysis ({exc})") from None


# An analysis of a 95 s routine is about 20 KB; a day-long recording stays far below this.
MAX_RESULT_BYTES = 64 << 20


def _field(data: Any, key: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{where or 'the document'} must be a JSON object, not {_kind(data)}")
    if key not in data:
        raise ValueError(f"{where + '.' if where else ''}{key} is missing")
    return data[key]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _number(
    value: Any,
    name: str,
    low: float | None = None,
    high: float | None = None,
    above: float | None = None,
) -> float:
    """`value` as a finite float within the bounds, else ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, not {_kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} is out of range ({str(value)[:20]}...)") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, not {number}")
    if low is not None and number < low:
        raise ValueError(f"{name} is {number:g}, below {low:g}")
    if above is not None and number <= above:
        raise ValueError(f"{name} is {number:g}, must be above {above:g}")
    if high is not None and number > high:
        raise ValueError(f"{name} is {number:g}, above {high:g}")
    return number


def _time(value: Any, name: str, low: float = 0.0) -> float:
    """A time in seconds: a finite number from `low` to MAX_TIME_S (a time later than any
    video would overflow where it is counted in frames or tenths)."""
    number = _number(value, name, low=low)
    _check_time(number, name)
    return number


def _check_time(number: float, name: str) -> None:
    if number > MAX_TIME_S:
        raise ValueError(f"{name} is {number:g} s, later than any video ({MAX_TIME_S:g} s)")


def _check_athlete_times(athlete: AthleteInfo | None, pose: PoseInfo | None) -> None:
    """The times core.athlete read (tracks, people, angles) are times like any other."""
    if athlete is not None:
        for i, track in enumerate(athlete.tracks):
            _check_time(track.end_s, f"athlete.tracks[{i}].end_s")  # start_s <= end_s
    if pose is not None:
        for i, person in enumerate(pose.people):
            _check_time(person.time_s, f"pose.people[{i}].time_s")
        for i, time_s in enumerate(pose.angle_time_s):
            _check_time(time_s, f"pose.angles.time_s[{i}]")


def _integer(value: Any, name: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {_kind(value)}")
    if value < low:
        raise ValueError(f"{name} is {value}, below {low}")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {_kind(value)}")
    return value


def _items(value: Any, name: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list, not {_kind(value)}")
    return value


def _video_info(data: Any) -> VideoInfo:
    get = lambda key: _field(data, key, "video")  # noqa: E731
    return VideoInfo(
        path=_text(get("path"), "video.path"),
        sha256=_text(get("sha256"), "video.sha256"),
        duration_s=_time(get("duration_s"), "video.duration_s"),
        fps=_number(get("fps"), "video.fps", above=0),
        frames=_integer(get("frames"), "video.frames"),
        width=_integer(get("width"), "video.width"),
        height=_integer(get("height"), "video.height"),
    )


def _model_dict(model: ModelInfo) -> dict[str, Any]:
    """The model's JSON form; `uncalibrated` only when there is a reason (older readers)."""
    doc = asdict(model)
    doc["uncalibrated"] = [asdict(r) for r in model.uncalibrated]
    if not model.uncalibrated:
        del doc["uncalibrated"]
    return doc


def _reasons(value: Any, calibrated: bool) -> tuple[CalibrationReason, ...]:
    """model.uncalibrated: a list of {"code", "text"} with known codes, none when calibrated."""
    reasons = []
    for i, item in enumerate(_items(value, "model.uncalibrated")):
        where = f"model.uncalibrated[{i}]"
        code = _text(_field(item, "code", where), f"{where}.code")
        if code not in CALIBRATION_CODES:
            raise ValueError(f"{where}.code must be one of {', '.join(CALIBRATION_CODES)}")
        reasons.append(CalibrationReason(code, _text(_field(item, "text", where), f"{where}.text")))
    if calibrated and reasons:
        raise ValueError("model.uncalibrated lists reasons but model.calibrated is true")
    return tuple(reasons)


def _model_info(data: Any) -> ModelInfo:
    get = lambda key: _field(data, key, "model")  # noqa: E731
    calibrated = get("calibrated")
    if not isinstance(calibrated, bool):
        raise ValueError(f"model.calibrated must be true or false, not {_kind(calibrated)}")
    reasons = _reasons(data.get("uncalibrated", []), calibrated)
    return ModelInfo(
        name=_text(get("name"), "model.name"),
        routine=_text(get("routine"), "model.routine"),
        target=_text(get("target"), "model.target"),
        score_max=_number(get("score_max"), "model.score_max", above=0),
        profile=_text(get("profile"), "model.profile"),
        calibrated=calibrated,
        uncalibrated=reasons,
    )


def _segment(data: Any, where: str) -> SegmentWeight:
    start_s = _time(_field(data, "start_s", where), f"{where}.start_s")
    end_s = _time(_field(data, "end_s", where), f"{where}.end_s", low=start_s)
    weight = _number(_field(data, "weight", where), f"{where}.weight", low=0, high=1)
    return SegmentWeight(start_s, end_s, weight)


def _frame(data: Any, where: str) -> FrameWeight:
    box = _items(_field(data, "box", where), f"{where}.box")
    if len(box) != 4:
        raise ValueError(f"{where}.box must hold 4 numbers [x1, y1, x2, y2], not {len(box)}")
    frame = data.get("frame", -1)
    return FrameWeight(
        time_s=_time(_field(data, "time_s", where), f"{where}.time_s"),
        weight=_number(_field(data, "weight", where), f"{where}.weight", low=0, high=1),
        box=tuple(_number(v, f"{where}.box[{i}]") for i, v in enumerate(box)),
        frame=_integer(frame, f"{where}.frame", low=-1),
    )


def _provenance(data: Any) -> Provenance:
    get = lambda key: _field(data, key, "provenance")  # noqa: E731
    pretrained = get("pretrained")
    if not isinstance(pretrained, bool):
        raise ValueError(f"provenance.pretrained must be true or false, not {_kind(pretrained)}")
    return Provenance(
        profile=_text(get("profile"), "provenance.profile"),
        recipe=_integer(get("recipe"), "provenance.recipe"),
        pretrained=pretrained,
        detector=_text(get("detector"), "provenance.detector"),
        head_sha256=_text(data.get("head_sha256", ""), "provenance.head_sha256"),
    )


def _result_from_dict(data: Any) -> AnalysisResult:
    schema = _field(data, "schema", "")
    if schema not in READ_SCHEMAS:
        raise ValueError(
            f"not a {SCHEMA}, {SCHEMA_V2} or {SCHEMA_V3} document (schema={str(schema)[:80]!r})"
        )
    model = _model_info(_field(data, "model", ""))
    score = _number(_field(data, "score", ""), "score", low=0, high=model.score_max)
    warnings = _items(data.get("warnings", []), "warnings")
    timings = data.get("timings_s", {})
    if not isinstance(timings, dict):
        raise ValueError(f"timings_s must be an object, not {_kind(timings)}")
    dynamic = [
        _segment(s, f"dynamic[{i}]")
        for i, s in enumerate(_items(_field(data, "dynamic", ""), "dynamic"))
    ]
    static = [
        _frame(s, f"static[{i}]")
        for i, s in enumerate(_items(_field(data, "static", ""), "static"))
    ]
    scores = _scores(data, schema, score, len(dynamic), len(static))
    athlete = athlete_from_dict(data["athlete"]) if "athlete" in data else None
    pose = pose_from_dict(data["pose"]) if "pose" in data else None
    _check_athlete_times(athlete, pose)
    return AnalysisResult(
        video=_video_info(_field(data, "video", "")),
        model=model,
        score=score,
        dynamic=dynamic,
        static=static,
        warnings=[_text(w, f"warnings[{i}]") for i, w in enumerate(warnings)],
        timings_s={
            _text(k, "timings_s key"): _number(v, f"timings_s.{k}") for k, v in timings.items()
        },
        provenance=_provenance(data["provenance"]) if "provenance" in data else None,
        engine=_engine_info(data["engine"]) if "engine" in data else None,
        scores=scores,
        athlete=athlete,
        pose=pose,
    )


def _weights(data: Any, name: str, count: int) -> tuple[float, ...]:
    weights = _items(data, name)
    if weights and len(weights) != count:
        raise ValueError(f"{name} holds {len(weights)} weights for {count} entries")
    return tuple(_number(w, f"{name}[{i}]", low=0, high=1) for i, w in enumerate(weights))


def _target_score(data: Any, where: str, n_dynamic: int, n_static: int) -> TargetScore:
    get = lambda key: _field(data, key, where)  # noqa: E731
    score_max = _number(get("score_max"), f"{where}.score_max", above=0)
    members = _items(get("members"), f"{where}.members")
    if not members:
        raise ValueError(f"{where}.members is empty")
    low = _number(get("low"), f"{where}.low", low=0, high=score_max)
    high = _number(get("high"), f"{where}.high", low=low, high=score_max)
    value = _number(get("value"), f"{where}.value", low=low, high=high)
    optional = lambda key: (  # noqa: E731
        None if data.get(key) is None else _number(data[key], f"{where}.{key}", low=0)
    )
    coverage = optional("coverage")
    if coverage is not None and coverage > 1:
        raise ValueError(f"{where}.coverage must be a share in [0, 1], not {coverage}")
    return TargetScore(
        value=value,
        low=low,
        high=high,
        members=tuple(
            _number(m, f"{where}.members[{i}]", low=0, high=score_max)
            for i, m in enumerate(members)
        ),
        score_max=score_max,
        coverage=coverage,
        mean_width=optional("mean_width"),
        dynamic=_weights(data.get("dynamic", []), f"{where}.dynamic", n_dynamic),
        static=_weights(data.get("static", []), f"{where}.static", n_static),
    )


def _scores(
    data: dict, schema: str, score: float, n_dynamic: int, n_static: int
) -> dict[str, TargetScore]:
    """The `scores` of a /2 document (a /1 document has none, a /3 one where a set scored),
    checked against `score`."""
    if schema == SCHEMA or (schema == SCHEMA_V3 and "scores" not in data):
        return {}
    raw = _field(data, "scores", "")
    if not isinstance(raw, dict) or not raw:
        raise ValueError("scores must be an object with at least one target")
    scores = {}
    for name, entry in raw.items():
        if name not in TARGETS:
            raise ValueError(f"scores.{str(name)[:40]} is not a target ({', '.join(TARGETS)})")
        scores[name] = _target_score(entry, f"scores.{name}", n_dynamic, n_static)
    main = scores["total"] if "total" in scores else next(iter(scores.values()))
    if abs(main.value - score) > _SCORE_TOLERANCE * max(1.0, main.score_max):
        raise ValueError(f"score {score} is not the value of the set's main target {main.value}")
    return scores

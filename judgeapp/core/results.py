"""The analysis result and its JSON form, schema `judgeapp.analysis/1` (DESIGN.md)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = "judgeapp.analysis/1"


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


@dataclass(frozen=True)
class ModelInfo:
    """The head that produced a score, as its model card describes it."""

    name: str
    routine: str
    target: str
    score_max: float
    profile: str
    calibrated: bool


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


def _engine_info(data: Any) -> EngineInfo | None:
    if not isinstance(data, dict) or not {"name", "precision"} <= data.keys():
        return None
    return EngineInfo(name=str(data["name"]), precision=str(data["precision"]))


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

    def same_settings(self, other: Provenance) -> bool:
        return self == other


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

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "schema": SCHEMA,
            "video": asdict(self.video),
            "model": asdict(self.model),
            "score": float(self.score),
            "dynamic": [asdict(s) for s in self.dynamic],
            "static": [{**asdict(s), "box": list(s.box)} for s in self.static],
            "warnings": list(self.warnings),
            "timings_s": dict(self.timings_s),
            **({"provenance": asdict(self.provenance)} if self.provenance is not None else {}),
        }
        if self.engine is not None:  # an added field: readers of schema /1 ignore it
            doc["engine"] = asdict(self.engine)
        return doc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisResult:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} document (schema={data.get('schema')!r})")
        return cls(
            video=VideoInfo(**data["video"]),
            model=ModelInfo(**data["model"]),
            score=float(data["score"]),
            dynamic=[SegmentWeight(**s) for s in data["dynamic"]],
            static=[
                FrameWeight(
                    time_s=s["time_s"],
                    weight=s["weight"],
                    box=tuple(s["box"]),
                    frame=s.get("frame", -1),
                )
                for s in data["static"]
            ],
            warnings=list(data.get("warnings", [])),
            timings_s=dict(data.get("timings_s", {})),
            provenance=Provenance(**data["provenance"]) if "provenance" in data else None,
            engine=_engine_info(data.get("engine")),
        )

    @classmethod
    def load(cls, path: str | Path) -> AnalysisResult:
        """Read a result written by `judgeapp score --json`."""
        from judgeapp.core.errors import JudgeappError

        path = Path(path)
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise JudgeappError(f"{path}: no such file") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise JudgeappError(f"{path}: not a judgeapp analysis ({exc})") from None

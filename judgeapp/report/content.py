"""What a report says, gathered once and laid out by the PDF and HTML writers alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from judgeapp import __version__
from judgeapp.core.marks import Mark, PanelScore, format_time, now_iso
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult
from judgeapp.report.crops import Crop, extreme_frames, load_pictures, video_for_result
from judgeapp.report.posture import PostureSection, build_posture, posture_frames
from judgeapp.report.scores import (
    TargetRow,
    consistency,
    main_target,
    target_rows,
    targets_text,
)
from judgeapp.report.timeline_figure import draw_timeline, png_bytes

CALIBRATION_WARNING = (
    "This score is not calibrated: it comes from an untrained head or from backbones with "
    "random weights. It shows how the tool works, not how good the routine is."
)

INTERVAL_NOTE = (
    "Interval: the spread of the set's members (the same model trained with different seeds). "
    "It shows how much training luck moves the score, not a judge's own spread nor videos "
    "unlike the training set; coverage is how often it held the panel's score on validation "
    "videos; a difference in bold: the panel's score lies outside the interval. Consistency: "
    "flagged when predicted D + E falls outside the total's interval (the model predicts no "
    "penalty)."
)


@dataclass(frozen=True)
class ReportContent:
    """Everything a PDF or HTML report shows, with pictures already encoded."""

    result: AnalysisResult
    marks: tuple[Mark, ...]
    panel: PanelScore | None
    timeline_png: bytes
    top: tuple[Crop, ...]
    bottom: tuple[Crop, ...]
    notes: tuple[str, ...] = ()
    # The athlete and posture section (a result with athlete or pose, schema /3), else None.
    posture: PostureSection | None = None
    created: str = field(default_factory=now_iso)
    generator: str = f"judgeapp {__version__}"

    @property
    def video_name(self) -> str:
        return PurePath(self.result.video.path).name or self.result.video.path

    @property
    def panel_value(self) -> float | None:
        """The panel's score for the predicted score's target (a set's total, else the head's
        target: total, difficulty or execution)."""
        return None if self.panel is None else self.panel.value(self.target)

    @property
    def target(self) -> str:
        """Which score `result.score` is (report/scores.py main_target)."""
        return main_target(self.result)

    @property
    def difference(self) -> float | None:
        """Predicted minus panel, for the model's target, when the panel's value is known."""
        panel = self.panel_value
        return None if panel is None else self.result.score - panel

    @property
    def created_text(self) -> str:
        """When the report was made, for reading: 2025-11-27 17:45 UTC."""
        return self.created[:16].replace("T", " ") + " UTC"

    def video_rows(self) -> list[tuple[str, str]]:
        v = self.result.video
        return [
            ("File", self.video_name),
            ("Path", v.path),
            ("SHA-256", v.sha256 or "unknown"),
            ("Duration", f"{format_time(v.duration_s)} ({v.duration_s:.2f} s)"),
            ("Frames", f"{v.frames} at {v.fps:.3g} fps, {v.width}x{v.height} px"),
        ]

    def model_rows(self) -> list[tuple[str, str]]:
        m = self.result.model
        return [
            ("Model", m.name),
            ("Routine", m.routine),
            (
                "Target",
                targets_text(self.result.scores)
                if self.result.scores
                else f"{m.target} score, range 0 to {m.score_max:g}",
            ),
            ("Feature profile", m.profile),
            ("Calibrated", "yes" if m.calibrated else "NO (see warning)"),
        ]

    def score_rows(self) -> list[tuple[str, str]]:
        m = self.result.model
        target = self.target
        rows = [("Predicted", f"{self.result.score:.2f} / {m.score_max:g} ({target})")]
        if self.panel is None:
            rows.append(("Panel", "not entered"))
            return rows
        parts = [f"total {self.panel.total:.2f}"]
        if self.panel.difficulty is not None:
            parts.append(f"difficulty {self.panel.difficulty:.2f}")
        if self.panel.execution is not None:
            parts.append(f"execution {self.panel.execution:.2f}")
        rows.append(("Panel", ", ".join(parts)))
        diff = self.difference
        rows.append(
            (
                "Difference",
                f"{diff:+.2f} (predicted - panel {target})"
                if diff is not None
                else f"panel {target} score not entered",
            )
        )
        return rows

    def target_rows(self) -> list[TargetRow]:
        """A model set's targets (D, E, total) with intervals and the panel's scores; empty
        for one head (schema /1)."""
        return target_rows(self.result, self.panel)

    def consistency_text(self) -> str:
        """Predicted D + E beside the predicted total, flagged when the gap exceeds the
        total's interval; "" unless D, E and total are all predicted."""
        check = consistency(self.result.scores)
        if check is None:
            return ""
        return check.text(None if self.panel is None else self.panel.penalty)

    @property
    def inconsistent(self) -> bool:
        check = consistency(self.result.scores)
        return check is not None and check.flagged

    def sorted_marks(self) -> list[Mark]:
        """Marks in time order: the numbers 1.. on the timeline follow this order."""
        return sorted(self.marks, key=lambda m: (m.time_s, m.id))

    def weight_note(self, weight: float) -> str:
        """A weight and how it compares with uniform attention over the static frames."""
        n = len(self.result.static)
        ratio = weight * n if n else 0.0
        return f"weight {weight:.3f} ({ratio:.2f}x uniform)"


def build_report(
    result: AnalysisResult,
    marks: Sequence[Mark] = (),
    panel: PanelScore | None = None,
    video_path: str | Path | None = None,
    k: int = 4,
    check_hash: bool = True,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ReportContent:
    """Gather a report: draw the timeline and cut the k top and bottom crops from the video;
    with the athlete's pose (schema /3), the posture section and its thumbnails (the same pass
    over the video decodes the crops' and the thumbnails' frames, and no other).

    When the video file is gone (or is not the analysed one), the report says so instead of
    showing crops.
    """
    progress(Progress("report: crops", 0, 2))
    if cancel is not None:
        cancel.raise_if_cancelled()
    video = video_for_result(result, video_path, check_hash=check_hash)
    pictures = load_pictures(result, video, k, also=posture_frames(result))
    posture = build_posture(result, pictures.images, pictures.problem)
    progress(Progress("report: timeline", 1, 2))
    if cancel is not None:
        cancel.raise_if_cancelled()
    top_frames, bottom_frames = extreme_frames(result.static, k)
    timeline = draw_timeline(result, marks, top_frames, bottom_frames)
    progress(Progress("report: timeline", 2, 2))
    return ReportContent(
        result=result,
        marks=tuple(marks),
        panel=panel,
        timeline_png=png_bytes(timeline),
        top=tuple(pictures.top),
        bottom=tuple(pictures.bottom),
        notes=tuple(pictures.notes),
        posture=posture,
    )

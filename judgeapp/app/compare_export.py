"""Writing a comparison of two analysed routines to a file: the side-by-side video (.mp4), the
comparison page (.html) or the A4 comparison (.pdf).

One place assembles the writers' inputs (the sides, the export plan, the score texts, the
differences, the angle lanes) from a `Comparison` and the two analyses, so the command line
(`judgeapp compare`) and the comparison window's Export menu write the same files. Every writer
writes atomically: a failure or a cancel leaves no file. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from judgeapp.app.compare import (
    Comparison,
    angle_on_axis,
    angle_scale,
    comparison_angle_choices,
    differences,
    overlay_draw,
    score_rows,
)
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult
from judgeapp.report.compare_page import compare_html
from judgeapp.report.compare_pdf import AngleLanes, render_compare_pdf
from judgeapp.report.compare_video import CompareSide, PlanFrame, write_compare_video
from judgeapp.report.output import write_report_bytes, write_report_text

COMPARE_FORMATS = (".mp4", ".pdf", ".html", ".htm")
DIALOG_FILTERS = (
    "Side-by-side video (*.mp4)",
    "Comparison PDF (*.pdf)",
    "Comparison page (*.html *.htm)",
)


@dataclass(frozen=True)
class CompareInputs:
    """Both routines of one comparison: each side's video file and its analysis."""

    comparison: Comparison
    video_a: Path
    result_a: AnalysisResult
    video_b: Path
    result_b: AnalysisResult


def default_file_name(video_a: str | Path, video_b: str | Path, suffix: str = ".mp4") -> str:
    """The name an export dialog proposes: both videos' names, e.g. `day1_vs_day2.mp4`."""
    return f"{Path(video_a).stem}_vs_{Path(video_b).stem}{suffix}"


def angle_lanes(
    comparison: Comparison,
    result_a: AnalysisResult,
    result_b: AnalysisResult,
    name: str | None = None,
) -> AngleLanes | None:
    """One joint angle of each side on the common axis: `name` (a key of
    comparison_angle_choices), else the first angle either side measured; None without pose
    results on either side (or when `name` is "": the user chose none)."""
    choices = dict(comparison_angle_choices(result_a, result_b))
    if not choices or name == "":
        return None
    if name is None or name not in choices:
        name = next(iter(choices))
    traces = [angle_on_axis(comparison, w, r, name) for w, r in (("a", result_a), ("b", result_b))]
    runs = tuple(None if t is None else t.runs for t in traces)
    return AngleLanes(choices[name], runs, angle_scale(traces))


def _score_texts(inputs: CompareInputs, sides: list[CompareSide]) -> list[str]:
    """Each side's header text in the video: its total score, "(not calibrated)" where so."""
    rows = score_rows(inputs.result_a, inputs.result_b)
    if not rows:
        return ["", ""]
    first = rows[0]
    return [
        ""
        if s is None
        else f"{s[0]:.2f} / {first.score_max:g}"
        + ("" if side.result.model.calibrated else " (not calibrated)")
        for s, side in zip((first.a, first.b), sides, strict=True)
    ]


def write_comparison(
    target: str | Path,
    inputs: CompareInputs,
    angle: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Write the comparison to `target`; its suffix picks the format (.mp4, .pdf, .html).
    `angle`: the joint angle drawn in the angle lanes (None: the first measured; "": none).
    Returns the file written; JudgeappError (nothing written) on bad input or failure."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in COMPARE_FORMATS:
        raise JudgeappError(
            f"{target}: unknown comparison format; the file name must end in .mp4, .pdf or .html"
        )
    c = inputs.comparison
    ra, rb = inputs.result_a, inputs.result_b
    sides = [
        CompareSide("A", inputs.video_a, ra, c.sync_a_s),
        CompareSide("B", inputs.video_b, rb, c.sync_b_s),
    ]
    angles = angle_lanes(c, ra, rb, angle)
    if suffix == ".mp4":
        fps = max(c.a.fps, c.b.fps)
        plan = []
        for t in c.export_times(fps):
            a, b = c.positions(t)
            plan.append(PlanFrame(t, a.index, b.index, a.inside, b.inside))
        sizes = [(r.video.width, r.video.height) for r in (ra, rb)]
        write_compare_video(
            target,
            sides,
            plan,
            fps,
            c.after_sync_s,
            _score_texts(inputs, sides),
            progress=progress,
            cancel=cancel,
            overlay=overlay_draw(c, *sizes),
            angles=angles,
        )
        return target
    progress(Progress(f"comparison {suffix[1:]}", 0, 1))
    if cancel is not None:
        cancel.raise_if_cancelled()
    rows = score_rows(ra, rb)
    found = differences(c, ra, rb)
    if suffix == ".pdf":
        at_sync = [p.index for p in c.positions(0.0)]
        pdf = render_compare_pdf(sides, rows, found, (c.start_s, c.end_s), at_sync, angles)
        write_report_bytes(target, pdf)
    else:
        write_report_text(target, compare_html(sides, rows, found, (c.start_s, c.end_s), angles))
    progress(Progress(f"comparison {suffix[1:]}", 1, 1))
    return target

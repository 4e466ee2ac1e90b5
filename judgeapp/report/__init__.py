"""PDF/HTML/CSV/JSON exports and the annotated video; no Qt widgets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.progress import CancelToken, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult
from judgeapp.report.annotated_video import write_annotated_video
from judgeapp.report.content import ReportContent, build_report
from judgeapp.report.crops import video_for_result
from judgeapp.report.html_report import render_html, write_html
from judgeapp.report.pdf_report import render_pdf, write_pdf
from judgeapp.report.tables import (
    ANGLES_CSV_SUFFIX,
    angles_csv,
    is_angles_csv,
    report_document,
    weights_csv,
    write_angles_csv,
    write_csv,
    write_json,
)

REPORT_FORMATS = {
    ".pdf": "PDF report",
    ".html": "HTML report (one self-contained file)",
    ".htm": "HTML report (one self-contained file)",
    ".csv": "CSV of the segment and frame weights, the marks and a model set's target scores",
    ANGLES_CSV_SUFFIX: "CSV of the athlete's joint angles per pose frame (NAME.angles.csv)",
    ".json": "JSON of the analysis, the marks and the panel score",
    ".mp4": "annotated video",
}


def report_format(path: str | Path) -> str:
    """The format a file name asks for (its suffix), or a JudgeappError listing the choices."""
    if is_angles_csv(path):
        return ANGLES_CSV_SUFFIX
    suffix = Path(path).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise JudgeappError(
            f"{path}: unknown report format {suffix or '(no suffix)'!r}; use one of "
            + ", ".join(s for s in REPORT_FORMATS if s not in (".htm", ANGLES_CSV_SUFFIX))
            + f" (or NAME{ANGLES_CSV_SUFFIX} for the joint angles)"
        )
    return suffix


def write_report(
    target: str | Path,
    result: AnalysisResult,
    marks: Sequence[Mark] = (),
    panel: PanelScore | None = None,
    video_path: str | Path | None = None,
    check_hash: bool = True,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Write the report whose format `target`'s suffix names; return `target`.

    `video_path` is where the analysed video is now (default: the path in the result); crops
    and the annotated video need it, and are left out (PDF/HTML, with a note) or refused (.mp4)
    where it is missing or its content differs from the analysed file.
    """
    target = Path(target)
    suffix = report_format(target)
    if suffix == ANGLES_CSV_SUFFIX:
        write_angles_csv(target, result)
    elif suffix == ".csv":
        write_csv(target, result, marks, panel)
    elif suffix == ".json":
        write_json(target, result, marks, panel)
    elif suffix == ".mp4":
        video = video_for_result(result, video_path, check_hash=check_hash)
        if video is None:
            where = video_path or result.video.path
            raise JudgeappError(
                f"{where}: the analysed video is not there (moved, deleted or changed); "
                "the annotated video needs it"
            )
        write_annotated_video(result, video, target, marks, progress, cancel)
    else:
        content = build_report(result, marks, panel, video_path, 4, check_hash, progress, cancel)
        if suffix == ".pdf":
            write_pdf(content, target)
        else:
            write_html(content, target)
    return target


__all__ = [
    "ANGLES_CSV_SUFFIX",
    "REPORT_FORMATS",
    "ReportContent",
    "angles_csv",
    "build_report",
    "render_html",
    "render_pdf",
    "report_document",
    "report_format",
    "weights_csv",
    "write_angles_csv",
    "write_annotated_video",
    "write_csv",
    "write_html",
    "write_json",
    "write_pdf",
    "write_report",
]

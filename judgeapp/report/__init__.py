"""PDF/HTML/CSV/JSON exports and the annotated video; no Qt widgets.

The one table of report formats (`FORMATS`: suffix, what the file holds, the save dialog's
label) and `report_format` live here; the command line, the export dialog and `write_report`
all read it. Importing this package is cheap: the writers (fpdf, OpenCV, the video encoder) are
imported when a name that needs them is first used (`__getattr__`), so the application layer
can use `judgeapp.report.scores` without loading them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from judgeapp.core.marks import Mark, PanelScore
    from judgeapp.core.results import AnalysisResult

ANGLES_CSV_SUFFIX = ".angles.csv"


@dataclass(frozen=True)
class ReportFormat:
    """One format a report can be written in.

    suffix: what a file name ends in; description: what the file holds; dialog: the export
    dialog's label for it ("" = not offered there, only by file name).
    """

    suffix: str
    description: str
    dialog: str = ""


FORMATS = (
    ReportFormat(".pdf", "PDF report", "PDF report"),
    ReportFormat(".html", "HTML report (one self-contained file)", "HTML report, one file"),
    ReportFormat(".htm", "HTML report (one self-contained file)"),
    ReportFormat(
        ".csv",
        "CSV of the segment and frame weights, the marks and a model set's target scores",
        "CSV of the weights and marks",
    ),
    ReportFormat(
        ANGLES_CSV_SUFFIX, "CSV of the athlete's joint angles per pose frame (NAME.angles.csv)"
    ),
    ReportFormat(
        ".json",
        "JSON of the analysis, the marks and the panel score",
        "JSON of the analysis and marks",
    ),
    ReportFormat(".mp4", "annotated video", "Annotated video"),
)
REPORT_FORMATS = {f.suffix: f.description for f in FORMATS}
# The export dialog's filters ("PDF report (*.pdf)") and the suffix each one writes.
DIALOG_FILTERS = {f"{f.dialog} (*{f.suffix})": f.suffix for f in FORMATS if f.dialog}


def is_angles_csv(path: str | Path) -> bool:
    """Whether a report file name asks for the per-frame joint angles (NAME.angles.csv)."""
    return Path(path).name.lower().endswith(ANGLES_CSV_SUFFIX)


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
    from judgeapp.report.annotated_video import write_annotated_video
    from judgeapp.report.content import build_report
    from judgeapp.report.crops import video_for_result
    from judgeapp.report.html_report import write_html
    from judgeapp.report.pdf_report import write_pdf
    from judgeapp.report.tables import write_angles_csv, write_csv, write_json

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


# The writers' names, imported on first use: name -> the module that defines it.
_LAZY = {
    "ReportContent": "content",
    "build_report": "content",
    "render_html": "html_report",
    "write_html": "html_report",
    "render_pdf": "pdf_report",
    "write_pdf": "pdf_report",
    "write_annotated_video": "annotated_video",
    "angles_csv": "tables",
    "report_document": "tables",
    "weights_csv": "tables",
    "write_angles_csv": "tables",
    "write_csv": "tables",
    "write_json": "tables",
}


def __getattr__(name: str) -> Any:
    """A writer's name (`_LAZY`), imported now; its module is loaded once."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ANGLES_CSV_SUFFIX",
    "DIALOG_FILTERS",
    "FORMATS",
    "REPORT_FORMATS",
    "ReportFormat",
    "is_angles_csv",
    "report_format",
    "write_report",
    *_LAZY,
]

"""`judgeapp report VIDEO|ANALYSIS.json --out FILE`: PDF, HTML, CSV, JSON or annotated video.

A video's result comes from app.library_service's `result_or_analyse` (through
`commands.common.analysis_of_video`), as in the GUI: the
library's result when it was made the way this command would analyse now (same backbone
weights, head file, profile, detector, engine, precision and recipe), else a new analysis, saved.
The judges' marks and the panel score come from the library.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from judgeapp.commands.common import (
    add_backbone_options,
    add_result_source_options,
    analysis_of_video,
    nonempty,
    say,
    terminal_progress,
)
from judgeapp.core.text_safety import terminal_text


def _output_path(text: str) -> Path:
    """argparse type: a report file name of a known format (`judgeapp.report.report_format`,
    the one format table), else a usage error (exit 2)."""
    from judgeapp.core.errors import JudgeappError
    from judgeapp.report import report_format

    try:
        report_format(text)
    except JudgeappError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return Path(text)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="export a report (PDF, HTML, CSV, JSON) or an annotated video",
        description=(
            "Write a report of a video's analysis. INPUT is a video (taken from the library, "
            "or analysed now) or an analysis JSON from `judgeapp score --json`. The format "
            "follows --out's suffix: .pdf, .html, .csv, .json or .mp4 (annotated video)."
        ),
    )
    parser.add_argument("input", metavar="VIDEO|ANALYSIS.json", type=nonempty("input path"))
    parser.add_argument("--out", required=True, type=_output_path, metavar="FILE")
    parser.add_argument(
        "--video",
        metavar="PATH",
        type=nonempty("--video path"),
        help="where the analysed video is now, when it moved since the analysis "
        "(crops and annotated video need it)",
    )
    add_result_source_options(parser, no_library_note=" (no marks, no panel score)")
    add_backbone_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from judgeapp.app.library_service import LibraryService
    from judgeapp.core.results import AnalysisResult
    from judgeapp.report import write_report

    source = Path(args.input)
    library = None if args.no_library else LibraryService.open(args.library)
    try:
        if source.suffix.lower() == ".json":
            result = AnalysisResult.load(source)
            if args.video is not None:
                _check_moved_video(Path(args.video), result, source)
            video_path, check_hash = (args.video, True)
        else:
            result = analysis_of_video(source, args, library)
            video_path, check_hash = (source, False)  # just hashed: it is the analysed file
        marks = library.marks(result.video.sha256) if library else []
        panel = library.panel_score(result.video.sha256) if library else None
        progress, close = terminal_progress(args.out.name)
        try:
            write_report(
                args.out,
                result,
                marks,
                panel,
                video_path=video_path,
                check_hash=check_hash,
                progress=progress,
            )
        finally:
            close()
    finally:
        if library is not None:
            library.close()
    say(f"wrote {terminal_text(args.out)}")
    return 0


def _check_moved_video(video: Path, result, source: Path) -> None:
    """--video must be the analysed video: a missing file, a folder or another video is an
    error naming --video's file (not the analysis JSON, which is fine)."""
    from judgeapp.core.errors import JudgeappError
    from judgeapp.core.files import sha256_file

    shown = terminal_text(video)
    if not video.is_file():
        what = "is a folder" if video.is_dir() else "no such file"
        raise JudgeappError(f"{shown}: {what} (--video names the analysed video)")
    if not result.video.sha256:
        return  # an analysis without a hash: nothing to compare
    try:
        digest = sha256_file(video)
    except OSError as exc:
        raise JudgeappError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    if digest != result.video.sha256:
        raise JudgeappError(
            f"{shown}: not the video {terminal_text(source)} analysed (its content differs from "
            f"{terminal_text(Path(result.video.path).name)}'s)"
        )

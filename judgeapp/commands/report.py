"""`judgeapp report VIDEO|ANALYSIS.json --out FILE`: PDF, HTML, CSV, JSON or annotated video.

A video's result comes from app.library_service's `result_or_analyse`, as in the GUI: the
library's result when it was made the way this command would analyse now (same backbone
weights, head file, profile, detector, engine, precision and recipe), else a new analysis, saved.
The judges' marks and the panel score come from the library.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from judgeapp.commands.common import (
    add_backbone_options,
    analysis_options,
    nonempty,
    say,
    terminal_progress,
)
from judgeapp.core.text_safety import terminal_text

_FORMATS = (".pdf", ".html", ".htm", ".csv", ".json", ".mp4")


def _output_path(text: str) -> Path:
    """argparse type: a report file name with a known suffix (else a usage error, exit 2)."""
    path = Path(text)
    if path.suffix.lower() not in _FORMATS:
        raise argparse.ArgumentTypeError(
            f"{text}: unknown report format; the file name must end in "
            + ", ".join(s for s in _FORMATS if s != ".htm")
        )
    return path


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
    parser.add_argument(
        "--model",
        default=None,
        help="analyse with this head checkpoint, or 'random' (default: the library's result, "
        "else the installed head)",
    )
    parser.add_argument(
        "--reanalyze", action="store_true", help="analyse the video even if the library has it"
    )
    parser.add_argument("--library", metavar="PATH", help="library file (default: data folder)")
    parser.add_argument(
        "--no-library",
        action="store_true",
        help="neither read nor write the library (no marks, no panel score)",
    )
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
            result = _analysis_of_video(source, args, library)
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


def request_of(args: argparse.Namespace):
    """The AnalysisRequest this command's options ask for (what a stored result must match)."""
    from judgeapp.app.requests import AnalysisRequest

    return AnalysisRequest(
        device=args.device,
        model=args.model or "",
        profile=args.profile or "",
        pretrained=args.pretrained != "none",
        detector=args.detector,
        engine=args.engine,
        precision=args.precision or "",
        athlete=args.athlete,
    )


def _analysis_of_video(video: Path, args: argparse.Namespace, library):
    """The library's result for this video and these options, or a new analysis (saved)."""
    from judgeapp.core.errors import JudgeappError

    def analyse(path: Path, _progress, cancel):
        from judgeapp.analysis import analyze

        progress, close = terminal_progress(path.name)
        try:
            return analyze(path, analysis_options(args, model=args.model), progress, cancel)
        finally:
            close()

    if not video.is_file():
        from judgeapp.video import probe

        probe(video)  # raises its one-line reason: no such file, a link to nothing, a folder
        raise JudgeappError(f"{video}: not a video file")
    if library is None:
        return analyse(video, None, None)
    # A named checkpoint always analyses: a stored result is not matched to a head file.
    named_checkpoint = args.model not in (None, "random")
    answer = library.result_or_analyse(
        video, request_of(args), analyse, reanalyse=args.reanalyze or named_checkpoint
    )
    if answer.outdated:
        say(
            f"{terminal_text(video.name)}: the library's result was made with other settings or "
            "an older recipe; analysed again",
            file=sys.stderr,
        )
    if answer.save_error:
        say(
            f"warning: the result was not saved in the library: {terminal_text(answer.save_error)}",
            file=sys.stderr,
        )
    return answer.result

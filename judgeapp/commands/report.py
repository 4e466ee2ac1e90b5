"""`judgeapp report VIDEO|ANALYSIS.json --out FILE`: PDF, HTML, CSV, JSON or annotated video.

A video is looked up in the library first (by content hash) and analysed only when the library
has no result for it; the judges' marks and the panel score come from the library.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from judgeapp.commands.common import add_backbone_options, analysis_options, terminal_progress

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
    parser.add_argument("input", metavar="VIDEO|ANALYSIS.json")
    parser.add_argument("--out", required=True, type=_output_path, metavar="FILE")
    parser.add_argument(
        "--video",
        metavar="PATH",
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
    from judgeapp.core.results import AnalysisResult
    from judgeapp.report import write_report
    from judgeapp.store import Library

    source = Path(args.input)
    library = None if args.no_library else Library.open(args.library)
    try:
        if source.suffix.lower() == ".json":
            result = AnalysisResult.load(source)
            video_path, check_hash = (args.video, True)
        else:
            result = _analysis_of_video(source, args, library)
            video_path, check_hash = (source, False)  # just hashed: it is the analysed file
        marks = library.marks_for(result.video.sha256) if library else []
        panel = library.get_panel_score(result.video.sha256) if library else None
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
    print(f"wrote {args.out}")
    return 0


def _analysis_of_video(video: Path, args: argparse.Namespace, library):
    """The library's newest result for this video's content, or a new analysis (then saved)."""
    from judgeapp.video import probe

    info = probe(video)
    if library is not None and args.model is None and not args.reanalyze:
        stored = library.latest_analysis(info.sha256)
        if stored is not None:
            return stored
    from judgeapp.analysis import analyze

    options = analysis_options(args, model=args.model)
    progress, close = terminal_progress(video.name)
    try:
        result = analyze(video, options, progress=progress)
    finally:
        close()
    if library is not None:
        library.save_analysis(result)
    return result

"""`judgeapp compare A B [--sync-a T] [--sync-b T] --out FILE.mp4|.pdf|.html`: two routines side
by side.

Each input is a video (its result taken from the library or analysed now, as `judgeapp report`
does) or an analysis JSON from `judgeapp score --json` (its video where the JSON says, or moved:
then give a video instead). .mp4: both videos side by side from the sync points, each side's
attention timeline under its frame (report.compare_video); .html: the comparison page, both
scores, where the attention differs and both timelines (report.compare_page); .pdf: the same
content on A4 with both timelines on the common time axis and the two frames at the sync points
(report.compare_pdf).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from judgeapp.commands.common import (
    add_backbone_options,
    add_result_source_options,
    analysis_of_video,
    say,
    terminal_progress,
)
from judgeapp.core.text_safety import terminal_text


def _output_path(text: str) -> Path:
    path = Path(text)
    from judgeapp.app.compare_export import COMPARE_FORMATS

    if path.suffix.lower() not in COMPARE_FORMATS:
        raise argparse.ArgumentTypeError(
            f"{text}: unknown comparison format; the file name must end in .mp4, .pdf or .html"
        )
    return path


def _seconds(text: str) -> float:
    """argparse type: a sync point in seconds (83.4) or as a clock time (1:23.4)."""
    try:
        parts = [float(p) for p in text.strip().split(":")]
        if not 1 <= len(parts) <= 3:
            raise ValueError
        value = 0.0
        for part in parts:
            value = value * 60 + part
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: not a time; give seconds (12.5) or minutes:seconds (0:12.5)"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a sync point is a time from 0 on")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="two routines side by side: a video or a comparison page",
        description=(
            "Compare two routines. A and B are videos (taken from the library, or analysed "
            "now) or analysis JSONs. Their sync points (a moment marked on both, e.g. the start "
            "pose) start the common time. --out's suffix picks the output: .mp4 (both videos "
            "side by side with their attention timelines), .pdf or .html (scores, differences, "
            "timelines; the PDF also the frames at the sync points)."
        ),
    )
    parser.add_argument("a", metavar="A")
    parser.add_argument("b", metavar="B")
    parser.add_argument("--sync-a", type=_seconds, default=0.0, metavar="T", help="default: 0")
    parser.add_argument("--sync-b", type=_seconds, default=0.0, metavar="T", help="default: 0")
    parser.add_argument("--out", required=True, type=_output_path, metavar="FILE")
    parser.add_argument(
        "--overlay",
        type=float,
        metavar="OPACITY",
        help=".mp4: the right half shows B blended over A at this opacity (0 to 1)",
    )
    parser.add_argument(
        "--overlay-shift",
        type=float,
        default=0.0,
        metavar="F",
        help="B's horizontal offset over A, a fraction of A's width",
    )
    parser.add_argument(
        "--overlay-scale",
        type=float,
        default=1.0,
        metavar="S",
        help="B's size over A (1: as tall as A)",
    )
    add_result_source_options(parser)
    add_backbone_options(parser)
    parser.set_defaults(func=run)


def _side(text: str, args: argparse.Namespace, library):
    """(the video file, its analysis) for one input."""
    from judgeapp.core.errors import JudgeappError
    from judgeapp.core.results import AnalysisResult

    source = Path(text)
    if source.suffix.lower() == ".json":
        result = AnalysisResult.load(source)
        video = Path(result.video.path)
        if not video.is_file():
            raise JudgeappError(f"{source}: its video {video} is not there; give the video instead")
        return video, result
    return source, analysis_of_video(source, args, library)


def _check_sync_points(args: argparse.Namespace) -> None:
    """A sync point outside its video is an error before anything is analysed."""
    from judgeapp.app.compare import Comparison, SideVideo
    from judgeapp.core.results import AnalysisResult
    from judgeapp.video import probe

    def side(text: str) -> SideVideo:
        path = Path(text)
        if path.suffix.lower() == ".json":
            return SideVideo.of(AnalysisResult.load(path).video)
        return SideVideo.of(probe(path, with_hash=False))

    Comparison(side(args.a), side(args.b), args.sync_a, args.sync_b)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from judgeapp.app.compare import OverlaySettings, comparison_of
    from judgeapp.app.compare_export import CompareInputs, write_comparison
    from judgeapp.app.library_service import LibraryService

    _check_sync_points(args)  # before any analysis: a wrong sync point fails at once
    overlay = None
    if args.overlay is not None:  # a bad setting fails at once too
        overlay = OverlaySettings(True, args.overlay, args.overlay_shift, args.overlay_scale)
    library = None if args.no_library else LibraryService.open(args.library)
    try:
        video_a, result_a = _side(args.a, args, library)
        video_b, result_b = _side(args.b, args, library)
    finally:
        if library is not None:
            library.close()
    comparison = comparison_of(result_a, result_b, args.sync_a, args.sync_b)
    if overlay is not None:
        comparison = replace(comparison, overlay=overlay)
    inputs = CompareInputs(comparison, video_a, result_a, video_b, result_b)
    progress, close = terminal_progress(args.out.name)
    try:
        write_comparison(args.out, inputs, progress=progress)
    finally:
        close()
    say(f"wrote {terminal_text(args.out)}")
    return 0

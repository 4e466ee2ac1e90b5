"""Pieces several subcommands share: device/profile options, where a video's result comes from
(library or a new analysis), argument types, terminal progress, video lists."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from judgeapp.core.finders import DETECTOR_KINDS
from judgeapp.core.text_safety import terminal_lines, terminal_text


def add_device_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device", choices=["auto", "cpu", "cuda"], default="auto", help="default: auto"
    )


def profile_name(text: str) -> str:
    """argparse type: a known feature profile, else a usage error (exit 2) before anything runs.
    The names come from features.recipes, which imports no PyTorch."""
    from judgeapp.features.recipes import RECIPE_VERSIONS

    if text not in RECIPE_VERSIONS:
        raise argparse.ArgumentTypeError(
            f"unknown feature profile {text!r}: choose one of {', '.join(RECIPE_VERSIONS)}"
        )
    return text


def add_backbone_options(parser: argparse.ArgumentParser) -> None:
    """--pretrained, --profile, --device, --engine, --precision, --detector, --download,
    --no-cache."""
    parser.add_argument(
        "--pretrained",
        choices=["default", "none"],
        default="default",
        help="none: random backbone weights (offline testing; results not calibrated)",
    )
    parser.add_argument(
        "--profile",
        default=None,
        type=profile_name,
        help="feature profile (torchvision, paper, vst)",
    )
    add_device_option(parser)
    parser.add_argument(
        "--engine",
        choices=["auto", "torch", "openvino"],  # features.engines.ENGINES, without torch
        default="auto",
        help="how the backbones run; auto: PyTorch on a CUDA GPU, else OpenVINO where it is "
        "installed, else PyTorch (default: auto)",
    )
    parser.add_argument(
        "--precision",
        choices=["fp32", "fp16", "bf16"],
        default=None,
        help="backbone arithmetic; default: fp16 on a CUDA GPU, fp32 on a CPU; bf16: OpenVINO "
        "on CPUs with native bf16 (faster, about 0.5%% off)",
    )
    parser.add_argument(
        "--detector",
        choices=DETECTOR_KINDS,
        default="auto",
        help="person finder; auto: the pose model, else YOLO, else HOG (the best installed); "
        "none: whole frames, no detection (ablation)",
    )
    parser.add_argument(
        "--athlete",
        choices=["track", "largest"],
        default="track",
        help="track: one person followed through the video (judges, coaches and passers-by "
        "are not taken for the athlete); largest: the paper's rule, the largest person in "
        "each frame",
    )
    parser.add_argument(
        "--download", action="store_true", help="download missing pretrained weights"
    )
    parser.add_argument("--no-cache", action="store_true", help="ignore the feature cache")


def analysis_options(args: argparse.Namespace, model: str | None = None):
    """AnalysisOptions from the options `add_backbone_options` added (`model`: the head)."""
    request = request_of(args, model=model or "")
    return request.options(allow_download=args.download, use_cache=not args.no_cache)


def add_result_source_options(parser: argparse.ArgumentParser, no_library_note: str = "") -> None:
    """--model, --reanalyze, --library, --no-library: where a command that needs a video's
    result takes it from (`analysis_of_video`). no_library_note: what else --no-library
    leaves out, in the help."""
    parser.add_argument(
        "--model",
        default=None,
        help="analyse with this head checkpoint, or 'random' (default: the library's result, "
        "else the installed head)",
    )
    parser.add_argument(
        "--reanalyze",
        action="store_true",
        help="analyse the video even if the library has its result",
    )
    parser.add_argument("--library", metavar="PATH", help="library file (default: data folder)")
    parser.add_argument(
        "--no-library",
        action="store_true",
        help=f"neither read nor write the library{no_library_note}",
    )


def request_of(args: argparse.Namespace, model: str | None = None):
    """The AnalysisRequest the options of `add_backbone_options` and
    `add_result_source_options` ask for (what a stored result must match); `model` in place
    of `--model` (for commands without it)."""
    from judgeapp.app.requests import AnalysisRequest

    return AnalysisRequest(
        device=args.device,
        model=(args.model if model is None else model) or "",
        profile=args.profile or "",
        pretrained=args.pretrained != "none",
        detector=args.detector,
        engine=args.engine,
        precision=args.precision or "",
        athlete=getattr(args, "athlete", "track"),
    )


def analysis_of_video(video: Path, args: argparse.Namespace, library):
    """The library's result for this video and these options (`add_result_source_options`),
    or a new analysis, saved; without a library (None), a new analysis. A line on stderr says
    when the library's result was outdated or the new one could not be saved."""
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


def expand_videos(paths: list[str]) -> list[Path]:
    """Video files named on the command line; a folder stands for the videos inside it."""
    from judgeapp.video.files import videos_in

    videos: list[Path] = []
    for raw in paths:
        path = Path(raw)
        videos.extend(videos_in(path) if path.is_dir() else [path])
    return videos


def terminal_progress(label: str) -> tuple[Callable, Callable[[], None]]:
    """A progress callback drawing a bar on stderr when it is a terminal, and its closer."""
    if not sys.stderr.isatty():
        return (lambda _p: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=1, desc=terminal_text(label), unit="unit", leave=False, file=sys.stderr)

    def update(p) -> None:
        if p.total and bar.total != p.total:
            bar.total = p.total
        bar.set_postfix_str(p.stage)
        bar.n = p.done
        bar.refresh()

    return update, bar.close


def say(text: Any = "", file: TextIO | None = None, end: str = "\n", flush: bool = False) -> None:
    """print() for what a command tells a person: text from files and users (video names,
    model cards, paths, error messages) can hold control characters a terminal would obey,
    so every one but the line breaks is shown as an escape (core.text_safety)."""
    print(terminal_lines(text), file=sys.stdout if file is None else file, end=end, flush=flush)


def positive_int(text: str) -> int:
    """argparse type: a whole number of 1 or more, else a usage error (exit 2) naming the
    option: "argument --seeds: expected a whole number of 1 or more, got 'abc'"."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


def nonempty(kind: str) -> Callable[[str], str]:
    """argparse type: a path that is not the empty string ('' would stand for the current
    folder, or be taken for "not given"), else a usage error (exit 2)."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"an empty {kind} was given")
        return text

    return parse


def check_output_file(path: str | Path, option: str) -> None:
    """Refuse, before any analysis, an output file (--json, --csv) that cannot be written: a
    folder, a path under a file, a folder without write permission, a read-only file. One
    line naming the path (exit 1), as train's --out check does. `-` (stdout) and devices
    (/dev/stdout, a FIFO) pass."""
    import os
    import stat

    from judgeapp.core.errors import JudgeappError

    if str(path) == "-":
        return
    out = Path(path)
    shown = terminal_text(out)
    try:
        kind = os.stat(out).st_mode
    except OSError:
        kind = None
    if kind is not None and stat.S_ISDIR(kind):
        raise JudgeappError(f"{shown}: is a folder; {option} names the file to write")
    if kind is not None and not stat.S_ISREG(kind):
        return  # a device or a pipe: written straight into
    if kind is not None and not os.access(out, os.W_OK):
        raise JudgeappError(f"{shown}: cannot write (the file is read-only)")
    nearest = next((p for p in (out.parent, *out.parent.parents) if p.exists()), None)
    if nearest is not None and not nearest.is_dir():
        raise JudgeappError(
            f"{shown}: cannot write ({terminal_text(nearest)} is a file, not a folder)"
        )
    if nearest is not None and not os.access(nearest, os.W_OK | os.X_OK):
        raise JudgeappError(f"{shown}: cannot write (no permission in {terminal_text(nearest)})")


class RowsFile:
    """An output file kept whole at every moment while rows come in: after each row the file
    is rewritten atomically from everything so far (`render(rows)`), so an error, Ctrl-C or a
    kill between videos keeps every finished row. A device or pipe (/dev/stdout) cannot be
    rewritten: it gets the text once, at `finish()`."""

    def __init__(self, path: str | Path, render: Callable[[list], str]) -> None:
        import os
        import stat

        self.path = Path(path)
        self.render = render
        self.rows: list = []
        try:
            self.special = not stat.S_ISREG(os.stat(self.path).st_mode)
        except OSError:
            self.special = False  # a new file

    def add(self, row: Any) -> None:
        self.rows.append(row)
        if not self.special:
            self._write()

    def finish(self) -> None:
        if self.special or not self.rows:
            self._write()

    def _write(self) -> None:
        from judgeapp.core.files import write_text_atomic

        write_text_atomic(self.path, self.render(self.rows))

"""`judgeapp score VIDEO...`: score videos (or folders of them) from the command line."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from judgeapp.commands.common import (
    RowsFile,
    add_backbone_options,
    analysis_options,
    check_output_file,
    expand_videos,
    nonempty,
    terminal_progress,
)
from judgeapp.core.text_safety import csv_row, terminal_text

CSV_COLUMNS = [
    "video",
    "sha256",
    "score",
    "score_max",
    "routine",
    "target",
    "profile",
    "calibrated",
    "segments",
    "static_frames",
    "duration_s",
    "error",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score videos and write the attention as JSON/CSV",
        description="Score one or more videos (a folder stands for the videos in it).",
    )
    parser.add_argument("videos", nargs="+", metavar="VIDEO", type=nonempty("video path"))
    parser.add_argument(
        "--model",
        default=None,
        type=nonempty("--model path"),
        help="head checkpoint (.safetensors), or 'random' (untrained)",
    )
    add_backbone_options(parser)
    parser.add_argument(
        "--json",
        metavar="PATH|-",
        type=nonempty("--json path"),
        help="write the analysis JSON here (rewritten after each video, so it always holds "
        "the videos finished so far)",
    )
    parser.add_argument(
        "--csv",
        metavar="PATH",
        type=nonempty("--csv path"),
        help="write one row per video here (rewritten after each video)",
    )
    parser.set_defaults(func=run)


def _csv_row(video: str, result=None, error: str = "") -> dict:
    if result is None:
        return {**dict.fromkeys(CSV_COLUMNS, ""), "video": video, "error": error}
    return {
        "video": video,
        "sha256": result.video.sha256,
        "score": f"{result.score:.4f}",
        "score_max": result.model.score_max,
        "routine": result.model.routine,
        "target": result.model.target,
        "profile": result.model.profile,
        "calibrated": str(result.model.calibrated).lower(),
        "segments": len(result.dynamic),
        "static_frames": len(result.static),
        "duration_s": f"{result.video.duration_s:.3f}",
        "error": "",
    }


def _json_text(docs: list[dict], one: bool) -> str:
    """The --json file: one video's result, or the array of every finished video's."""
    return json.dumps(docs[0] if one else docs, indent=2) + "\n"


def _csv_text(rows: list[dict]) -> str:
    """The --csv table: the header and a row per video so far, every text cell escaped."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()


def _check_head(path: str) -> None:
    """A head that cannot score (unknown profile, other feature sizes) fails here, naming
    the file, instead of after the whole video was decoded."""
    from judgeapp.model import read_model_card
    from judgeapp.weights.heads import check_head_usable

    check_head_usable(read_model_card(path), path)


# Why a score is not calibrated, in a few words (the result's reason codes,
# judgeapp.core.results); a code without words here is said with the result's own text.
UNCALIBRATED_WORDS = {
    "random-backbones": "random video networks",
    "untrained-head": "untrained scoring model",
    "recipe-mismatch": "scoring model trained for an older judgeapp",
    "head-on-random-features": "scoring model trained on random networks",
}


def _summarise(video, result, out) -> None:
    """The readable line of one video (and one per target of a model set)."""
    note = "" if result.model.calibrated else " (not calibrated)"
    shown = terminal_text(video)  # a file name can hold escape sequences
    print(f"{shown}: {result.score:.2f} / {result.model.score_max:g}{note}", file=out)
    for target, entry in result.scores.items():
        measured = (
            "" if entry.coverage is None else f", coverage {entry.coverage:.2f} on validation"
        )
        print(
            f"  {target}: {entry.value:.2f} [{entry.low:.2f}, {entry.high:.2f}] / "
            f"{entry.score_max:g} ({len(entry.members)} members{measured})",
            file=out,
        )


def _uncalibrated_note(results: list) -> str | None:
    """One line, once, saying what "not calibrated" means and why (None when all are)."""
    why: list[str] = []
    uncalibrated = [r for r in results if not r.model.calibrated]
    for result in uncalibrated:
        reasons = result.model.uncalibrated
        words = [UNCALIBRATED_WORDS.get(r.code, r.text) for r in reasons] or ["reason not kept"]
        why += [w for w in words if w not in why]
    if not uncalibrated:
        return None
    return f"not calibrated: a demo score ({', '.join(why)}), not a judgement of the routine"


def run(args: argparse.Namespace) -> int:
    from judgeapp.analysis import analyze
    from judgeapp.analysis.backbone_pool import BackbonePool, engine_choice
    from judgeapp.core.errors import Cancelled, JudgeappError

    # Every output is checked before the first video is decoded, not after the last.
    if args.json:
        check_output_file(args.json, "--json")
    if args.csv:
        check_output_file(args.csv, "--csv")
    videos = expand_videos(args.videos)
    if not videos:
        raise JudgeappError(f"{' '.join(args.videos)}: no video files found")
    if args.model not in (None, "random"):
        _check_head(args.model)  # before any video is decoded
    options = analysis_options(args, model=args.model)
    from judgeapp.analysis.analyze import slow_device_note

    if options.profile and (note := slow_device_note(options.profile, options.device)):
        print(f"note: {note}", file=sys.stderr)
    engine_choice(options)  # an engine this machine lacks fails before the first video
    # The readable lines go to stdout, or to stderr when stdout carries the JSON (--json -),
    # so that `judgeapp score V --json - | jq` still reads JSON alone and a person sees both.
    out = sys.stderr if args.json == "-" else sys.stdout
    results, failures = [], 0
    one = len(videos) == 1
    json_file = (
        RowsFile(args.json, lambda docs: _json_text(docs, one))
        if args.json and args.json != "-"
        else None
    )
    csv_file = RowsFile(args.csv, _csv_text) if args.csv else None
    pool = BackbonePool()  # the networks, built for the first video and kept for the others
    for video in videos:
        progress, close = terminal_progress(video.name)
        try:
            result = analyze(video, options, progress=progress, pool=pool)
        except Cancelled:
            raise
        except JudgeappError as exc:
            if one:
                raise
            failures += 1
            print(f"error: {terminal_text(exc)}", file=sys.stderr)
            if csv_file:
                csv_file.add(_csv_row(str(video), error=str(exc)))
            continue
        finally:
            close()
        results.append(result)
        # Each finished video is in the files at once: an error or Ctrl-C later loses nothing.
        if json_file:
            json_file.add(result.to_dict())
        if csv_file:
            csv_file.add(_csv_row(str(video), result))
        _summarise(video, result, out)

    if note := _uncalibrated_note(results):
        print(note, file=out)
    if args.json == "-":
        sys.stdout.write(_json_text([r.to_dict() for r in results], one))
    elif json_file:
        json_file.finish()
        noun = "result" if len(results) == 1 else f"{len(results)} results"
        print(f"{noun} written to {terminal_text(args.json)}", file=out)
    if csv_file:
        csv_file.finish()
        print(f"table written to {terminal_text(args.csv)} (one row per video)", file=out)
    if failures:
        print(f"error: {failures} of {len(videos)} videos failed", file=sys.stderr)
        return 1
    return 0

"""`judgeapp score VIDEO...`: score videos (or folders of them) from the command line."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from judgeapp.commands.common import (
    add_backbone_options,
    analysis_options,
    expand_videos,
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
    parser.add_argument("videos", nargs="+", metavar="VIDEO")
    parser.add_argument(
        "--model", default=None, help="head checkpoint (.safetensors), or 'random' (untrained)"
    )
    add_backbone_options(parser)
    parser.add_argument("--json", metavar="PATH|-", help="write the analysis JSON here")
    parser.add_argument("--csv", metavar="PATH", help="write one row per video here")
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
    from judgeapp.core.files import write_text_atomic

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
    results, rows, failures = [], [], 0
    pool = BackbonePool()  # the networks, built for the first video and kept for the others
    for video in videos:
        progress, close = terminal_progress(video.name)
        try:
            result = analyze(video, options, progress=progress, pool=pool)
        except Cancelled:
            raise
        except JudgeappError as exc:
            if len(videos) == 1:
                raise
            failures += 1
            print(f"error: {terminal_text(exc)}", file=sys.stderr)
            rows.append(_csv_row(str(video), error=str(exc)))
            continue
        finally:
            close()
        results.append(result)
        rows.append(_csv_row(str(video), result))
        _summarise(video, result, out)

    if note := _uncalibrated_note(results):
        print(note, file=out)
    if args.json:
        docs = [r.to_dict() for r in results]
        text = json.dumps(docs[0] if len(videos) == 1 else docs, indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            write_text_atomic(args.json, text)
            noun = "result" if len(docs) == 1 else f"{len(docs)} results"
            print(f"{noun} written to {terminal_text(args.json)}", file=out)
    if args.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(row) for row in rows)
        write_text_atomic(args.csv, buffer.getvalue())
        print(f"table written to {terminal_text(args.csv)} (one row per video)", file=out)
    if failures:
        print(f"error: {failures} of {len(videos)} videos failed", file=sys.stderr)
        return 1
    return 0

"""`judgeapp extract VIDEO_DIR --out FEATURE_DIR`: a feature set in the authors' layout.

Writes `dynamic_feat/NAME.npy`, `static_feat/NAME.npy` and `manifest.json` (profile, sampling,
package versions, per-video counts, times and boxes). Resumable: a rerun skips finished videos.
A video that fails is reported and skipped; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import sys

from judgeapp.commands.common import add_backbone_options, analysis_options, expand_videos


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract the features of a folder of videos (authors' layout, resumable)",
        description="Extract both streams' features of every video into FEATURE_DIR.",
    )
    parser.add_argument(
        "videos", nargs="+", metavar="VIDEO_DIR", help="folder of videos (or video files)"
    )
    parser.add_argument("--out", required=True, metavar="FEATURE_DIR")
    add_backbone_options(parser)
    parser.set_defaults(func=run)


class VideoBar:
    """A tqdm bar over videos on stderr (ETA from finished videos), with the current stage."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total, unit="video", file=sys.stderr, dynamic_ncols=True, mininterval=0.5
        )
        self.name = ""

    def on_video(self, name: str, state: str) -> None:
        if state == "start":
            self.name = name
            self.bar.set_postfix_str(name)
        elif state == "failed":
            self.bar.write(f"error: {name}: failed (see the summary below)", file=sys.stderr)
            self.bar.update(1)
        else:
            self.bar.update(1)

    def on_progress(self, progress) -> None:
        if progress.total:
            self.bar.set_postfix_str(
                f"{self.name} {progress.stage} {100 * progress.fraction:.0f}%", refresh=False
            )

    def close(self) -> None:
        self.bar.close()


def run(args: argparse.Namespace) -> int:
    from judgeapp.analysis.backbone_pool import engine_choice
    from judgeapp.core.errors import JudgeappError
    from judgeapp.training.extract_set import extract_feature_set

    videos = expand_videos(args.videos)
    if not videos:
        raise JudgeappError(f"{' '.join(args.videos)}: no video files found")
    options = analysis_options(args)
    engine_choice(options)  # an engine this machine lacks fails before the first video
    bar = VideoBar(len(videos))
    try:
        summary = extract_feature_set(
            videos, args.out, options, on_video=bar.on_video, progress=bar.on_progress
        )
    finally:
        bar.close()
    print(
        f"{args.out}: {len(summary.extracted)} extracted, {len(summary.skipped)} already done, "
        f"{len(summary.failed)} failed"
    )
    for message in summary.failed.values():
        print(f"error: {message}", file=sys.stderr)
    if summary.failed:
        print(
            f"error: {len(summary.failed)} of {len(videos)} videos failed; run again to retry them",
            file=sys.stderr,
        )
        return 1
    return 0

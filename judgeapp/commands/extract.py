"""`judgeapp extract VIDEO_DIR --out FEATURE_DIR`: a feature set in the authors' layout.

Writes `dynamic_feat/NAME.npy`, `static_feat/NAME.npy` and `manifest.json` (profile, sampling,
package versions, per-video counts, times and boxes). Resumable: a rerun skips finished videos.
A video that fails is reported and skipped; the exit status is 1 if any failed.
`--ray [ADDRESS]` spreads the videos over a Ray cluster (docs/cluster.md), same output.
"""

from __future__ import annotations

import argparse
import sys

from judgeapp.commands.common import (
    add_backbone_options,
    analysis_options,
    expand_videos,
    positive_int,
    say,
)
from judgeapp.core.text_safety import terminal_text


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
    parser.add_argument(
        "--ray",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="spread the videos over a Ray cluster: ADDRESS of a running one (HOST:PORT, "
        "ray://HOST:PORT, auto), or local / no value for one on this machine; "
        "needs judgeapp[cluster]",
    )
    parser.add_argument(
        "--cpus-per-worker",
        type=positive_int,
        default=1,
        metavar="N",
        help="with --ray: CPUs (torch threads) per worker (default 1)",
    )
    parser.add_argument(
        "--gpus-per-worker",
        type=_gpu_share,
        default=1.0,
        metavar="F",
        help="with --ray on GPUs: share of a GPU per worker, 0.5 for two per GPU (default 1)",
    )
    parser.set_defaults(func=run)


def _gpu_share(text: str) -> float:
    """argparse type: a share of one GPU, more than 0 and at most 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{value}: give more than 0, at most 1")
    return value


def _stderr_is_terminal() -> bool:
    """Bars are drawn only on a terminal: redrawn in a log file or a pipe they are a line of
    carriage returns per update. The error lines are written either way (tqdm.write)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class VideoBar:
    """A tqdm bar over videos on stderr (ETA from finished videos), with the current stage."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total,
            unit="video",
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=0.5,
            disable=not _stderr_is_terminal(),  # a log file gets the error lines, no bars
        )
        self.name = ""

    def on_video(self, name: str, state: str) -> None:
        name = terminal_text(name)  # a video's name, from the disk: shown, never obeyed
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


class ClusterBar:
    """A tqdm bar over the whole cluster job: ETA, videos per minute overall and per worker.

    Videos already done are counted in from the start (tqdm's `initial`), so the rate and the
    ETA are those of this run's work.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.skipped = 0
        self.bar = None

    def _open(self):
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total,
                initial=self.skipped,
                unit="video",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
                disable=not _stderr_is_terminal(),
            )
        return self.bar

    def on_video(self, name: str, state: str) -> None:
        name = terminal_text(name)  # a video's name, from the disk: shown, never obeyed
        if state == "skipped":
            self.skipped += 1
        elif state == "failed":
            self._open().write(f"error: {name}: failed (see the summary below)", file=sys.stderr)
            self._open().update(1)
        elif state == "retry":
            self._open().write(f"{name}: its worker died; trying it again", file=sys.stderr)
        elif state == "done":
            self._open().update(1)

    def on_progress(self, progress) -> None:
        workers = len(progress.workers)
        busy = sum(1 for w in progress.workers if w.video)
        devices = sorted({w.info.device for w in progress.workers if w.info})
        text = (
            f"{workers} workers ({'/'.join(devices) or 'starting'}, {busy} busy), "
            f"{progress.videos_per_min:.1f} videos/min, "
            f"{progress.videos_per_min_per_worker:.2f}/min per worker"
        )
        if progress.retried:
            text += f", {progress.retried} retried"
        self._open().set_postfix_str(text, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(args: argparse.Namespace) -> int:
    from judgeapp.analysis.backbone_pool import engine_choice
    from judgeapp.core.errors import JudgeappError

    videos = expand_videos(args.videos)
    if not videos:
        raise JudgeappError(f"{' '.join(args.videos)}: no video files found")
    options = analysis_options(args)
    engine_choice(options)  # an engine this machine lacks fails before the first video
    if args.ray is not None:
        summary = _run_on_cluster(args, videos, options)
    else:
        summary = _run_serial(args, videos, options)
    say(
        f"{terminal_text(args.out)}: {len(summary.extracted)} extracted, "
        f"{len(summary.skipped)} already done, {len(summary.failed)} failed"
    )
    for message in summary.failed.values():
        say(f"error: {terminal_text(message)}", file=sys.stderr)
    if summary.failed:
        print(
            f"error: {len(summary.failed)} of {len(videos)} videos failed; run again to retry them",
            file=sys.stderr,
        )
        return 1
    return 0


def _run_serial(args: argparse.Namespace, videos, options):
    from judgeapp.analysis.set_extraction import extract_feature_set

    bar = VideoBar(len(videos))
    try:
        return extract_feature_set(
            videos, args.out, options, on_video=bar.on_video, progress=bar.on_progress
        )
    finally:
        bar.close()


def _run_on_cluster(args: argparse.Namespace, videos, options):
    from judgeapp.analysis.cluster_extraction import extract_on_cluster, import_ray

    import_ray()  # the one-line hint before anything else happens
    bar = ClusterBar(len(videos))
    try:
        summary = extract_on_cluster(
            videos,
            args.out,
            options,
            address=args.ray,
            cpus_per_worker=args.cpus_per_worker,
            gpus_per_worker=args.gpus_per_worker,
            on_video=bar.on_video,
            on_progress=bar.on_progress,
        )
    finally:
        bar.close()
    if summary.workers:
        nodes = len({w.node for w in summary.workers})
        print(f"Ray: {len(summary.workers)} worker(s) on {nodes} machine(s)")
    return summary

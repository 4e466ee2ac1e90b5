"""Serial `judgeapp extract` against `extract --ray local`, side by side, on the same videos.

    python benchmarks/cluster_extract.py [VIDEO...] [--copies K] [--rounds R] [--cpus-per-worker N]
                                         [--no-manifest]

Each round runs both commands back to back as a user would (a fresh process, a fresh output
folder, random backbone weights, HOG, no feature cache), alternating which goes first so that a
change in the machine's load hits both. `--copies K` links each video K times under other
names, for an archive of many similar routines. Prints the wall-clock time of each command,
videos per minute, the mean time per video inside the workers (the manifest's `seconds`), the
ratio serial / Ray, and what the driver's manifest costs for archives of 1,000 and 50,000
routines of 95 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from judgeapp.analysis.set_extraction import manifest_json, video_entry
from judgeapp.core.files import write_text_atomic
from judgeapp.features.video_features import VideoFeatures

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
OPTIONS = ["--pretrained", "none", "--device", "cpu", "--detector", "hog", "--no-cache"]


def link_videos(videos: list[Path], copies: int, folder: Path) -> int:
    folder.mkdir()
    for video in videos:
        for i in range(copies):
            suffix = f"_c{i}" if copies > 1 else ""
            (folder / f"{video.stem}{suffix}{video.suffix}").symlink_to(video.resolve())
    return len(videos) * copies


def run_extract(folder: Path, out: Path, extra: list[str]) -> tuple[float, list[float]]:
    """Wall-clock seconds of one `judgeapp extract` and the per-video seconds it recorded."""
    command = [sys.executable, "-m", "judgeapp", "extract", str(folder), "--out", str(out)]
    started = time.perf_counter()
    subprocess.run([*command, *OPTIONS, *extra], check=True, capture_output=True)
    wall_s = time.perf_counter() - started
    manifest = json.loads((out / "manifest.json").read_text())
    return wall_s, [entry["seconds"] for entry in manifest["videos"].values()]


def manifest_save_s(videos: int) -> float:
    """Seconds to write a manifest of `videos` entries shaped like a 95 s routine's."""
    segments, frames = 29, 95  # 95 s at 5 fps / 16, and one frame a second
    features = VideoFeatures(
        profile="torchvision",
        dynamic=np.zeros((segments, 1024), np.float32),
        segment_start_s=np.arange(segments) * 3.2,
        segment_end_s=np.arange(segments) * 3.2 + 3.2,
        static=np.zeros((frames, 2048), np.float32),
        static_time_s=np.arange(frames, dtype=float),
        static_frame=np.arange(frames) * 25,
        static_box=np.tile([123.45, 67.89, 456.78, 701.23], (frames, 1)),
        detector="hog",
    )
    entry = video_entry(Path("routine.mp4"), "0" * 64, features, 12.34)
    manifest = {"videos": {f"v{i:05d}": entry for i in range(videos)}}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_text_atomic(Path(tmp) / "manifest.json", manifest_json(manifest))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", type=Path)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--cpus-per-worker", type=int, default=1)
    parser.add_argument("--no-manifest", action="store_true", help="skip the manifest figures")
    args = parser.parse_args()
    videos = args.videos or sorted(MEDIA.glob("*.mp4"))
    ray_options = ["--ray", "local", "--cpus-per-worker", str(args.cpus_per_worker)]
    print(f"{os.cpu_count()} CPUs, load average before {os.getloadavg()[0]:.1f}")
    results: dict[str, list[tuple[float, list[float]]]] = {"serial": [], "ray local": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "videos"
        count = link_videos(videos, args.copies, folder)
        print(f"{count} videos: {', '.join(v.name for v in videos)} x {args.copies}")
        for round_ in range(args.rounds):
            order = ["serial", "ray local"] if round_ % 2 == 0 else ["ray local", "serial"]
            for mode in order:
                out = Path(tmp) / f"{mode.replace(' ', '_')}_{round_}"
                result = run_extract(folder, out, ray_options if mode != "serial" else [])
                results[mode].append(result)
                print(f"round {round_ + 1} {mode:9s} {result[0]:7.1f} s", flush=True)
    print("\n| command | wall clock | videos/min | mean s per video in its worker |")
    print("|---|---|---|---|")
    for mode, runs in results.items():
        wall = float(np.mean([w for w, _ in runs]))
        per_video = float(np.mean([s for _, seconds in runs for s in seconds]))
        print(f"| {mode} | {wall:.1f} s | {60 * count / wall:.2f} | {per_video:.1f} s |")
    pairs = [s[0] / r[0] for s, r in zip(results["serial"], results["ray local"], strict=True)]
    print(f"serial / ray local wall clock, per round: {', '.join(f'{p:.2f}' for p in pairs)}")
    print(f"load average after {os.getloadavg()[0]:.1f}")
    for n in () if args.no_manifest else (1000, 50000):
        print(f"manifest of {n} routines: one save {manifest_save_s(n):.2f} s")


if __name__ == "__main__":
    main()

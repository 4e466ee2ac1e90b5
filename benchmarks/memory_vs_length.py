"""Peak memory of the extraction pipeline against video length: does it stay flat?

    python benchmarks/memory_vs_length.py [--minutes 1 10 30 120] [--source DIR] [--json PATH]

Each length is a looped clip: one minute of `room_people_139s.mp4` at 640x360 written as
MPEG-TS with PyAV, joined byte for byte N times (judgeapp reads joined recordings to the end).
Each run is a fresh child process that decodes the whole video once through
`extract_video_features` with stand-in networks (a feature is the mean and maximum of each
colour channel: the real networks' weights are a constant the length does not change) and a
finder that sees nobody, the case in which the whole 1 fps frames become the static stream.
Printed per length: the child's peak resident memory (ru_maxrss) and its wall time.

`--source DIR` imports judgeapp from another checkout (for example a `git worktree` of an
older commit) to compare before and after on the same machine and videos.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLIP = HERE.parent.parent / "shared" / "media" / "room_people_139s.mp4"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from judgeapp.analysis.extraction import extract_video_features
from judgeapp.video import probe

class Stats:
    engine, precision = "stub", "fp32"
    def prepare_frame(self, image):
        import cv2
        return cv2.resize(image, (224, 224), interpolation=cv2.INTER_AREA)
    prepare_crop = prepare_frame
    def embed(self, batch):
        axes = tuple(range(1, batch.ndim - 1))
        return np.concatenate([batch.mean(axis=axes), batch.max(axis=axes)], 1).astype(np.float32)

class Nobody:
    name, weak = "stub", False
    def detect(self, frames):
        return [[] for _ in frames]

path = sys.argv[2]
start = time.perf_counter()
info = probe(path, with_hash=False)
features = extract_video_features(path, info, "torchvision", Stats(), Stats(), Nobody())
print(json.dumps({
    "duration_s": info.duration_s,
    "static_rows": len(features.static),
    "wall_s": round(time.perf_counter() - start, 1),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def one_minute_ts(out: Path) -> Path:
    """The clip's first minute at 640x360 as MPEG-TS (10 fps, as the clip is)."""
    import av
    import cv2

    cap = cv2.VideoCapture(str(CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS)
    with av.open(str(out), "w", format="mpegts") as container:
        stream = container.add_stream("libx264", rate=round(fps))
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        for i in range(round(60 * fps)):
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(cv2.resize(bgr, (640, 360)), cv2.COLOR_BGR2RGB)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = round(i * 1000 / fps), Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    cap.release()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, nargs="+", default=[1, 10, 30, 120])
    parser.add_argument("--source", type=Path, default=HERE.parent, help="judgeapp checkout")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        minute = one_minute_ts(Path(tmp) / "minute.ts").read_bytes()
        for minutes in args.minutes:
            video = Path(tmp) / f"looped_{minutes}min.ts"
            with open(video, "wb") as out:
                for _ in range(minutes):
                    out.write(minute)
            run = subprocess.run(
                [sys.executable, "-c", CHILD, str(args.source.resolve()), str(video)],
                capture_output=True,
                text=True,
                check=True,
            )
            row = {"minutes": minutes, **json.loads(run.stdout.strip().splitlines()[-1])}
            rows.append(row)
            print(
                f"{minutes:4d} min  peak {row['peak_rss_mb']:7.1f} MB  "
                f"{row['static_rows']:5d} static rows  {row['wall_s']:6.1f} s",
                flush=True,
            )
            video.unlink()
    if args.json:
        args.json.write_text(json.dumps({"source": str(args.source), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()

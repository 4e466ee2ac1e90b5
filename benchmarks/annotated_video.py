"""The annotated video's size and writing time, per clip: what `judgeapp report --out X.mp4`
writes (docs/review.md records the figures, old writer against new).

    nice python benchmarks/annotated_video.py [VIDEO ...] [--json PATH]

VIDEO defaults to ../shared/media/juggle_720p24.mp4 (no sound) and
skater_axel_spiral_1080p30.mp4 (AAC sound). The result drawn is a constructed one (the test
helpers' make_result: smooth random weights, a box in the middle), so no analysis runs; the time
is decoding, drawing and encoding. The file is read back with PyAV for its codecs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import av

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
DEFAULT = [MEDIA / "juggle_720p24.mp4", MEDIA / "skater_axel_spiral_1080p30.mp4"]


def measure(video: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from report_helpers import make_result

    from judgeapp.report import write_annotated_video
    from judgeapp.video import probe

    info = probe(video)
    result = make_result(info, seed=1)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "annotated.mp4"
        start = time.perf_counter()
        frames = write_annotated_video(result, video, out)
        seconds = time.perf_counter() - start
        with av.open(str(out)) as written:
            codecs = [s.codec_context.name for s in written.streams]
        size = out.stat().st_size
    return {
        "video": video.name,
        "duration_s": round(info.duration_s, 2),
        "frames": frames,
        "seconds": round(seconds, 1),
        "megabytes": round(size / 1e6, 2),
        "codecs": codecs,
        "source_megabytes": round(video.stat().st_size / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for video in args.videos:
        row = measure(video)
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

"""The athlete finders side by side on real clips: OpenCV HOG against BlazePose (pose model).

    python benchmarks/pose.py [--media DIR] [--models DIR] [--sheets DIR] [--every-frame DIR]
        [--scores] [--threads N] [--json PATH] [CLIP ...]

On the one-second frames of each clip (the frames the static stream detects people in, at full
resolution, as the analysis gives them to `detect`), both finders run on the same frames, one
frame at a time. Printed per clip: frames, frames with a person found, frames with more than one
box, and milliseconds per frame for each finder (median and mean; the pose model's rotated
retries included), plus, with `--verbose`, every frame's boxes.

`--sheets DIR` writes one small contact sheet per clip, `pose-<clip>.png` (about 1200 px wide,
at most 8 frames spread over the clip): HOG's boxes in orange, the pose model's boxes and
skeletons in green with their score (and the rotation that found them). `--every-frame DIR`
writes every one-second frame of every clip, larger, for judging by eye frame by frame.

`--scores` also runs the pose model's passes at every rotation with a low threshold (0.1) and
prints each candidate's score, rotation and box, so that true and false detections judged on
the pictures give the score distribution the thresholds are set from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from judgeapp.detect.hog import HogDetector
from judgeapp.detect.pose import INFERENCE_THREADS, ROTATIONS_DEG, BlazePose
from judgeapp.video import iter_samples, plan_sampling, probe

CLIPS = (
    "room_people_139s.mp4",
    "squats_portrait_5fps.mp4",
    "juggle_720p24.mp4",
    "backflip_two_people_30fps.mp4",
    "skater_axel_spiral_1080p30.mp4",
)
HOG_COLOUR = (255, 140, 0)  # RGB
POSE_COLOUR = (40, 220, 40)
# BlazePose's 33 landmarks: the bones drawn for a skeleton.
BONES = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32),
    (28, 32), (0, 11), (0, 12),
)  # fmt: skip
SHEET_WIDTH_PX = 1200
SHEET_FRAMES = 8
SCORES_MIN = 0.1  # `--scores`: candidates kept down to this score


def one_second_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    """The static stream's frames (time, RGB), as the analysis samples them."""
    info = probe(path, with_hash=False)
    plan = plan_sampling(info.duration_s)
    return [
        (s.target_s, s.frame.image) for s in iter_samples(path, info, plan) if s.stream == "static"
    ]


def draw(image: np.ndarray, hog_boxes, people, scale: float = 1.0) -> np.ndarray:
    """A copy of `image` (RGB) resized by `scale`, with HOG's boxes and the pose model's
    boxes and skeletons."""
    out = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    line = max(2, round(3 * out.shape[1] / 600))
    font = max(0.5, out.shape[1] / 700)
    for box in hog_boxes:
        p1 = (round(box.x1 * scale), round(box.y1 * scale))
        cv2.rectangle(out, p1, (round(box.x2 * scale), round(box.y2 * scale)), HOG_COLOUR, line)
    for person in people:
        box = person.box
        p1 = (round(box.x1 * scale), round(box.y1 * scale))
        cv2.rectangle(out, p1, (round(box.x2 * scale), round(box.y2 * scale)), POSE_COLOUR, line)
        points = person.landmarks
        for a, b in BONES:
            if min(points[a, 2], points[b, 2]) >= 0.5:
                pa = (round(points[a, 0] * scale), round(points[a, 1] * scale))
                pb = (round(points[b, 0] * scale), round(points[b, 1] * scale))
                cv2.line(out, pa, pb, POSE_COLOUR, max(1, line - 1))
        label = f"{person.score:.2f}" + (f" r{person.rotation_deg}" if person.rotation_deg else "")
        origin = (p1[0] + 2, max(p1[1] + round(22 * font), round(22 * font)))
        cv2.putText(out, label, origin, cv2.FONT_HERSHEY_SIMPLEX, font, (0, 0, 0), line + 2)
        cv2.putText(out, label, origin, cv2.FONT_HERSHEY_SIMPLEX, font, POSE_COLOUR, line)
    return out


def _caption(image: np.ndarray, text: str) -> np.ndarray:
    bar = np.full((24, image.shape[1], 3), 255, dtype=np.uint8)
    cv2.putText(bar, text, (4, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([bar, image], axis=0)


def contact_sheet(cells: list[np.ndarray], title: str) -> np.ndarray:
    """Cells (same height after resizing) in rows of up to SHEET_WIDTH_PX, under a title."""
    columns = 4 if cells[0].shape[1] >= cells[0].shape[0] else 6
    cell_w = SHEET_WIDTH_PX // columns
    resized = [
        cv2.resize(c, (cell_w, round(c.shape[0] * cell_w / c.shape[1])), cv2.INTER_AREA)
        for c in cells
    ]
    cell_h = max(r.shape[0] for r in resized)
    rows = []
    for start in range(0, len(resized), columns):
        row = np.full((cell_h, SHEET_WIDTH_PX, 3), 255, dtype=np.uint8)
        for k, cell in enumerate(resized[start : start + columns]):
            row[: cell.shape[0], k * cell_w : k * cell_w + cell.shape[1]] = cell
        rows.append(row)
    return _caption(np.concatenate(rows, axis=0), title)


def _save_small_png(rgb: np.ndarray, path: Path) -> None:
    """A 256-colour PNG (a third of the size of a full-colour one, for the docs)."""
    from PIL import Image

    Image.fromarray(rgb).quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def _spread(count: int, wanted: int) -> list[int]:
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


def _ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):6.1f} / {1000 * statistics.mean(values):6.1f}"


def run_clip(path: Path, hog: HogDetector, pose: BlazePose, args) -> dict:
    frames = one_second_frames(path)
    rows = []
    for time_s, image in frames:
        start = time.perf_counter()
        hog_boxes = hog.detect([image])[0]
        hog_s = time.perf_counter() - start
        start = time.perf_counter()
        people = pose.find(image)
        pose_s = time.perf_counter() - start
        rows.append((time_s, image, hog_boxes, people, hog_s, pose_s))
    name = path.stem
    summary = {"clip": path.name, "frames": len(rows), "size": list(frames[0][1].shape[:2])}
    for finder, index in (("hog", 2), ("pose", 3)):
        counts = [len(r[index]) for r in rows]
        summary[finder] = {
            "found": sum(c > 0 for c in counts),
            "more_than_one": sum(c > 1 for c in counts),
            "ms_median": 1000 * statistics.median(r[index + 2] for r in rows),
            "ms_mean": 1000 * statistics.mean(r[index + 2] for r in rows),
        }
    summary["per_frame"] = [
        {
            "time_s": round(r[0], 2),
            "hog": [[round(v) for v in b.xyxy] + [round(b.score, 2)] for b in r[2]],
            "pose": [
                [round(v) for v in p.box.xyxy] + [round(p.score, 3), p.rotation_deg] for p in r[3]
            ],
            "pose_ms": round(1000 * r[5], 1),
        }
        for r in rows
    ]
    print(
        f"{name:32s} frames {len(rows):4d}   found HOG {summary['hog']['found']:4d} pose "
        f"{summary['pose']['found']:4d}   >1 box HOG {summary['hog']['more_than_one']:3d} pose "
        f"{summary['pose']['more_than_one']:3d}   ms/frame (median / mean) HOG "
        f"{_ms([r[4] for r in rows])}  pose {_ms([r[5] for r in rows])}"
    )
    if args.verbose:
        for item in summary["per_frame"]:
            print(f"    {item['time_s']:6.1f} s  hog {item['hog']}  pose {item['pose']}")
    if args.scores:
        summary["candidates"] = []
        kept_min, pose.min_score = pose.min_score, SCORES_MIN
        for time_s, image, *_ in rows:
            for rotation in ROTATIONS_DEG:
                with pose._lock:  # noqa: SLF001 (a measurement of the passes themselves)
                    found = pose._pass(image, rotation)  # noqa: SLF001
                for p in found:
                    box = [round(v) for v in p.box.xyxy]
                    summary["candidates"].append(
                        [round(time_s, 2), rotation, round(p.score, 3), box]
                    )
                    print(f"    cand {time_s:6.1f} s  rot {rotation:3d}  {p.score:.3f}  {box}")
        pose.min_score = kept_min
    if args.sheets:
        picks = _spread(len(rows), SHEET_FRAMES)
        scale = min(1.0, 600 / max(frames[0][1].shape[:2]))
        cells = [
            _caption(draw(rows[i][1], rows[i][2], rows[i][3], scale), f"{rows[i][0]:.0f} s")
            for i in picks
        ]
        title = f"{path.name}: HOG orange, pose model green (score, rotation)"
        sheet = contact_sheet(cells, title)
        out = Path(args.sheets) / f"pose-{name.split('_')[0]}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        _save_small_png(sheet, out)
    if args.every_frame:
        folder = Path(args.every_frame)
        folder.mkdir(parents=True, exist_ok=True)
        scale = min(1.0, 640 / max(frames[0][1].shape[:2]))
        cells = [_caption(draw(r[1], r[2], r[3], scale), f"{r[0]:.0f} s") for r in rows]
        for start in range(0, len(cells), 12):
            sheet = contact_sheet(cells[start : start + 12], f"{path.name} from {start} s")
            out = folder / f"{name}-{start:03d}.png"
            cv2.imwrite(str(out), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return summary


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", help="clip file names in --media (default: all five)")
    parser.add_argument("--media", default=str(here.parent / "shared" / "media"))
    parser.add_argument(
        "--models", default=os.environ.get("JUDGEAPP_WEIGHTS_PATH", "/tmp/mp/models")
    )
    parser.add_argument("--sheets", help="folder for pose-<clip>.png contact sheets")
    parser.add_argument("--every-frame", help="folder for sheets of every one-second frame")
    parser.add_argument("--scores", action="store_true", help="every candidate at every rotation")
    parser.add_argument("--threads", type=int, default=None, help="OpenVINO threads per network")
    parser.add_argument("--verbose", action="store_true", help="every frame's boxes")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    models = Path(args.models)
    threads = {"threads": args.threads} if args.threads else {}
    pose = BlazePose(
        models / "pose_detection.tflite", models / "pose_landmark_full.tflite", **threads
    )
    hog = HogDetector()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, OpenVINO f32, "
          f"pose threads {args.threads or INFERENCE_THREADS}")  # fmt: skip
    results = [run_clip(Path(args.media) / clip, hog, pose, args) for clip in args.clips or CLIPS]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

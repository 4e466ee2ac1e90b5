"""Render the library and batch windows at 1280x800, offscreen, with hand-made results.

    python scripts/review_windows_screenshot.py [--out docs/screenshots]

Writes library-window.png and batch-window.png. No analysis runs: the results are made up
(names of a club competition, scores drawn by hand) and saved in a scratch library; the batch
window gets them from an analyse function that returns them at once. One score is "not
calibrated" (an untrained head, as on a laptop without a trained model), so the picture shows
how the ranking flags it; one video fails, as a damaged file does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402

# name, duration s, model, calibrated, predicted, panel total (None: not entered), marks
ROWS = (
    (
        "2025-regional-senior-hoop-anna-kowalska-final.mp4",
        92.4,
        "rg-hoop-total",
        True,
        21.35,
        21.9,
        3,
    ),
    (
        "2025-regional-senior-ball-bea-lindqvist-qualification.mp4",
        88.0,
        "rg-ball-total",
        True,
        18.72,
        18.1,
        0,
    ),
    (
        "2025-regional-junior-clubs-chiara-rossi-final.mp4",
        90.2,
        "rg-clubs-total",
        True,
        16.4,
        None,
        1,
    ),
    ("club-training-ribbon-dora-2025-11-20.mov", 95.8, "random", False, 12.91, None, 5),
    (
        "2025-regional-senior-ribbon-eva-novak-final.mp4",
        93.1,
        "rg-ribbon-total",
        True,
        19.05,
        19.6,
        2,
    ),
)
FAILED = "2025-regional-senior-hoop-fay-damaged-upload.mp4"


def _result(path: Path, sha: str, row) -> object:
    from judgeapp.core.results import (
        AnalysisResult,
        FrameWeight,
        ModelInfo,
        SegmentWeight,
        VideoInfo,
    )

    _, duration_s, model, calibrated, score, _, _ = row
    segments = max(1, int(duration_s * 5 // 16))
    info = VideoInfo(str(path), sha, duration_s, 25.0, int(duration_s * 25), 1280, 720)
    warnings = [] if calibrated else ["untrained head: the score is not calibrated"]
    return AnalysisResult(
        video=info,
        model=ModelInfo(
            model,
            model.split("-")[1] if calibrated else "ribbon",
            "total",
            25.0,
            "torchvision",
            calibrated,
        ),
        score=score,
        dynamic=[SegmentWeight(k * 3.2, (k + 1) * 3.2, 1.0 / segments) for k in range(segments)],
        static=[FrameWeight(1.0, 1.0, (500.0, 100.0, 700.0, 650.0), 25)],
        warnings=warnings,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(shots.ROOT / "docs" / "screenshots"))
    parser.add_argument("--dark", action="store_true", help="the dark theme")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    scratch = shots.use_scratch("judgeapp-windows-shot-", own_cache=False)
    sys.path.insert(0, str(shots.ROOT))

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.app.library_service import LibraryService
    from judgeapp.core.errors import VideoError
    from judgeapp.core.marks import PanelScore
    from judgeapp.ui.batch_window import BatchWindow
    from judgeapp.ui.desktop import application
    from judgeapp.ui.library_window import LibraryWindow
    from judgeapp.ui.theme import apply_theme

    app = application()
    apply_theme(app, dark=args.dark)
    videos = scratch / "competition"
    videos.mkdir()
    results = {}
    service = LibraryService.open(scratch / "library.sqlite3")
    for n, row in enumerate(ROWS):
        path = videos / row[0]
        path.write_bytes(b"stand-in")
        result = _result(path, f"{n:02d}" * 32, row)
        results[path.name] = result
        service.save_result(result)
        if row[5] is not None:
            service.library.set_panel_score(result.video.sha256, PanelScore(row[5]))
        for k in range(row[6]):
            service.library.add_mark(result.video.sha256, 10.0 + 7 * k, "deduction", "step out")
    (videos / FAILED).write_bytes(b"broken")

    library = LibraryWindow(service)
    library.resize(*shots.SIZE)
    library.show()
    _wait(app, lambda: not library.is_loading() and library.table.rowCount() == len(ROWS))
    library.table.selectRow(3)
    _settle(app)
    library.grab().save(str(out / "library-window.png"))

    def analyse(path, progress, cancel):
        if path.name == FAILED:
            raise VideoError(f"{path}: not a video judgeapp can decode (corrupt or unsupported)")
        return results[path.name]

    batch = BatchWindow(service, analyse)
    batch.resize(*shots.SIZE)
    batch.show()
    batch.add_videos([videos])
    batch.start()
    _wait(app, lambda: not batch.is_running() and batch.queue.next_queued() is None)
    _settle(app)
    batch.grab().save(str(out / "batch-window.png"))
    for window in (library, batch):
        window.close()
    service.close()
    print(f"wrote {out / 'library-window.png'} and {out / 'batch-window.png'}")
    return 0


def _wait(app, condition, timeout_s: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the window never finished loading")
        app.processEvents()
        time.sleep(0.01)


def _settle(app) -> None:
    for _ in range(5):
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())

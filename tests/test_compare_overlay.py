"""The overlay in the exported comparison video: B blended over A in the right half, placed as
the window places it (app.compare's overlay_placement), from `judgeapp compare --overlay`."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from report_helpers import make_result

from judgeapp.app.compare import (
    Comparison,
    OverlaySettings,
    SideVideo,
    overlay_draw,
    overlay_placement,
)
from judgeapp.cli import main
from judgeapp.report.compare_video import OverlayDraw, blend_over
from judgeapp.video import probe


def test_blend_over_mixes_inside_the_box_and_keeps_a_outside() -> None:
    a = np.full((40, 80, 3), 100, np.uint8)
    b = np.full((20, 10, 3), 200, np.uint8)
    out = blend_over(a, b, OverlayDraw(0.25, (30.0, 10.0, 20.0, 20.0)))
    assert out[20, 40].tolist() == [125, 125, 125]  # 0.75 x 100 + 0.25 x 200
    assert out[5, 40].tolist() == [100, 100, 100] and out[20, 60].tolist() == [100] * 3
    assert int((out[..., 0] == 125).sum()) == 20 * 20
    # A box partly outside A's frame is cut off there.
    cut = blend_over(a, b, OverlayDraw(1.0, (70.0, -10.0, 20.0, 20.0)))
    assert int((cut[..., 0] == 200).sum()) == 10 * 10
    assert blend_over(a, b, OverlayDraw(1.0, (90.0, 0.0, 5.0, 5.0))).tolist() == a.tolist()


def test_overlay_draw_follows_the_comparisons_settings() -> None:
    a, b = SideVideo("a.mp4", 24.0, 240, 10.0), SideVideo("b.mp4", 5.0, 65, 13.0)
    off = Comparison(a, b)
    assert overlay_draw(off, (1280, 720), (720, 1280)) is None
    settings = OverlaySettings(True, 0.4, offset_x=0.1, scale=0.8)
    on = Comparison(a, b, overlay=settings)
    drawn = overlay_draw(on, (1280, 720), (720, 1280))
    assert drawn == OverlayDraw(0.4, overlay_placement((1280, 720), (720, 1280), settings))


@pytest.fixture(scope="module")
def analysed(media_dir, tmp_path_factory) -> tuple[Path, Path]:
    """Both clips as analysis JSONs (made up attention, real video facts): nothing to analyse."""
    root = tmp_path_factory.mktemp("jsons")
    paths = []
    for k, name in enumerate(("juggle_720p24.mp4", "squats_portrait_5fps.mp4")):
        result = make_result(probe(media_dir / name, with_hash=False), seed=k)
        path = root / f"{name}.json"
        path.write_text(result.to_json())
        paths.append(path)
    return paths[0], paths[1]


def _frames(path: Path, picks: tuple[int, ...]) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return [decoded[k].astype(int) for k in picks]


def test_the_exported_video_shows_b_over_a_in_the_right_half(tmp_path, analysed) -> None:
    a_json, b_json = analysed
    plain, blended = tmp_path / "plain.mp4", tmp_path / "overlay.mp4"
    args = ["compare", str(a_json), str(b_json), "--no-library"]
    assert main([*args, "--out", str(plain)]) == 0
    assert main([*args, "--out", str(blended), "--overlay", "0.5", "--overlay-scale", "0.6"]) == 0
    (frame,) = _frames(blended, (48,))
    (plain_frame,) = _frames(plain, (48,))
    left, right = frame[40:440, 4:636], frame[40:440, 644:1276]
    assert np.abs(plain_frame[40:440, 644:1276] - right).mean() > 10  # not B alone
    # A (1280x720) fits the half as 632x356 at y 22; B (portrait) goes over its middle at 60 %
    # of A's height: 0.6 x 356 = 214 rows high, 120 wide, centred.
    edge = (slice(30, 370), slice(0, 200))  # A's picture left of B's box
    middle = (slice(150, 250), slice(276, 356))  # inside B's box
    assert np.abs(right[edge] - left[edge]).mean() < 4  # A as it is, outside the box
    assert np.abs(right[middle] - left[middle]).mean() > 10  # B mixed in


def test_a_bad_overlay_is_one_line_before_anything_is_written(tmp_path, analysed, capsys) -> None:
    a_json, b_json = analysed
    out = tmp_path / "x.mp4"
    code = main(
        ["compare", str(a_json), str(b_json), "--no-library", "--out", str(out), "--overlay", "1.5"]
    )
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: overlay opacity 1.5 is not between 0 and 1"
    assert not out.exists()

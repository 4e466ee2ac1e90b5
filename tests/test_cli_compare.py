"""`judgeapp compare A B --out FILE.mp4|.html` (issue 21) on two shared clips."""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
import pytest

from judgeapp.cli import main
from judgeapp.core.results import AnalysisResult

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
JUGGLE = MEDIA / "juggle_720p24.mp4"
SQUATS = MEDIA / "squats_portrait_5fps.mp4"
FAST = ["--model", "random", "--pretrained", "none", "--detector", "none"]


@pytest.fixture(scope="module")
def squats_json(tmp_path_factory) -> Path:
    """B as an analysis JSON, as `judgeapp score --json` writes it."""
    path = tmp_path_factory.mktemp("json") / "squats.json"
    assert main(["score", str(SQUATS), *FAST, "--json", str(path)]) == 0
    return path


def test_compare_into_a_side_by_side_video(tmp_path: Path, squats_json: Path, capsys) -> None:
    out = tmp_path / "both.mp4"
    args = ["compare", str(JUGGLE), str(squats_json), "--sync-a", "1", "--sync-b", "0:02.5"]
    assert main([*args, "--out", str(out), *FAST, "--no-library"]) == 0
    assert "wrote" in capsys.readouterr().out
    squats = AnalysisResult.load(squats_json).video
    # The common axis from the sync points to the later end (B: 13 s - 2.5 s), at 24 fps.
    common_s = max(247 / 24 - 1.0, squats.duration_s - 2.5)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == math.floor(common_s * 24 + 1e-6)
    height, width = frames[0].shape[:2]
    assert (width, height) == (1280, 540)
    # Both halves show video: the picture area of each half varies between frames.
    early, late = frames[5].astype(int), frames[200].astype(int)
    for half in (slice(0, 640), slice(640, 1280)):
        picture = (slice(40, 440), half)
        assert frames[5][picture].std() > 20
        assert np.abs(early[picture] - late[picture]).mean() > 3


def test_compare_into_a_page(tmp_path: Path, squats_json: Path) -> None:
    out = tmp_path / "both.html"
    args = ["compare", str(JUGGLE), str(squats_json), "--sync-a", "1.5", "--sync-b", "3"]
    assert main([*args, "--out", str(out), *FAST, "--no-library"]) == 0
    page = out.read_text()
    squats = AnalysisResult.load(squats_json)
    assert f"{squats.score:.2f} / 25" in page
    assert page.count("/ 25") >= 2  # both scores
    assert "sync at 0:01.5" in page and "sync at 0:03.0" in page
    assert "Where the attention differs most" in page
    assert page.count('<img class="timeline"') == 2
    assert "This score is not calibrated" in page  # random networks: the page says so


def test_bad_input_is_one_error_line(tmp_path: Path, squats_json: Path, capsys) -> None:
    out = tmp_path / "x.mp4"
    assert main(["compare", str(tmp_path / "nope.mp4"), str(squats_json), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "nope.mp4" in err[0]
    late = ["--sync-b", "60", "--out", str(out)]
    assert main(["compare", str(squats_json), str(squats_json), *late]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "outside its video" in err[0]
    # A video with a sync point past its end fails before anything is analysed.
    assert main(["compare", str(JUGGLE), str(SQUATS), *late, *FAST, "--no-library"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "error: sync point 60 s of side B is outside its video (0 to 13.000 s)"
    )
    assert captured.out == ""
    assert not out.exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", str(SQUATS), str(SQUATS), "--out", str(tmp_path / "x.gif")])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        main(["compare", str(SQUATS), str(SQUATS), "--sync-a", "-1", "--out", str(out)])

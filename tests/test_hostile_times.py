"""Times beyond any video in an analysis JSON (issue 24, class 12).

`judgeapp report` of an analysis whose duration was 1.8e307 s or more failed with `error:
unexpected OverflowError: cannot convert float infinity to integer` (core/marks.py format_time,
`round(time_s * 10)`), naming no file; the CSV and JSON exports wrote such a file with exit 0.
Every time a result holds (duration, segments, frames, tracks, poses, angles) is now read as a
time: at most core.marks.MAX_TIME_S, else one line naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from hostile_helpers import replaced
from report_helpers import fake_video_info, make_result

from judgeapp.cli import main
from judgeapp.core.athlete import AngleTrace, AthleteInfo, PoseInfo, PosePerson, TrackSummary
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import MAX_TIME_S, Mark, format_time, parse_time
from judgeapp.core.results import AnalysisResult


def _with_athlete_and_pose() -> dict:
    """A /3 analysis: an athlete followed on one track, one pose, one angle sample."""
    result = make_result(fake_video_info(duration_s=20.0))
    landmarks = tuple((100.0, 100.0, 0.9) for _ in range(33))
    person = PosePerson(1.0, 25, 1, 0.9, 0, (50.0, 20.0, 200.0, 300.0), landmarks)
    athlete = AthleteInfo(
        "track", 1, "auto", "the only person", (TrackSummary(1, 0.0, 19.0, 9, 1),)
    )
    angle = AngleTrace(degrees=(120.0,), visibility=(0.9,))
    pose = PoseInfo("blazepose_full", (person,), (1.0,), {"knee_left": angle})
    return dataclasses.replace(result, athlete=athlete, pose=pose).to_dict()


GOOD = _with_athlete_and_pose()
HUGE = 1.8e307  # the smallest kind of time that overflowed: 1.8e307 * 10 is infinite

FIELDS = {
    "video.duration_s": (["video", "duration_s"], HUGE),
    "video.duration_s 1e308": (["video", "duration_s"], 1e308),
    "video.duration_s just above": (["video", "duration_s"], MAX_TIME_S * 1.0001),
    "dynamic[0].end_s": (["dynamic", 0, "end_s"], HUGE),
    "dynamic[1].start_s": (["dynamic", 1, "start_s"], HUGE),
    "static[2].time_s": (["static", 2, "time_s"], HUGE),
    "athlete.tracks[0].end_s": (["athlete", "tracks", 0, "end_s"], HUGE),
    "pose.people[0].time_s": (["pose", "people", 0, "time_s"], HUGE),
    "pose.angles.time_s[0]": (["pose", "angles", "time_s", 0], HUGE),
}


@pytest.mark.parametrize("case", list(FIELDS))
@pytest.mark.parametrize("suffix", [".html", ".csv", ".json"])
def test_report_of_a_time_beyond_any_video_is_one_line_naming_the_file(
    tmp_path, capsys, case, suffix
):
    """Before: `error: unexpected OverflowError ...` (no file named) for the HTML and PDF
    reports, exit 0 for the CSV and JSON ones."""
    path, value = FIELDS[case]
    analysis = tmp_path / "huge.json"
    analysis.write_text(json.dumps(replaced(GOOD, path, value)), encoding="utf-8")
    out = tmp_path / f"report{suffix}"
    code = main(["report", str(analysis), "--out", str(out), "--no-library"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(f"error: {analysis}: not a judgeapp analysis ({case.split()[0]} "), err
    assert "unexpected" not in err and err.count("\n") == 1
    assert not out.exists()


def test_the_longest_time_allowed_still_reports(tmp_path, capsys):
    doc = replaced(GOOD, ["video", "duration_s"], MAX_TIME_S)
    analysis = tmp_path / "long.json"
    analysis.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(analysis), "--out", str(out), "--no-library"]) == 0
    assert out.stat().st_size > 0
    assert AnalysisResult.load(analysis).video.duration_s == MAX_TIME_S


def test_marks_and_clocks_hold_no_time_beyond_any_video():
    sha = GOOD["video"]["sha256"]
    with pytest.raises(JudgeappError, match="0 to 1e\\+09"):
        Mark(1, sha, HUGE, "comment", "a mark later than any video")
    with pytest.raises(JudgeappError, match="later than any video"):
        parse_time("1e308")
    for time_s in (HUGE, math.inf, math.nan, MAX_TIME_S * 2):
        assert format_time(time_s).endswith(" s")  # written, never raised on
    assert format_time(MAX_TIME_S) == f"{int(MAX_TIME_S // 60)}:40.0"

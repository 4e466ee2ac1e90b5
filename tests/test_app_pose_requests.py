"""The athlete rule and the user's "follow this person" in the analysis request, without Qt:
they reach the analysis options, and a stored result is reused only for the same choice."""

from __future__ import annotations

import dataclasses
import json

from report_helpers import fake_video_info, make_result
from weights_helpers import blazepose_dir  # noqa: F401  (fixture)

from judgeapp.analysis.athlete import ATHLETE_RULES
from judgeapp.app.analysis_run import options_for
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import ATHLETE_RULES as SETTINGS_RULES
from judgeapp.app.requests import AnalysisRequest, athlete_rule_of, stored_result_reusable
from judgeapp.core.athlete import AthleteInfo
from judgeapp.core.results import AnalysisResult, Provenance
from judgeapp.features.recipes import current_recipe

REQUEST = AnalysisRequest(model="random", profile="torchvision", pretrained=False, detector="pose")
MADE = Provenance("torchvision", current_recipe("torchvision"), False, "pose", "")
TRACKED = AthleteInfo("track", 2, "auto", "seen longest, moving most")
CHOSEN = AthleteInfo("track", 5, "user", "chosen by the user at 12.3 s")
PAPER = AthleteInfo("largest", None, "auto", "the paper's rule: the largest person in each frame")
FALLBACK = AthleteInfo("largest", None, "auto", "no track to follow")
NO_POSE = AthleteInfo(
    "largest",
    None,
    "auto",
    "the largest person in each frame: a finder without the pose model sees people once a "
    "second, too seldom to follow one",
)


def _stored(athlete: AthleteInfo | None) -> AnalysisResult:
    result = make_result(fake_video_info("ribbon.mp4", duration_s=20.0))
    return dataclasses.replace(result, provenance=MADE, athlete=athlete)


def test_the_settings_offer_the_analysis_rules_and_pass_the_rule_on() -> None:
    assert SETTINGS_RULES == ATHLETE_RULES
    assert AppSettings().request.athlete == "track"
    assert AnalysisRequest.from_record({"athlete": "largest"}).athlete == "largest"
    assert AnalysisRequest.from_record({"athlete": "tallest"}).athlete == "track"  # unknown
    assert AppSettings().request.follow is None  # a follow is never a setting
    kept = AppSettings(AnalysisRequest(follow=(1.0, 2.0, 3.0)))
    assert kept.request.follow is None and "follow" not in kept.request.to_record()


def test_rule_and_follow_reach_the_analysis_options() -> None:
    options = options_for(dataclasses.replace(REQUEST, athlete="largest"))
    assert (options.athlete, options.follow) == ("largest", None)
    options = options_for(dataclasses.replace(REQUEST, follow=(12.25, 310.0, 402.5)))
    assert (options.athlete, options.follow) == ("track", (12.25, 310.0, 402.5))


def test_a_follow_point_survives_the_trip_to_the_analysis_process() -> None:
    # The service sends asdict(request) over a pipe (or as JSON: a list); the child rebuilds it.
    request = dataclasses.replace(REQUEST, follow=(3.0, 10, 20.5))
    rebuilt = AnalysisRequest(**{**dataclasses.asdict(request), "follow": [3.0, 10, 20.5]})
    assert rebuilt == request and rebuilt.follow == (3.0, 10.0, 20.5)
    assert hash(rebuilt) == hash(request)


def test_the_rule_a_result_was_made_with() -> None:
    assert athlete_rule_of(_stored(TRACKED)) == "track"
    assert athlete_rule_of(_stored(CHOSEN)) == "track"
    assert athlete_rule_of(_stored(PAPER)) == "largest"
    # Nobody could be followed: either rule gives this result.
    assert athlete_rule_of(_stored(FALLBACK)) is None
    assert athlete_rule_of(_stored(NO_POSE)) is None
    assert athlete_rule_of(_stored(None)) is None


def test_a_stored_result_is_reused_only_for_the_same_athlete_choice() -> None:
    track, largest = REQUEST, dataclasses.replace(REQUEST, athlete="largest")
    follow = dataclasses.replace(REQUEST, follow=(12.3, 100.0, 200.0))
    assert stored_result_reusable(_stored(TRACKED), track)
    assert not stored_result_reusable(_stored(TRACKED), largest)
    assert stored_result_reusable(_stored(PAPER), largest)
    assert not stored_result_reusable(_stored(PAPER), track)
    assert stored_result_reusable(_stored(FALLBACK), track)
    assert stored_result_reusable(_stored(FALLBACK), largest)
    assert stored_result_reusable(_stored(NO_POSE), track)  # HOG, YOLO: the rules agree
    assert stored_result_reusable(_stored(NO_POSE), largest)
    # The user's choice is not the automatic one, and a new click always analyses again.
    assert not stored_result_reusable(_stored(CHOSEN), track)
    assert not stored_result_reusable(_stored(CHOSEN), follow)
    assert not stored_result_reusable(_stored(TRACKED), follow)
    # A result that chose nobody (whole frames, older results) answers either rule.
    assert stored_result_reusable(_stored(None), track)
    assert stored_result_reusable(_stored(None), largest)
    # The other conditions still hold.
    assert not stored_result_reusable(_stored(TRACKED), dataclasses.replace(track, detector="hog"))


def test_under_auto_a_result_is_reused_only_when_made_by_the_finder_auto_takes_now(
    blazepose_dir, monkeypatch  # noqa: F811
) -> None:
    """A result of the built-in finder stored before the pose model was installed is analysed
    again once it is; and a pose result is not shown where the pose model is gone."""
    auto = dataclasses.replace(REQUEST, detector="auto")
    hog = dataclasses.replace(MADE, detector="hog")
    by_hog = dataclasses.replace(_stored(NO_POSE), provenance=hog)
    by_pose = _stored(TRACKED)
    monkeypatch.delenv("JUDGEAPP_WEIGHTS_PATH", raising=False)  # the suite hides the installed
    assert stored_result_reusable(by_hog, auto) and not stored_result_reusable(by_pose, auto)
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(blazepose_dir))
    assert stored_result_reusable(by_pose, auto) and not stored_result_reusable(by_hog, auto)
    # A profile without a static stream looks for nobody: any finder's result answers.
    made = Provenance("vst", current_recipe("vst"), False, "none", "")
    vst = dataclasses.replace(by_hog, provenance=made)
    assert stored_result_reusable(vst, dataclasses.replace(auto, profile=""))


def test_report_reuses_a_stored_result_only_for_the_athlete_rule_it_asks_for() -> None:
    """`judgeapp report VIDEO --athlete largest` took the library's tracked result."""
    from judgeapp.cli import build_parser
    from judgeapp.commands.common import request_of

    def asked(*extra: str) -> AnalysisRequest:
        args = build_parser().parse_args(["report", "v.mp4", "--out", "r.json", *extra])
        return dataclasses.replace(request_of(args), model="random", profile="torchvision")

    assert asked().athlete == "track" and asked("--athlete", "largest").athlete == "largest"
    largest = dataclasses.replace(asked("--athlete", "largest"), pretrained=False, detector="pose")
    assert not stored_result_reusable(_stored(TRACKED), largest)
    assert stored_result_reusable(_stored(PAPER), largest)


def test_the_users_follow_choice_is_kept_with_the_result_and_applied_on_reopen(tmp_path) -> None:
    """A result whose athlete the user chose records the point clicked; reopening the video
    (the library's newest result, asked for with the settings' automatic request) shows that
    result again instead of analysing it with the automatic choice."""
    from judgeapp.app.library_service import LibraryService
    from judgeapp.app.pose_view import following_stored_choice
    from judgeapp.core.athlete import athlete_from_dict, athlete_to_dict

    point = (12.3, 100.5, 200.0)
    chosen = dataclasses.replace(CHOSEN, follow=point)
    assert athlete_from_dict(athlete_to_dict(chosen)) == chosen
    assert athlete_from_dict(athlete_to_dict(CHOSEN)).follow is None
    legacy = athlete_to_dict(TRACKED)
    del legacy["follow"]  # results written before the point was kept
    assert athlete_from_dict(legacy) == TRACKED
    stored = _stored(chosen)
    assert AnalysisResult.from_dict(json.loads(stored.to_json())).athlete == chosen

    follow = dataclasses.replace(REQUEST, follow=point)
    assert stored_result_reusable(stored, follow)
    assert not stored_result_reusable(stored, dataclasses.replace(REQUEST, follow=(12.3, 1, 2)))
    assert not stored_result_reusable(_stored(TRACKED), follow)
    assert following_stored_choice(REQUEST, stored) == follow
    assert following_stored_choice(REQUEST, _stored(TRACKED)) == REQUEST
    assert following_stored_choice(REQUEST, _stored(CHOSEN)) == REQUEST  # no point recorded
    largest = dataclasses.replace(REQUEST, athlete="largest")
    assert following_stored_choice(largest, stored) == largest  # the paper's rule asked for

    with LibraryService.open(tmp_path / "lib.sqlite3") as library:
        library.save_result(stored)
        reopened = library.find_result(stored.video.sha256, REQUEST)
        assert reopened.result is not None and reopened.result.athlete == chosen
        # Follow Automatically analyses again; its result is the newest: reopening shows it.
        library.save_result(_stored(TRACKED))
        assert library.find_result(stored.video.sha256, REQUEST).result.athlete == TRACKED

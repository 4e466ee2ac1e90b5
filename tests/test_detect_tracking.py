"""Following one athlete, on constructed detections: linking over time (crossing paths, gaps,
the gate), choosing the person who performs, the GUI's click and the paper's largest-box rule."""

import math

import numpy as np
import pytest

from judgeapp.detect.boxes import Box, largest_box
from judgeapp.detect.tracking import (
    AthleteChoice,
    Detection,
    athlete_per_frame,
    choose_athlete,
    join_tracks,
    largest_box_choice,
    link_tracks,
    track_at,
)

WIDTH, HEIGHT = 1280, 720

# A person standing, facing the camera: BlazePose's 33 landmarks relative to the body's centre,
# in body heights (y down).
_HEAD = [(0.0, -0.45)] + [(0.02 * s, -0.47) for s in (1, 1, 1, -1, -1, -1)]
_FACE = _HEAD + [(0.05, -0.45), (-0.05, -0.45), (0.02, -0.42), (-0.02, -0.42)]
_ARMS = [(0.1, -0.3), (-0.1, -0.3), (0.13, -0.12), (-0.13, -0.12), (0.14, 0.03), (-0.14, 0.03)]
_HANDS = [(0.15 * s, 0.06) for _ in range(3) for s in (1, -1)]
_LEGS = [(0.07, 0.02), (-0.07, 0.02), (0.07, 0.25), (-0.07, 0.25), (0.07, 0.47), (-0.07, 0.47)]
_FEET = [(0.07, 0.5), (-0.07, 0.5), (0.1, 0.5), (-0.1, 0.5)]
STANDING = np.array(_FACE + _ARMS + _HANDS + _LEGS + _FEET)
LEFT_LEG, RIGHT_LEG = [25, 27, 29, 31], [26, 28, 30, 32]
LEFT_ARM, RIGHT_ARM = [13, 15, 17, 19, 21], [14, 16, 18, 20, 22]


def person(
    cx: float,
    cy: float,
    height: float,
    turn_deg: float = 0.0,
    stride: float = 0.0,
    split: float = 0.0,
    with_landmarks: bool = True,
) -> Detection | Box:
    """A person's detection: centred at (cx, cy), `height` pixels tall, turned by `turn_deg`
    (a flip), legs and arms swung by `stride` (walking) or legs spread by `split` (body
    heights); the box bounds the landmarks with a small margin."""
    shape = STANDING.copy()
    shape[LEFT_LEG, 0] += stride
    shape[RIGHT_LEG, 0] -= stride
    shape[LEFT_ARM, 0] -= stride / 2
    shape[RIGHT_ARM, 0] += stride / 2
    shape[LEFT_LEG, 0] += split
    shape[RIGHT_LEG, 0] -= split
    shape[LEFT_LEG + RIGHT_LEG, 1] -= abs(split) / 2
    turn = math.radians(turn_deg)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    xy = height * shape @ rotation.T + (cx, cy)
    margin = 0.05 * height
    box = Box(
        float(xy[:, 0].min() - margin),
        float(xy[:, 1].min() - margin),
        float(xy[:, 0].max() + margin),
        float(xy[:, 1].max() + margin),
        0.9,
    )
    if not with_landmarks:
        return box
    return Detection(box, np.column_stack([xy, np.ones(33)]))


def times(seconds: float, fps: float = 5.0) -> np.ndarray:
    return np.arange(round(seconds * fps) + 1) / fps


def still_judge(t: float, x: float = 250.0, **kw) -> Detection | Box:
    """Someone standing at the side, shifting a pixel or two."""
    return person(x + math.sin(7 * t), 450 + math.cos(5 * t), 320, **kw)


def gymnast(t: float, x: float = 850.0, **kw) -> Detection | Box:
    """A routine in place: leaps with the legs split, turns, a jump every 1.6 s."""
    jump = 60 * max(0.0, math.sin(2 * math.pi * t / 1.6))
    return person(
        x + 120 * math.sin(0.7 * t),
        430 - jump,
        330,
        turn_deg=25 * math.sin(1.3 * t),
        split=0.25 * max(0.0, math.sin(2 * math.pi * t / 1.6)),
        **kw,
    )


def walker(t: float, **kw) -> Detection | Box:
    """A passer-by crossing the frame in 3 s at constant speed, limbs swinging."""
    return person(100 + 360 * t, 420, 330, stride=0.06 * math.sin(2 * math.pi * t), **kw)


def flipper(t: float, **kw) -> Detection | Box:
    """Two back flips in 3 s in the same spot: the body turns head over heels in the air."""
    flight = max(0.0, math.sin(2 * math.pi * t / 1.5))
    return person(800 - 20 * t, 420 - 120 * flight, 330, turn_deg=240 * t, **kw)


def ids_of(tracks) -> list[int]:
    return [t.id for t in tracks]


def test_two_people_crossing_paths_keep_their_ids():
    frames = []
    for i, t in enumerate(times(3.0)):
        a = person(200 + 880 * t / 3, 400, 300, with_landmarks=False)  # left to right
        b = person(1080 - 880 * t / 3, 400, 300, with_landmarks=False)  # right to left
        frames.append((t, [a, b] if i % 2 == 0 else [b, a]))  # no help from the order
    tracks = link_tracks(frames, WIDTH, HEIGHT)
    assert ids_of(tracks) == [0, 1]
    first, second = tracks
    assert first.count == second.count == len(frames)
    assert all(
        b2.x1 > b1.x1 for b1, b2 in zip(first.boxes, first.boxes[1:], strict=False)
    )  # always moving on
    assert all(b2.x1 < b1.x1 for b1, b2 in zip(second.boxes, second.boxes[1:], strict=False))
    assert first.detection_indices == tuple(0 if i % 2 == 0 else 1 for i in range(len(frames)))
    assert (first.start_s, first.end_s, first.duration_s) == (0.0, 3.0, 3.0)


def test_a_person_unseen_for_a_second_is_linked_again_and_not_after_the_gap():
    def clip(missing_from: float, missing_to: float):
        return [
            (t, [] if missing_from <= t <= missing_to + 1e-9 else [person(300 + 80 * t, 400, 300)])
            for t in times(6.0)
        ]

    back_after_1_s = link_tracks(clip(2.1, 2.9), WIDTH, HEIGHT)  # last seen 2.0, again 3.0
    assert ids_of(back_after_1_s) == [0]
    assert back_after_1_s[0].count == 31 - 4
    back_after_2_s = link_tracks(clip(2.1, 3.9), WIDTH, HEIGHT)  # last seen 2.0, again 4.0
    assert ids_of(back_after_2_s) == [0, 1]
    assert (back_after_2_s[0].end_s, back_after_2_s[1].start_s) == (2.0, 4.0)
    longer_gap = link_tracks(clip(2.1, 3.9), WIDTH, HEIGHT, max_gap_s=2.5)
    assert ids_of(longer_gap) == [0]


def test_people_far_apart_are_never_linked():
    # One person leaves as another comes in elsewhere: two people, not a jump. Far in body
    # sizes (small people, 500 px apart), then far in the frame (large people, 900 px apart).
    for height, left_x, right_x in ((150, 200, 700), (300, 200, 1100)):
        frames = [
            (t, [person(left_x if t <= 1.0 else right_x, 400, height, with_landmarks=False)])
            for t in times(2)
        ]
        tracks = link_tracks(frames, WIDTH, HEIGHT)
        assert [(t.start_s, t.end_s) for t in tracks] == [(0.0, 1.0), (1.2, 2.0)]
    # The same step, made by one person over 1.4 s, is a run: linked.
    frames = [(t, [person(200 if t <= 1.0 else 700, 400, 150)]) for t in times(1.0)]
    frames.append((2.4, [person(700, 400, 150)]))
    assert len(link_tracks(frames, WIDTH, HEIGHT)) == 1


def test_linking_at_1_fps_follows_a_gymnast_past_a_judge():
    frames = [(t, [still_judge(t), gymnast(t)]) for t in times(20.0, fps=1.0)]
    tracks = link_tracks(frames, WIDTH, HEIGHT)
    assert ids_of(tracks) == [0, 1]
    assert all(t.count == len(frames) for t in tracks)
    assert tracks[0].detection_indices == (0,) * len(frames)


def test_the_moving_gymnast_is_chosen_over_a_still_judge_of_her_size():
    for with_landmarks in (True, False):
        frames = [
            (
                t,
                [
                    still_judge(t, with_landmarks=with_landmarks),
                    gymnast(t, with_landmarks=with_landmarks),
                ],
            )
            for t in times(12.0)
        ]
        tracks = link_tracks(frames, WIDTH, HEIGHT)
        assert len(tracks) == 2
        choice = choose_athlete(tracks, frames, WIDTH, HEIGHT)
        assert isinstance(choice, AthleteChoice)
        assert choice.track_id == 1, choice
        judge, athlete = choice.scores
        assert judge.coverage == athlete.coverage == 1.0
        assert athlete.articulation > 5 * judge.articulation
        assert "person 1 of 2" in choice.reason and "\n" not in choice.reason


def test_a_large_athlete_is_chosen_over_a_small_spectator():
    def spectator(t: float) -> Detection | Box:  # cheering the whole time, far away
        return person(1150, 150, 70, stride=0.1 * math.sin(6 * t), turn_deg=10 * math.sin(3 * t))

    def athlete(t: float) -> Detection | Box:
        return person(600 + 100 * math.sin(t), 420, 360, stride=0.05 * math.sin(4 * t))

    frames = [(t, [spectator(t)] + ([athlete(t)] if t >= 1.0 else [])) for t in times(10.0)]
    tracks = link_tracks(frames, WIDTH, HEIGHT)
    choice = choose_athlete(tracks, frames, WIDTH, HEIGHT)
    assert choice.track_id == 1
    assert choice.scores[0].height_share < 0.15 < 0.45 < choice.scores[1].height_share


def test_a_flip_beats_a_straight_walk_across_the_frame():
    for with_landmarks in (True, False):
        frames = [(t, [walker(t, with_landmarks=with_landmarks)]) for t in times(3.0)]
        frames += [(t, []) for t in 3.2 + times(1.6)]  # an empty floor for 2 s
        frames += [(5.0 + t, [flipper(t, with_landmarks=with_landmarks)]) for t in times(3.0)]
        tracks = link_tracks(frames, WIDTH, HEIGHT)
        assert len(tracks) == 2
        assert tracks[0].count == tracks[1].count
        choice = choose_athlete(tracks, frames, WIDTH, HEIGHT)
        assert choice.track_id == 1, choice
        walk, flip = choice.scores
        assert flip.score > 2 * walk.score
        assert abs(walk.height_share - flip.height_share) < 0.3


def test_both_in_the_frame_at_once_the_flip_is_chosen():
    frames = [(t, [walker(t), flipper(t)]) for t in times(3.0)]
    tracks = link_tracks(frames, WIDTH, HEIGHT)
    assert [t.count for t in tracks] == [16, 16]
    assert choose_athlete(tracks, frames, WIDTH, HEIGHT).track_id == 1


def test_nobody_and_one_person():
    assert choose_athlete([], [(0.0, [])], WIDTH, HEIGHT) == AthleteChoice(
        None, "no person was detected", ()
    )
    frames = [(t, [gymnast(t)]) for t in times(2.0)]
    choice = choose_athlete(link_tracks(frames, WIDTH, HEIGHT), frames, WIDTH, HEIGHT)
    assert choice.track_id == 0 and choice.reason.startswith("the only person followed")


def test_linking_is_deterministic_and_numbers_people_as_they_appear():
    def crowd(t: float) -> list[Detection | Box]:
        people = [still_judge(t), gymnast(t)]
        if t >= 1.0:
            people.insert(0, person(1150, 150, 70))  # a spectator comes in, listed first
        if 2.0 <= t <= 3.0:
            people.append(walker(t - 2.0))
        return people

    frames = [(t, crowd(t)) for t in times(5.0)]
    first = link_tracks(frames, WIDTH, HEIGHT)
    assert first == link_tracks(frames, WIDTH, HEIGHT)
    assert [(t.id, t.start_s) for t in first] == [(0, 0.0), (1, 0.0), (2, 1.0), (3, 2.0)]
    assert first[0].detection_indices[:5] == (0,) * 5 and first[0].detection_indices[5] == 1
    assert choose_athlete(first, frames, WIDTH, HEIGHT) == choose_athlete(
        first, frames, WIDTH, HEIGHT
    )


def test_frames_out_of_time_order_are_refused():
    with pytest.raises(ValueError, match="time order"):
        link_tracks([(1.0, []), (0.5, [])], WIDTH, HEIGHT)


def test_track_at_picks_the_box_under_the_click():
    behind = lambda t: person(600, 400, 400, with_landmarks=False)  # noqa: E731
    in_front = lambda t: person(620, 450, 200, with_landmarks=False)  # noqa: E731
    frames = [(t, [behind(t), in_front(t)] if t < 2.0 else [behind(t)]) for t in times(4.0)]
    tracks = link_tracks(frames, WIDTH, HEIGHT)
    assert ids_of(tracks) == [0, 1]
    assert track_at(tracks, frames, 1.0, 620, 450) == 1  # in both boxes: the smaller one
    assert track_at(tracks, frames, 1.0, 600, 250) == 0  # the head of the one behind
    assert track_at(tracks, frames, 1.0, 50, 50) is None
    assert track_at(tracks, frames, 2.3, 620, 450) == 1  # last seen at 1.8, within 0.6 s
    assert track_at(tracks, frames, 2.5, 620, 450) == 0  # 0.7 s on: only the one behind
    assert track_at(tracks, frames, 9.0, 600, 400) is None  # long after anyone was seen
    assert track_at([], frames, 1.0, 620, 450) is None


def test_largest_box_choice_is_the_largest_box_rule_per_frame():
    rng = np.random.default_rng(3)
    frames = []
    for t in times(4.0):
        count = int(rng.integers(0, 5))
        boxes = []
        for _ in range(count):
            x, y = rng.uniform(0, 1000, size=2)
            w, h = rng.choice([50.0, 100.0, 200.0], size=2)  # ties in area happen
            boxes.append(Box(x, y, x + w, y + h, float(rng.choice([0.5, 0.9]))))
        frames.append((t, boxes))
    chosen = largest_box_choice(frames)
    for (_, boxes), index in zip(frames, chosen, strict=True):
        expected = largest_box(boxes)
        assert (None if index is None else boxes[index]) == expected
    assert None in chosen
    detections = [(t, [Detection(b) for b in boxes]) for t, boxes in frames]
    assert largest_box_choice(detections) == chosen
    tie = [(0.0, [Box(0, 0, 10, 10, 0.5), Box(20, 0, 30, 10, 0.5), Box(40, 0, 50, 10, 0.7)])]
    assert largest_box_choice(tie) == [2]


def test_athlete_per_frame_gives_the_chosen_tracks_detection_in_each_frame():
    frames = []
    for t in times(2.0):
        people = [still_judge(t)] + ([gymnast(t)] if 0.4 <= t <= 1.4 else [])
        frames.append((t, people[::-1] if t >= 1.0 else people))
    tracks = link_tracks(frames, WIDTH, HEIGHT)
    per_frame = athlete_per_frame(tracks, 1, frames)
    assert per_frame == [None, None, 1, 1, 1, 0, 0, 0, None, None, None]
    assert athlete_per_frame(tracks, 0, frames) == [0] * 5 + [1] * 3 + [0] * 3
    assert athlete_per_frame(tracks, None, frames) == [None] * 11
    with pytest.raises(ValueError, match="no track has id 7"):
        athlete_per_frame(tracks, 7, frames)


# Real boxes of the pose model in backflip_two_people_30fps.mp4 (1768x994, 5 fps samples): a man
# standing on a low roof (top of the frame) and a woman walking in below him from the right.
_ROOF_MAN = {
    1.2: (458, 0, 829, 490), 1.4: (537, 39, 760, 505), 1.6: (432, 0, 857, 490),
    1.8: (480, 0, 793, 490), 2.0: (476, 0, 776, 507), 2.2: (421, 0, 832, 483),
    2.4: (459, 0, 815, 499), 2.6: (545, 43, 726, 506), 2.8: (532, 46, 743, 516),
    3.0: (531, 9, 747, 492), 3.2: (546, 28, 752, 509),
}  # fmt: skip
_WALKING_WOMAN = {
    2.0: (1229, 496, 1547, 994), 2.2: (1239, 487, 1509, 986), 2.4: (1187, 476, 1406, 966),
    2.6: (1065, 483, 1399, 967), 2.8: (1065, 472, 1349, 976), 3.0: (1049, 468, 1216, 968),
    3.2: (901, 470, 1200, 972), 3.4: (871, 475, 1184, 976), 3.6: (868, 460, 1037, 968),
    3.8: (705, 461, 1037, 974), 4.0: (680, 458, 985, 982),
}  # fmt: skip


def _backflip_frames(man_seen_until: float) -> list:
    frames = []
    for t in sorted(set(_ROOF_MAN) | set(_WALKING_WOMAN)):
        people = [Box(*_WALKING_WOMAN[t], 0.97)] if t in _WALKING_WOMAN else []
        if t in _ROOF_MAN and t <= man_seen_until:
            people.insert(0, Box(*_ROOF_MAN[t], 0.96))
        frames.append((t, people))
    return frames


def test_a_track_never_jumps_from_the_man_on_the_roof_to_the_woman_walking_below():
    for man_seen_until in (1.6, 2.0, 3.2):  # the earlier finder lost him after 1.6 s
        frames = _backflip_frames(man_seen_until)
        tracks = link_tracks(frames, 1768, 994)
        assert len(tracks) == 2, (man_seen_until, [(t.start_s, t.end_s) for t in tracks])
        for track in tracks:  # on the roof (bottom above y 560) or on the ground, never both
            assert len({box.y2 < 560 for box in track.boxes}) == 1
    # She comes in (2.2 s) while he is unseen (1.8-2.2 s) and within the gate of his last place:
    # linked at first, but his place is seen occupied again (2.4 s), so his track waits for him.
    frames = [
        (t, [b for b in people if t not in (1.8, 2.0, 2.2) or b.y2 > 560])
        for t, people in _backflip_frames(3.2)
        if t != 2.0
    ]
    tracks = link_tracks(frames, 1768, 994)
    assert [(t.start_s, t.end_s, t.count) for t in tracks] == [(1.2, 3.2, 8), (2.2, 4.0, 10)]


# --- joining a person's tracks across longer gaps ---------------------------------------------


def _spans(tracks) -> list[tuple[float, float, int]]:
    return [(t.start_s, t.end_s, t.count) for t in tracks]


def test_a_gymnast_lost_for_seconds_mid_frame_is_joined_but_never_to_someone_seen_meanwhile():
    # Lost from 2.2 to 4.6 s (a flip in glare), found again a body size further on; a
    # passer-by is seen from 1.0 to 5.0 s, close to both places.
    def frame(t: float) -> list:
        people = [] if 2.1 < t < 4.7 else [person(600 + 60 * t, 400, 300, with_landmarks=False)]
        if 1.0 <= t <= 5.0:
            people.append(person(300 + 60 * t, 420, 300, with_landmarks=False))
        return people

    frames = [(t, frame(t)) for t in times(7.0)]
    linked = link_tracks(frames, WIDTH, HEIGHT)
    assert _spans(linked) == [(0.0, 2.0, 11), (1.0, 5.0, 21), (4.8, 7.0, 12)]
    joined = join_tracks(linked, WIDTH, HEIGHT)
    assert _spans(joined) == [(0.0, 7.0, 23), (1.0, 5.0, 21)]
    assert all(b2.x1 > b1.x1 for b1, b2 in zip(joined[0].boxes, joined[0].boxes[1:], strict=False))
    assert join_tracks(joined, WIDTH, HEIGHT) == joined
    # Unseen for longer than JOIN_MAX_GAP_S (4 s): not joined (someone else may have come in).
    def alone(unseen_to: float) -> list:
        return [
            (t, [] if 2.0 < t < unseen_to - 1e-9 else [person(600, 400, 300)])
            for t in times(unseen_to + 1.0)
        ]

    assert _spans(join_tracks(link_tracks(alone(5.8), WIDTH, HEIGHT), WIDTH, HEIGHT)) == [
        (0.0, 6.8, 17)
    ]
    assert len(join_tracks(link_tracks(alone(6.2), WIDTH, HEIGHT), WIDTH, HEIGHT)) == 2


def test_someone_who_walked_out_of_the_picture_is_joined_only_to_a_person_coming_back_in():
    # A walks right and out through the right edge at 2.0 s. 3 s later someone shows up in the
    # middle of the room (another person walking in from the camera's side), or at the right
    # edge (A coming back): only the second is joined.
    def walk_out(t: float) -> Box:
        return person(900 + 200 * t, 400, 300, with_landmarks=False).clipped(WIDTH, HEIGHT)

    out = [(t, [walk_out(t)]) for t in times(2.0)]
    middle = [(5.0 + t, [person(700 + 40 * t, 400, 300, with_landmarks=False)]) for t in times(2)]
    back = [
        (5.0 + t, [person(1240 - 100 * t, 400, 300, with_landmarks=False).clipped(WIDTH, HEIGHT)])
        for t in times(2)
    ]
    assert out[-1][1][0].x2 == WIDTH  # on the edge
    assert len(join_tracks(link_tracks(out + middle, WIDTH, HEIGHT), WIDTH, HEIGHT)) == 2
    assert len(join_tracks(link_tracks(out + back, WIDTH, HEIGHT), WIDTH, HEIGHT)) == 1
    # Standing still beside the edge is not walking out: joined to the one found nearby.
    still = [(t, [Box(1000, 250, WIDTH, 550, 0.9)]) for t in times(2.0)]
    near = [(5.0 + t, [Box(1000, 250, 1250, 550, 0.9)]) for t in times(2)]
    assert len(join_tracks(link_tracks(still + near, WIDTH, HEIGHT), WIDTH, HEIGHT)) == 1


def test_joining_checks_its_input_and_keeps_an_empty_list():
    assert join_tracks([], WIDTH, HEIGHT) == []
    with pytest.raises(ValueError, match="frame size"):
        join_tracks([], 0, HEIGHT)


# The clip's whole timeline as the pose model finds it (5 fps, real boxes, `extract_features`
# with the current finder): the man on the roof until 3.8 s, unseen in his run-up, take-off
# and flip (3 s), landed from 6.8 s at the bottom right; the woman walking in from the right
# (2.0 s) and out through the left edge (6.6 s).
_MAN = {
    0.0: (547, 16, 759, 510), 0.2: (504, 46, 793, 509), 0.4: (448, 0, 856, 490),
    0.6: (455, 0, 804, 487), 0.8: (463, 0, 793, 516), 1.0: (443, 0, 830, 482),
    1.2: (455, 0, 839, 477), 1.4: (540, 36, 760, 513), 1.6: (445, 0, 854, 484),
    1.8: (468, 0, 796, 486), 2.0: (476, 0, 776, 507), 2.2: (402, 0, 864, 486),
    2.4: (466, 11, 816, 474), 2.6: (536, 43, 727, 510), 2.8: (529, 45, 741, 502),
    3.0: (531, 9, 747, 492), 3.2: (544, 25, 758, 509), 3.4: (574, 39, 742, 500),
    3.6: (597, 36, 778, 497), 3.8: (614, 41, 776, 514),
    6.8: (1059, 672, 1330, 923), 7.0: (1077, 586, 1436, 924), 7.2: (1230, 548, 1515, 948),
    7.4: (1319, 500, 1605, 931),
}  # fmt: skip
_WOMAN = {
    2.0: (1229, 496, 1547, 994), 2.2: (1233, 487, 1510, 995), 2.4: (1185, 476, 1402, 974),
    2.6: (1070, 481, 1397, 974), 2.8: (1061, 475, 1345, 979), 3.0: (1049, 468, 1216, 968),
    3.2: (905, 471, 1198, 973), 3.4: (863, 476, 1172, 975), 3.6: (872, 462, 1035, 967),
    3.8: (713, 462, 1029, 968), 4.0: (679, 460, 990, 978), 4.2: (689, 455, 847, 984),
    4.4: (532, 463, 838, 972), 4.6: (487, 466, 804, 980), 4.8: (489, 452, 673, 978),
    5.0: (395, 442, 644, 995), 5.2: (304, 460, 626, 985), 5.4: (320, 454, 492, 987),
    5.6: (182, 463, 482, 995), 5.8: (109, 476, 447, 995), 6.0: (91, 450, 305, 995),
    6.2: (0, 466, 259, 990), 6.4: (0, 477, 242, 995), 6.6: (0, 463, 135, 962),
}  # fmt: skip


def test_the_backflip_man_is_one_track_from_the_roof_to_the_landing_and_never_the_woman():
    frames = [
        (t, [Box(*people[t], 0.9) for people in (_MAN, _WOMAN) if t in people])
        for t in sorted(set(_MAN) | set(_WOMAN))
    ]
    linked = link_tracks(frames, 1768, 994)
    assert _spans(linked) == [(0.0, 3.8, 20), (2.0, 6.6, 24), (6.8, 7.4, 4)]
    tracks = join_tracks(linked, 1768, 994)
    assert _spans(tracks) == [(0.0, 7.4, 24), (2.0, 6.6, 24)]
    for track, person_boxes in zip(tracks, (_MAN, _WOMAN), strict=True):
        assert [tuple(round(v) for v in (b.x1, b.y1, b.x2, b.y2)) for b in track.boxes] == list(
            person_boxes.values()
        )
    # The automatic choice: as long in view as the woman, and his body moves more.
    choice = choose_athlete(tracks, frames, 1768, 994)
    assert choice.track_id == 0, choice.reason

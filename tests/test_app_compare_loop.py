"""The comparison's A-B loop and go-to on the common time axis, without Qt."""

from __future__ import annotations

import pytest

from judgeapp.app.compare import (
    CommonLoop,
    CompareTransport,
    Comparison,
    SideVideo,
    parse_common_time,
)
from judgeapp.core.errors import JudgeappError

JUGGLE = SideVideo("juggle.mp4", 24.0, 247, 247 / 24)  # 10.29 s
SQUATS = SideVideo("squats.mp4", 5.0, 65, 13.0)


def _transport() -> CompareTransport:
    return CompareTransport(Comparison(JUGGLE, SQUATS, sync_a_s=2.0, sync_b_s=1.0))


def test_go_to_common_own_and_negative_times() -> None:
    c = Comparison(JUGGLE, SQUATS, sync_a_s=2.0, sync_b_s=1.0)
    assert parse_common_time("0:01.5", c) == pytest.approx(1.5)
    assert parse_common_time("4.25", c) == pytest.approx(4.25)
    assert parse_common_time("-0:01.5", c) == pytest.approx(-1.5)
    assert parse_common_time("−2", c) == pytest.approx(-2.0)  # the read-out's minus sign
    # A side's own time: A at 5 s is common 3 s; B at 5 s is common 4 s.
    assert parse_common_time("A 0:05", c) == pytest.approx(3.0)
    assert parse_common_time("b 5", c) == pytest.approx(4.0)
    transport = CompareTransport(c)
    transport.go_to("A 0:05")
    assert transport.frames() == (120, 20)  # A's own 5 s; B at its own 1 + 3 s


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type a common time"),
        ("soon", "is not a common time"),
        ("-0:03", "off the common timeline"),  # before the earlier start (-2.0)
        ("0:20", "off the common timeline"),
        ("A 0:11", "past the end of A"),
        ("B -1", "not negative"),
        ("1:75", "is not a common time"),
    ],
)
def test_go_to_refuses_in_one_line(text: str, message: str) -> None:
    transport = _transport()
    transport.seek(1.0)
    with pytest.raises(JudgeappError, match=message) as caught:
        transport.go_to(text)
    assert "\n" not in str(caught.value)
    assert transport.t == 1.0  # nothing moved


def test_loop_plays_round_forwards_and_backwards() -> None:
    transport = _transport()
    transport.seek(3.0)
    transport.set_loop_end("b")  # B first, then A: the loop is between them either way
    transport.set_loop_end("a", 1.0)
    assert transport.loop == CommonLoop(a=1.0, b=3.0)
    assert transport.loop.text() == "A-B loop +0:01.0 to +0:03.0"
    transport.seek(0.0)
    transport.play()  # outside the loop: playback starts from its start
    assert transport.t == pytest.approx(1.0)
    transport.tick(1.5)
    assert transport.t == pytest.approx(2.5)
    transport.tick(1.0)  # past B: on from A
    assert transport.t == pytest.approx(1.5)
    assert transport.velocity == 1.0  # a loop plays until paused
    assert transport.frames() == (84, 12)
    transport.tick(200.25)  # many rounds later, still inside
    assert 1.0 <= transport.t < 3.0 and transport.t == pytest.approx(1.75)
    transport.pause()
    transport.play(-1.0)  # backwards from inside: round the other way
    transport.tick(1.0)
    assert transport.t == pytest.approx(2.75)
    transport.seek(3.0)
    transport.play(-2.0)
    assert transport.t == pytest.approx(3.0)  # at B: inside, backwards from there


def test_loop_with_one_end_does_not_loop_and_sync_changes_clear_it() -> None:
    transport = _transport()
    transport.seek(1.0)
    transport.set_loop_end("a")
    assert not transport.loop.active and transport.loop.text() == "A +0:01.0"
    transport.play()
    transport.tick(100.0)  # plays to the end as without a loop
    assert transport.velocity == 0.0 and transport.t == transport.comparison.end_s
    transport.set_loop_end("a", -1.0)
    transport.set_loop_end("b", 2.0)
    assert transport.loop.text() == "A-B loop −0:01.0 to +0:02.0"
    transport.set_loop_end("b", 99.0)  # clamped to the axis
    assert transport.loop.b == transport.comparison.end_s
    transport.set_sync_here("a")  # the common times now name other moments
    assert transport.loop == CommonLoop()
    transport.set_loop_end("a", 0.0)
    transport.set_loop_end("b", 1.0)
    transport.set_linked(False)
    transport.set_linked(True)  # relinked: the axis moved
    assert transport.loop == CommonLoop()
    transport.set_loop_end("a", 0.0)
    transport.clear_loop()
    assert transport.loop == CommonLoop()

"""Argument types every subcommand shares: one message for a count that is not a whole number
of 1 or more, whichever command and option it is given to."""

from __future__ import annotations

import argparse

import pytest

from judgeapp.cli import main
from judgeapp.commands.common import positive_int


def test_positive_int_accepts_whole_numbers_from_one() -> None:
    assert positive_int("1") == 1 and positive_int(" 12 ") == 12
    for text in ("abc", "0", "-3", "2.5", ""):
        with pytest.raises(argparse.ArgumentTypeError) as info:
            positive_int(text)
        assert str(info.value) == f"expected a whole number of 1 or more, got {text!r}"


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["train", "--features", "f", "--labels", "l.csv", "--seeds", "abc"], "--seeds"),
        (["train", "--features", "f", "--labels", "l.csv", "--epochs", "0"], "--epochs"),
        (["extract", "videos", "feats", "--cpus-per-worker", "x"], "--cpus-per-worker"),
    ],
)
def test_a_bad_count_is_one_usage_line_naming_the_option(argv, option, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    value = argv[-1]
    assert f"argument {option}: expected a whole number of 1 or more, got {value!r}" in err
    assert "_positive_int" not in err and "invalid" not in err and "Traceback" not in err

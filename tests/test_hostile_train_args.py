"""`train` checks its arguments before training (issue 11, class 12): a score range of inf or
nan is a usage error, an --out that cannot take the checkpoint fails before the first epoch."""

from __future__ import annotations

from pathlib import Path

import pytest
from training_helpers import one_thread  # noqa: F401  (fixture)

from judgeapp.cli import main
from judgeapp.training.synthetic import SyntheticSpec, make_videos, write_labels_csv, write_videos

pytestmark = pytest.mark.usefixtures("one_thread")
TINY = SyntheticSpec(videos=12, dynamic_dim=16, static_dim=32, segments=(3, 6), frames=(4, 9))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    videos = make_videos(TINY, seed=1)
    write_videos(root / "features", videos)
    write_labels_csv(root / "train.csv", videos)
    return root


def _args(root: Path, score_max: str, out: Path) -> list[str]:
    return [
        "train", "--features", str(root / "features"), "--labels", str(root / "train.csv"),
        "--routine", "tiny", "--score-max", score_max, "--epochs", "200", "--batch-size", "4",
        "--device", "cpu", "--out", str(out),
    ]  # fmt: skip


@pytest.mark.parametrize("value", ["inf", "nan", "-3", "0", "lots"])
def test_a_score_range_that_is_no_number_is_a_usage_error(tiny, tmp_path, capsys, value):
    with pytest.raises(SystemExit) as info:
        main(_args(tiny, value, tmp_path / "head.safetensors"))
    assert info.value.code == 2
    assert "--score-max" in capsys.readouterr().err
    assert not (tmp_path / "head.safetensors").exists()


def test_an_out_that_cannot_take_the_checkpoint_fails_before_training(tiny, tmp_path, capsys):
    folder = tmp_path / "models"
    folder.mkdir()
    (tmp_path / "notes").write_text("a file")
    for out, problem in [
        (folder, "is a folder; --out names the checkpoint file"),
        (tmp_path / "notes" / "head.safetensors", "is a file, not a folder"),
    ]:
        assert main(_args(tiny, "25", out)) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: {out}: ") and problem in err, err
        assert "epoch" not in err  # not one epoch was trained
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "option, value",
    [
        ("--lr-regressor", "inf"),
        ("--lr-attention", "nan"),
        ("--lr-attention", "-1"),
        ("--momentum", "nan"),
        ("--lr-gamma", "nan"),
        ("--weight-decay", "-5"),
        ("--kernel-scale", "nan"),
        ("--dropout", "2"),
    ],
)
def test_a_nonsense_training_setting_is_a_usage_error_before_loading(
    tmp_path, capsys, option, value
):
    """Checked by the parser (exit 2), so not even the feature folder is read: it is absent."""
    missing = tmp_path / "absent"
    with pytest.raises(SystemExit) as info:
        main([*_args(missing, "25", tmp_path / "head.safetensors"), option, value])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert option in err and "finite number" in err, err
    assert "absent" not in err


def test_features_that_make_the_loss_explode_stop_in_one_line(tmp_path, capsys):
    """Features of 3e38 give an infinite loss on the first epoch: one line, nothing written
    (it trained every epoch with loss NaN, exit 0, and wrote a head nothing would load)."""
    videos = make_videos(TINY, seed=2)
    for video in videos:
        video.dynamic[:] = 3e38
    write_videos(tmp_path / "features", videos)
    write_labels_csv(tmp_path / "train.csv", videos)
    out = tmp_path / "head.safetensors"
    assert main(_args(tmp_path, "25", out)) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert errors == lines[-1:], lines  # one error line, the last; no traceback
    assert errors[0].startswith("error: training diverged: the loss is nan at epoch 1 ")
    assert not out.exists()

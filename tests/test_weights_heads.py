"""Installed trained heads: the heads folder, listing by model card, installing, choosing one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from weights_helpers import files_in, own_weights_folders, pickle_file, save_head

from judgeapp.analysis.head_loading import load_head
from judgeapp.core.errors import CheckpointError
from judgeapp.model import load_checkpoint, read_model_card
from judgeapp.weights.head_resolver import resolve_head
from judgeapp.weights.heads import (
    heads_dir,
    install_head,
    installed_heads,
    scan_heads,
    usable_head_name,
)

SMALL = (1024, 2048)  # a head must fit its profile (torchvision and paper: 1024-d, 2048-d)


@pytest.fixture(autouse=True)
def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "cache")


def _installed(tmp_path: Path, routine: str, age_s: int, profile: str = "torchvision") -> Path:
    """A head for `routine` installed `age_s` seconds ago (its modification time)."""
    source = tmp_path / "made" / f"{routine}.safetensors"
    save_head(source, routine, profile=profile, dims=SMALL)
    path, _ = install_head(source)
    stamp = 1_700_000_000 - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_the_heads_folder_is_in_the_cache(tmp_path) -> None:
    assert heads_dir() == tmp_path / "cache" / "heads"
    assert installed_heads() == [] and resolve_head(None, None).path is None


def test_the_newest_head_of_the_profile_is_the_default(tmp_path) -> None:
    ball = _installed(tmp_path, "ball", age_s=300)
    clubs = _installed(tmp_path, "clubs", age_s=100)
    hoop = _installed(tmp_path, "hoop", age_s=200, profile="paper")
    assert [h.path for h in installed_heads()] == [clubs, hoop, ball]
    assert [h.card.routine for h in installed_heads("torchvision")] == ["clubs", "ball"]
    assert resolve_head(None, None).path == clubs
    assert resolve_head(None, "paper").path == hoop
    assert resolve_head(None, "torchvision").path == clubs

    head, card, profile = load_head(None, "paper", "torchvision", dims_for=None)
    assert (card.routine, profile) == ("hoop", "paper")
    assert card == load_checkpoint(hoop)[1]


def test_listing_reads_cards_and_skips_what_is_no_head(tmp_path) -> None:
    ball = _installed(tmp_path, "ball", age_s=10)
    pickle_file(heads_dir() / "evil.safetensors")
    (heads_dir() / ".staged-x.part").write_bytes(b"half")  # an installation under way
    (heads_dir() / "readme.txt").write_text("not a head")
    heads, problems = scan_heads()
    assert [h.path for h in heads] == [ball]
    assert len(problems) == 1 and "evil.safetensors: a pickle file" in problems[0]

    data = ball.read_bytes()
    ball.write_bytes(data[:-4] + b"\x00\x00\xc0\x7f")  # a NaN weight: the header is intact
    assert [h.path for h in installed_heads()] == [ball]
    with pytest.raises(CheckpointError, match="ball.safetensors"):
        load_head(None, None, "torchvision", dims_for=None)  # loading it says what is wrong


def test_no_installed_head_says_what_to_do() -> None:
    with pytest.raises(CheckpointError) as info:
        load_head(None, "paper", "torchvision", dims_for=None)
    message = str(info.value)
    assert str(heads_dir()) in message and "'paper' profile" in message
    assert "judgeapp models install PACK" in message and "HEAD.safetensors" in message
    assert "--model random" in message and "\n" not in message


def test_install_head_validates_the_whole_file_first(tmp_path) -> None:
    source = tmp_path / "ball.safetensors"
    save_head(source, dims=SMALL)
    source.write_bytes(source.read_bytes()[:-4])  # truncated: the header promises more bytes
    with pytest.raises(CheckpointError, match=f"{source}: "):
        install_head(source)
    assert files_in(heads_dir()) == []

    fake = pickle_file(tmp_path / "fake.safetensors")
    with pytest.raises(CheckpointError, match="refused without unpickling"):
        install_head(fake)
    assert files_in(heads_dir()) == []


def test_an_install_removes_staged_copies_left_by_a_killed_one(tmp_path) -> None:
    heads_dir().mkdir(parents=True)
    left = heads_dir() / ".staged-killed.part"
    left.write_bytes(b"half a head")
    hour_ago = left.stat().st_mtime - 3601
    os.utime(left, (hour_ago, hour_ago))
    running = heads_dir() / ".staged-running.part"  # another install, under way now
    running.write_bytes(b"being written")
    source = tmp_path / "ball.safetensors"
    save_head(source, dims=SMALL)
    path, _ = install_head(source)
    assert not left.exists() and running.exists() and path.is_file()


def test_odd_file_names_get_a_usable_one(tmp_path) -> None:
    assert usable_head_name("ball.safetensors") == "ball.safetensors"
    assert usable_head_name("my ball (v2).safetensors") == "my_ball__v2_.safetensors"
    assert usable_head_name(".hidden.st") == "hidden.st.safetensors"
    source = tmp_path / "RG ribbon.safetensors"
    save_head(source, "ribbon", dims=SMALL)
    path, card = install_head(source)
    assert path == heads_dir() / "RG_ribbon.safetensors" and card.routine == "ribbon"


@pytest.mark.qt  # imports the main window: the GUI must not need torch either
def test_reading_a_card_needs_no_torch(tmp_path) -> None:
    path = tmp_path / "ball.safetensors"
    card = save_head(path, dims=SMALL)
    assert read_model_card(path) == card
    code = (
        "import sys; from judgeapp.model import read_model_card; "
        "import judgeapp.ui.main_window; from judgeapp.weights.heads import scan_heads; "
        f"card = read_model_card({str(path)!r}); scan_heads(); "
        "assert 'torch' not in sys.modules, 'torch imported'; print(card.routine)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ball"

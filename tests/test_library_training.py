"""Training on the library's own scored videos: folds that never split an athlete, the
estimate, the minimum number of videos, cancel leaving nothing installed, the card's line,
export and import back, and retrain offers. Features come from a stand-in extractor (the
real backbones run in scripts/library_training_demo.py)."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import pytest
from report_helpers import make_result
from training_helpers import one_thread  # noqa: F401 - fixture

from judgeapp.app.library_training import (
    LibraryTrainRequest,
    count_rows,
    export_training_set,
    install_trained,
    library_sets,
    library_videos,
    retrain_offers,
    train_from_library,
)
from judgeapp.app.score_import import apply_import, preview_import
from judgeapp.app.score_view import trained_on_text
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.marks import PanelScore
from judgeapp.core.progress import CancelToken
from judgeapp.core.results import VideoInfo
from judgeapp.features.video_features import VideoFeatures
from judgeapp.model.header import read_set_card
from judgeapp.store.library import Library, PanelEntry
from judgeapp.training.cross_validation import MIN_VIDEOS, group_folds
from judgeapp.training.library_set import LibraryVideo
from judgeapp.weights.heads import head_files

pytestmark = pytest.mark.usefixtures("one_thread", "private_tmp")


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Temporary folders of this test only (other runs may train at the same time)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def _features(score: float, rng: np.random.Generator) -> VideoFeatures:
    """Features in which the score is visible: every instance carries it (plus noise)."""
    dyn = (rng.random((2, 1024)) + 0.02 * score).astype(np.float32)
    stat = (rng.random((3, 2048)) + 0.02 * score).astype(np.float32)
    return VideoFeatures(
        profile="torchvision",
        dynamic=dyn,
        segment_start_s=np.array([0.0, 3.2]),
        segment_end_s=np.array([3.2, 6.4]),
        static=stat,
        static_time_s=np.array([0.5, 1.5, 2.5]),
        static_frame=np.array([12, 37, 62]),
        static_box=np.zeros((3, 4)),
        detector="none",
    )


class FakeExtract:
    """(hash, features) for each video file, counting calls."""

    def __init__(self, scores: dict[str, tuple[str, float]]) -> None:
        self.by_path = scores
        self.calls = 0

    def __call__(self, path, progress, cancel):
        self.calls += 1
        sha, score = self.by_path[str(path)]
        return sha, _features(score, np.random.default_rng(int(sha[-6:], 16)))


def _videos(tmp_path: Path, n: int, athletes: int = 0) -> tuple[list[LibraryVideo], FakeExtract]:
    rng = np.random.default_rng(1)
    videos, by_path = [], {}
    for i in range(n):
        path = tmp_path / f"clip{i:02d}.mp4"
        path.write_bytes(b"v")
        score = float(rng.uniform(2, 20))
        sha = f"{i + 1:064x}"
        athlete = f"a{i % athletes}" if athletes else ""
        videos.append(LibraryVideo(sha, str(path), "ball", score, athlete=athlete))
        by_path[str(path)] = (sha, score)
    return videos, FakeExtract(by_path)


def _request(**changes) -> LibraryTrainRequest:
    base = {"routine": "ball", "seeds": 2, "folds": 3, "epochs": 8}
    return LibraryTrainRequest(**{**base, **changes})


def _leftover_workdirs() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob("judgeapp-library-train-*"))


def test_folds_never_split_an_athlete() -> None:
    rng = np.random.default_rng(0)
    for trial in range(50):
        groups = [f"athlete{rng.integers(0, 7)}" for _ in range(int(rng.integers(8, 40)))]
        folds = group_folds(groups, 5, seed=trial)
        seen = sorted(int(i) for f in folds for i in f)
        assert seen == list(range(len(groups)))  # every video in exactly one fold
        for fold in folds:
            inside = {groups[i] for i in fold}
            outside = {groups[i] for f in folds if f is not fold for i in f}
            assert not inside & outside
    with pytest.raises(JudgeappError):
        group_folds(["same"] * 10, 5)


def test_below_the_minimum_it_trains_only_when_asked_twice(tmp_path) -> None:
    videos, extract = _videos(tmp_path, 9)
    with pytest.raises(JudgeappError, match=f"below {MIN_VIDEOS}"):
        train_from_library(videos, _request(), extract=extract)
    assert extract.calls == 0
    trained = train_from_library(videos, _request(confirmed_small=True), extract=extract)
    try:
        card = trained.card
        assert card.name.endswith("-few-videos") and card.library["below_minimum"]
        line = card.describe()
        assert line.startswith("trained on 9 videos of this library; cross-validated Spearman ")
        assert f"fewer than {MIN_VIDEOS} videos" in line
        estimate = trained.estimates["total"]
        assert estimate.videos == 9 and estimate.folds == 3 and estimate.coverage is not None
    finally:
        trained.discard()
    assert not trained.workdir.exists()


def test_cancel_in_the_middle_leaves_no_half_installed_model(tmp_path) -> None:
    videos, extract = _videos(tmp_path, 8)
    before_heads = head_files()
    cancel = CancelToken()

    def progress(report) -> None:
        if report.stage.startswith("cross-validating") and report.done == 2:
            cancel.cancel()  # during cross-validation: after two training runs

    with pytest.raises(Cancelled):
        train_from_library(
            videos, _request(confirmed_small=True), progress, cancel, extract=extract
        )
    assert head_files() == before_heads
    assert _leftover_workdirs() == []


def test_installed_set_says_what_it_was_trained_on_and_old_sets_stay(tmp_path) -> None:
    videos, extract = _videos(tmp_path, 8, athletes=4)
    first = install_trained(
        train_from_library(videos, _request(confirmed_small=True), extract=extract)
    )
    second = install_trained(
        train_from_library(videos, _request(confirmed_small=True, seeds=1), extract=extract)
    )
    assert first != second and first.is_file() and second.is_file()
    card = read_set_card(second)
    assert card.library["videos"] == 8 and "cross-validated Spearman" in card.describe()
    assert card.main_card().trained_on == card.describe()  # what the score panel shows
    assert {p for p, _ in library_sets()} >= {first, second}
    # a result this set made, reopened from the library (no card facts): the score panel's
    # "Trained on" row still gives the estimate, read from the installed set
    info = VideoInfo(videos[0].path, videos[0].sha256, 90.0, 25.0, 2250, 640, 360)
    result = make_result(info)
    result = dataclasses.replace(result, model=dataclasses.replace(result.model, name=card.name))
    assert trained_on_text(result, "", None) == card.describe()
    other = dataclasses.replace(result, model=dataclasses.replace(result.model, name="rg-ball"))
    assert trained_on_text(other, "", None) == "—"
    assert _leftover_workdirs() == []
    # the library grows: 12 more scored ball videos than the newest set was trained on
    grown = videos + [LibraryVideo(f"{100 + i:064x}", f"x{i}.mp4", "ball", 5.0) for i in range(12)]
    offers = retrain_offers(grown, library_sets())
    assert [(o.routine, o.trained_videos, o.scored_now) for o in offers] == [("ball", 8, 20)]
    assert retrain_offers(videos, library_sets()) == []


def test_export_writes_the_authors_layout_and_imports_back(tmp_path) -> None:
    lib = Library.open(tmp_path / "lib.sqlite3")
    videos, extract = _videos(tmp_path, 5)
    for v in videos:
        lib.remember_video(VideoInfo(v.path, v.sha256, 6.4, 25.0, 160, 96, 72))
        entry = PanelEntry(PanelScore(v.total, 4.0, 7.0), "ball", "anna")
        lib.import_panel_entries("test", {v.sha256: entry})
    stored = library_videos(lib)
    assert count_rows(stored)[0].cells() == ["ball", "5 (few)", "5 (few)", "5 (few)"]
    out = tmp_path / "exported"
    written, failed = export_training_set(stored, _request(), out, extract=extract)
    assert written == 5 and failed == {}
    names = sorted(p.stem for p in (out / "dynamic_feat").glob("*.npy"))
    assert names == sorted(v.name for v in stored) and all(n.startswith("Ball_") for n in names)
    assert (out / "labels.txt").read_text().startswith("Video_Name")
    # the folder's scores come back by content hash
    for v in stored:
        lib.set_panel_score(v.sha256, None)
    preview = preview_import(lib, out)
    assert preview.problems == () and {r.matched_by for r in preview.rows} == {"hash"}
    apply_import(lib, preview)
    assert lib.panel_entry(videos[0].sha256).panel.total == pytest.approx(videos[0].total)
    lib.close()


def test_the_command_trains_one_head_per_target_into_one_set(tmp_path, monkeypatch) -> None:
    """`train --library --target all`: difficulty, execution and total, each cross-validated,
    in one model set file (features from a stand-in extractor instead of the backbones)."""
    from judgeapp.app import library_training
    from judgeapp.cli import main

    videos, extract = _videos(tmp_path, 9)
    monkeypatch.setattr(library_training, "default_extract", lambda options: extract)
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        for i, video in enumerate(videos):
            library.remember_video(VideoInfo(video.path, video.sha256, 4.0, 25.0, 100, 96, 72))
            panel = PanelScore(video.total, 1.0 + i % 5, video.total / 2.0)
            library.import_panel_entries("test", {video.sha256: PanelEntry(panel, "ball", "")})
    out = tmp_path / "set.safetensors"
    args = ["train", "--library", str(path), "--target", "all", "--seeds", "1", "--folds", "3",
            "--epochs", "3", "--force", "--out", str(out), "--device", "cpu"]  # fmt: skip
    assert main(args) == 0
    card = read_set_card(out)
    assert list(card.targets) == ["difficulty", "execution", "total"]
    assert all(len(members) == 1 for members in card.targets.values())
    assert card.library["videos"] == 9
    assert set(card.library["estimates"]) == {"difficulty", "execution", "total"}
    assert extract.calls == 9  # features gathered once for all three targets

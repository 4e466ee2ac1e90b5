"""One head resolver: the head an analysis scores with, the hash the library's reuse check
compares against, the head the Models window and `models list` call the default, and the card
a reopened result's "Trained on" comes from are one and the same, decided in
`weights.head_resolver` alone."""

from __future__ import annotations

import ast
import dataclasses
import os
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result
from weights_helpers import own_weights_folders, save_head

from judgeapp.analysis.head_loading import load_head
from judgeapp.app.library_service import LibraryService
from judgeapp.app.models_view import CANNOT_SCORE, CHOSEN, NEWEST, head_tooltip, head_uses
from judgeapp.app.requests import AnalysisRequest, head_for, stored_result_reusable
from judgeapp.app.score_view import CardFacts, score_view
from judgeapp.cli import main
from judgeapp.core.files import sha256_file
from judgeapp.core.results import Provenance
from judgeapp.features.recipes import FEATURE_SIZES, current_recipe
from judgeapp.weights import head_resolver
from judgeapp.weights.head_resolver import default_head, list_heads, resolve_head
from judgeapp.weights.heads import head_problem, heads_dir, install_head, installed_heads

PACKAGE = Path(__file__).resolve().parents[1] / "judgeapp"
# The functions that list the heads folder: choosing from their listing is the resolver's job.
LISTING = {"head_files", "scan_heads", "installed_heads"}
REQUEST = AnalysisRequest(pretrained=False, detector="hog")  # the installed head, any profile
# Modules that list the heads folder's files for something other than the head a request
# scores with (model sets trained on the library, found by their set cards); a new one must
# be added here on purpose, never to pick "the newest file".
OTHER_LISTERS = {"app/library_training.py": {"head_files"}, "app/score_view.py": {"head_files"}}
RESOLVER_AND_LISTING = ("weights/head_resolver.py", "weights/heads.py")


@pytest.fixture(autouse=True)
def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "cache")


def _usable_and_newer_unusable(tmp_path: Path) -> tuple[Path, Path]:
    """An installed ball head (it can score) and, newer, a hoop head of other feature sizes
    copied into the heads folder by hand (installing would refuse it): (usable, unusable)."""
    source = tmp_path / "made" / "ball.safetensors"
    save_head(source, "ball", trained_on="ball routines of the 2023 season")
    usable, _ = install_head(source)
    unusable = heads_dir() / "hoop-1000d.safetensors"
    save_head(unusable, "hoop", dims=(1000, 2048))
    os.utime(usable, (1_700_000_000, 1_700_000_000))
    os.utime(unusable, (1_700_000_100, 1_700_000_100))  # newer
    return usable, unusable


def _stored_by(head: Path):
    """A library result made by `head` with REQUEST's settings."""
    made = Provenance("torchvision", current_recipe("torchvision"), False, "hog", sha256_file(head))
    return dataclasses.replace(make_result(fake_video_info("ball.mp4")), provenance=made)


def test_the_newest_head_that_can_score_is_the_one_everybody_uses(tmp_path) -> None:
    usable, unusable = _usable_and_newer_unusable(tmp_path)
    heads, _ = list_heads()
    assert [h.path for h in heads] == [unusable, usable]  # newest first
    assert head_problem(heads[0].card) and not head_problem(heads[1].card)

    choice = resolve_head(None, None)
    assert choice.path == usable and choice.sha256 == sha256_file(usable)
    assert choice.card == heads[1].card and not choice.missing
    assert resolve_head("", "torchvision") == choice == head_for(REQUEST)
    assert default_head(heads, None) == heads[1]
    _, card, _ = load_head(None, None, "torchvision", dims_for=None)  # what analyze() loads
    assert card == choice.card


def test_the_library_reuses_a_result_of_the_usable_head(tmp_path) -> None:
    usable, _ = _usable_and_newer_unusable(tmp_path)
    stored = _stored_by(usable)
    assert stored_result_reusable(stored, REQUEST)
    with LibraryService.open(tmp_path / "library.sqlite") as library:
        library.save_result(stored)
        found = library.find_result(stored.video.sha256, REQUEST)
    assert found.result is not None and not found.outdated


def test_a_result_of_another_head_is_not_reused(tmp_path) -> None:
    _, unusable = _usable_and_newer_unusable(tmp_path)
    assert not stored_result_reusable(_stored_by(unusable), REQUEST)
    other = tmp_path / "other.safetensors"
    save_head(other, "ball", seed=7)
    assert not stored_result_reusable(_stored_by(other), REQUEST)
    assert stored_result_reusable(_stored_by(other), dataclasses.replace(REQUEST, model=str(other)))


def test_the_models_window_calls_the_usable_head_the_default(tmp_path) -> None:
    _usable_and_newer_unusable(tmp_path)
    heads = installed_heads()
    assert head_uses(heads, "", "") == [CANNOT_SCORE, NEWEST]
    assert head_uses(heads, "", "torchvision") == [CANNOT_SCORE, NEWEST]
    assert head_uses(heads, "", "paper") == [CANNOT_SCORE, ""]
    assert head_uses(heads, str(heads[0].path), "") == [CHOSEN, ""]  # named: it says why later
    assert "cannot score videos: its model card expects 1000-d" in head_tooltip(heads[0])
    assert "cannot score" not in head_tooltip(heads[1])


def test_models_list_names_the_default_and_the_head_that_cannot_score(tmp_path, capsys) -> None:
    usable, unusable = _usable_and_newer_unusable(tmp_path)
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert f"that can score (torchvision: {usable.name})" in out
    assert f"cannot score: {unusable}: its model card expects 1000-d dynamic features" in out


def test_a_reopened_result_says_what_its_head_was_trained_on(tmp_path) -> None:
    usable, _ = _usable_and_newer_unusable(tmp_path)
    stored = _stored_by(usable)
    with LibraryService.open(tmp_path / "library.sqlite") as library:
        library.save_result(stored)
        found = library.find_result(stored.video.sha256, REQUEST)
    assert found.head is not None and found.head.path == usable
    rows = dict(score_view(found.result, CardFacts.of_head(found.head)).rows)
    assert rows["Trained on"] == "ball routines of the 2023 season"
    assert rows["Test Spearman"] == "0.500"


def test_untrained_and_missing_heads() -> None:
    untrained = resolve_head("random", "paper")
    assert untrained.untrained and untrained.sha256 == "" and untrained.path is None
    assert CardFacts.of_head(untrained) == CardFacts(trained=False)
    missing = resolve_head(None, "paper")
    assert missing.path is None and missing.sha256 is None and not missing.untrained
    assert str(heads_dir()) in missing.missing and "'paper' profile" in missing.missing
    assert CardFacts.of_head(missing) == CardFacts()
    named = resolve_head(str(heads_dir() / "gone.safetensors"), None)
    assert named.sha256 is None and named.card is None and not named.missing


def test_one_request_reads_the_heads_folder_once(tmp_path, monkeypatch) -> None:
    usable, _ = _usable_and_newer_unusable(tmp_path)
    reads = []
    listing = head_resolver.list_heads
    monkeypatch.setattr(head_resolver, "list_heads", lambda: reads.append(1) or listing())
    stored = _stored_by(usable)
    with LibraryService.open(tmp_path / "library.sqlite") as library:
        library.save_result(stored)
        assert library.find_result(stored.video.sha256, REQUEST).result is not None
    assert len(reads) == 1


def test_the_feature_sizes_table_is_the_profiles_own() -> None:
    from judgeapp.features.profiles import PROFILES

    assert FEATURE_SIZES == {n: (p.dynamic_dim, p.static_dim) for n, p in PROFILES.items()}


def _listing_names_used(path: Path) -> set[str]:
    """The listing functions a module imports from judgeapp.weights(.heads) or reaches as an
    attribute (`heads.scan_heads()`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in (
            "judgeapp.weights",
            "judgeapp.weights.heads",
        ):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names & LISTING


def test_only_the_resolver_lists_the_heads_folder() -> None:
    """Every module that needs the installed heads gets them from `weights.head_resolver`,
    where the choice of the default lives: a second place taking "the newest file" from the
    listing could not appear without importing a listing function here."""
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE).as_posix()
        found = _listing_names_used(path) - OTHER_LISTERS.get(name, set())
        if found and name not in RESOLVER_AND_LISTING:
            offenders[name] = sorted(found)
    assert offenders == {}


def test_a_gui_analysis_scores_with_the_resolved_head_and_reads_the_folder_once(
    tmp_path, monkeypatch
) -> None:
    import judgeapp.analysis
    from judgeapp.app.analysis_run import NoModel, run_analysis
    from judgeapp.core.progress import CancelToken

    usable, _ = _usable_and_newer_unusable(tmp_path)
    reads, asked = [], []
    listing = head_resolver.list_heads
    monkeypatch.setattr(head_resolver, "list_heads", lambda: reads.append(1) or listing())

    def analyze(video, options, **_kwargs):  # what the real analyze resolves, without networks
        asked.append(options.model)
        assert resolve_head(options.model, options.profile).path == usable
        return _stored_by(usable)

    monkeypatch.setattr(judgeapp.analysis, "analyze", analyze)
    outcome = run_analysis(tmp_path / "v.mp4", REQUEST, lambda _p: None, CancelToken())
    assert asked == [str(usable)] and len(reads) == 1
    assert outcome.facts == CardFacts("ball routines of the 2023 season", 0.5, True)

    paper = dataclasses.replace(REQUEST, profile="paper")  # no usable head for it
    assert isinstance(run_analysis(tmp_path / "v.mp4", paper, print, CancelToken()), NoModel)

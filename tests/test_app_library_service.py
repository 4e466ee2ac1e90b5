"""app.library_service without Qt: "the stored result, or analyse and save", real SQLite."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.app.jobs import JobRunner
from judgeapp.app.library_service import LibraryService, with_path
from judgeapp.app.requests import AnalysisRequest
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.marks import PanelScore
from judgeapp.core.progress import CancelToken
from judgeapp.core.results import Provenance, VideoInfo
from judgeapp.features.recipes import current_recipe
from judgeapp.store import Library

# A chosen head checkpoint: reuse compares its content hash with the one a result records.
HEAD_FILE = Path(tempfile.mkdtemp(prefix="judgeapp-test-head-")) / "ball.safetensors"
HEAD_FILE.write_bytes(b"stands in for a head checkpoint: only its hash matters here")
PRETRAINED = Provenance(
    "torchvision", current_recipe("torchvision"), True, "hog", sha256_file(HEAD_FILE)
)
REQUEST = AnalysisRequest(model=str(HEAD_FILE))  # pretrained backbones, that head, auto finder


@pytest.fixture(scope="module", autouse=True)
def _remove_head_file():
    yield
    shutil.rmtree(HEAD_FILE.parent, ignore_errors=True)


@pytest.fixture
def service(tmp_path: Path):
    with LibraryService.open(tmp_path / "lib.sqlite3") as lib:
        yield lib


def _video(tmp_path: Path, name: str = "hoop.mp4") -> tuple[Path, VideoInfo]:
    """A file standing in for a video (nothing decodes it here) and its facts."""
    path = tmp_path / name
    path.write_bytes(b"stand-in " + name.encode())
    info = dataclasses.replace(fake_video_info(name), path=str(path), sha256=sha256_file(path))
    return path, info


def _result(info: VideoInfo, score: float, provenance: Provenance | None = PRETRAINED):
    return dataclasses.replace(make_result(info, score=score), provenance=provenance)


class Analyser:
    """An analyse function that records its calls and scores `score`."""

    def __init__(self, info: VideoInfo, score: float) -> None:
        self.info, self.score = info, score
        self.calls: list[Path] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, path, progress, cancel):
        self.calls.append(Path(path))
        self.threads.append(threading.current_thread())
        cancel.raise_if_cancelled()
        return _result(self.info, self.score)


def test_a_stored_result_of_the_same_request_is_used_without_analysing(service, tmp_path):
    path, info = _video(tmp_path)
    service.save_result(_result(info, 14.0))
    analyser = Analyser(info, 20.0)
    answer = service.result_or_analyse(path, REQUEST, analyser)
    assert answer.reused and not answer.outdated and analyser.calls == []
    assert answer.result.score == 14.0 and answer.result.video.path == str(path)


def test_a_result_made_another_way_is_analysed_again_and_saved(service, tmp_path):
    path, info = _video(tmp_path)
    random_backbones = dataclasses.replace(PRETRAINED, pretrained=False)
    service.save_result(_result(info, 14.0, random_backbones))
    analyser = Analyser(info, 20.0)
    answer = service.result_or_analyse(path, REQUEST, analyser)
    assert not answer.reused and answer.outdated and analyser.calls == [path]
    assert answer.result.score == 20.0 and answer.save_error == ""
    assert service.library.latest_analysis(info.sha256).score == 20.0
    # Once saved it answers the same request: no second analysis.
    assert service.result_or_analyse(path, REQUEST, analyser).reused
    assert len(analyser.calls) == 1


def test_a_result_of_another_head_is_never_shown_for_this_one(service, tmp_path, monkeypatch):
    """The library's newest result was made by head A: asking for head B, or for the installed
    head when that is not A, analyses again."""
    from weights_helpers import save_head

    from judgeapp.weights.heads import heads_dir

    path, info = _video(tmp_path)
    service.save_result(_result(info, 14.0))  # made by HEAD_FILE
    other = tmp_path / "other-head.safetensors"
    other.write_bytes(b"another checkpoint")
    assert service.find_result(info.sha256, AnalysisRequest(model=str(other))).outdated
    assert service.find_result(info.sha256, REQUEST).result is not None

    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    installed = AnalysisRequest()  # the installed head
    assert service.find_result(info.sha256, installed).outdated  # none is installed
    heads_dir().mkdir(parents=True)
    save_head(heads_dir() / "ball.safetensors")
    assert service.find_result(info.sha256, installed).outdated  # installed: not HEAD_FILE
    by_installed = dataclasses.replace(
        PRETRAINED, head_sha256=sha256_file(heads_dir() / "ball.safetensors")
    )
    service.save_result(_result(info, 15.0, by_installed))
    assert service.find_result(info.sha256, installed).result.score == 15.0
    analyser = Analyser(info, 20.0)
    assert service.result_or_analyse(path, REQUEST, analyser).result.score == 20.0
    assert analyser.calls == [path]


def test_results_without_provenance_are_never_reused(service, tmp_path):
    path, info = _video(tmp_path)
    service.save_result(_result(info, 14.0, provenance=None))  # stored by an older judgeapp
    assert service.find_result(info.sha256, REQUEST).outdated
    answer = service.result_or_analyse(path, REQUEST, Analyser(info, 20.0))
    assert not answer.reused and answer.result.score == 20.0


def test_reanalyse_and_the_hash_the_caller_already_has(service, tmp_path):
    path, info = _video(tmp_path)
    service.save_result(_result(info, 14.0))
    analyser = Analyser(info, 20.0)
    assert not service.result_or_analyse(path, REQUEST, analyser, reanalyse=True).reused
    assert analyser.calls == [path]
    # With the hash given the file is not read at all: here it no longer exists.
    gone = tmp_path / "moved-away.mp4"
    answer = service.result_or_analyse(gone, REQUEST, analyser, sha256=info.sha256)
    assert answer.reused and answer.result.video.path == str(gone)


def test_an_unknown_file_is_hashed_and_a_missing_one_is_one_line(service, tmp_path):
    path, info = _video(tmp_path)
    analyser = Analyser(info, 11.0)
    answer = service.result_or_analyse(path, REQUEST, analyser)
    assert not answer.reused and not answer.outdated and analyser.calls == [path]
    with pytest.raises(JudgeappError, match="nothing.mp4: cannot read") as failure:
        service.result_or_analyse(tmp_path / "nothing.mp4", REQUEST, analyser)
    assert "\n" not in str(failure.value)


def test_a_job_thread_can_ask_and_a_cancelled_analysis_saves_nothing(service, tmp_path):
    path, info = _video(tmp_path)
    analyser = Analyser(info, 12.0)
    outcomes: list = []
    runner = JobRunner()  # delivers on the job's thread: the service must not use the owner's
    job = runner.start(
        lambda progress, cancel: service.result_or_analyse(
            path, REQUEST, analyser, progress=progress, cancel=cancel
        ),
        on_done=outcomes.append,
        on_failed=outcomes.append,
    )
    assert job.done.wait(10)
    assert len(outcomes) == 1 and not isinstance(outcomes[0], str), outcomes
    assert analyser.threads[0] is not threading.main_thread()
    assert service.library.latest_analysis(info.sha256).score == 12.0  # saved from the job

    other_path, other = _video(tmp_path, "ball.mp4")
    token_analyser = Analyser(other, 13.0)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        service.result_or_analyse(other_path, REQUEST, token_analyser, cancel=token)
    assert service.library.latest_analysis(other.sha256) is None


def test_a_read_only_library_still_gives_the_result_and_says_why_it_was_not_saved(
    service, tmp_path
):
    path, info = _video(tmp_path)
    service.library.read_only = "the disk is read-only"
    answer = service.result_or_analyse(path, REQUEST, Analyser(info, 16.0))
    assert answer.result.score == 16.0 and not answer.reused
    assert "cannot write the library (the disk is read-only)" in answer.save_error
    assert service.read_only


def test_the_list_exports_and_opening_errors(service, tmp_path):
    path, info = _video(tmp_path)
    first = service.save_result(_result(info, 14.0))
    service.save_result(_result(info, 15.0))
    service.library.set_panel_score(info.sha256, PanelScore(13.0))
    service.library.add_mark(info.sha256, 2.0, "comment", "wobble")
    rows = service.analyses("hoop", "-score")
    assert [r.score for r in rows] == [15.0]  # the newest per video
    assert len(service.analyses(latest_only=False)) == 2
    service.delete_analysis(first)
    assert len(service.analyses(latest_only=False)) == 1
    assert service.panel_score(info.sha256) == PanelScore(13.0)
    assert [m.text for m in service.marks(info.sha256)] == ["wobble"]
    assert service.find_video(path).sha256 == info.sha256

    (tmp_path / "folder.sqlite3").mkdir()
    with pytest.raises(JudgeappError) as failure:
        LibraryService.open(tmp_path / "folder.sqlite3")
    assert "folder.sqlite3" in str(failure.value) and "\n" not in str(failure.value)


def test_wrap_and_with_path(tmp_path):
    library = Library.open(tmp_path / "w.sqlite3")
    try:
        service = LibraryService.wrap(library)
        assert isinstance(service, LibraryService) and service.library is library
        assert LibraryService.wrap(service) is service and LibraryService.wrap(None) is None
    finally:
        library.close()
    result = make_result(fake_video_info("a.mp4"))
    assert with_path(result, None) is result
    assert with_path(result, "/new/a.mp4").video.path == "/new/a.mp4"

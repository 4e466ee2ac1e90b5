"""Panel scores into the library in bulk: matching, the preview, one line per problem, undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from judgeapp.app.score_import import ImportScores, apply_import, preview_import, undo_last_import
from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import PanelScore
from judgeapp.core.results import VideoInfo
from judgeapp.store.library import Library, PanelEntry
from judgeapp.store.undo import UndoStack


def _sha(i: int) -> str:
    return f"{i:064x}"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib.sqlite3")
    for i, name in enumerate(["Ball_001.mp4", "Ball_002.mp4", "Hoop_001.mp4", "clip.mp4"]):
        lib.remember_video(VideoInfo(str(tmp_path / name), _sha(i), 4.0, 25.0, 100, 96, 72))
    yield lib
    lib.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_preview_writes_nothing_and_the_import_is_undoable(library, tmp_path) -> None:
    library.set_panel_score(_sha(0), PanelScore(10.0))
    csv_file = _write(
        tmp_path / "scores.csv",
        "name,difficulty,execution,total,routine,athlete\n"
        "Ball_001,4,7,11,ball,anna\nBall_002.mp4,5,6,11.5,ball,bea\n"
        "clip,,,3.5,hoop,\n",
    )
    preview = preview_import(library, csv_file)
    assert preview.problems == ()
    assert preview.counts()["changed"] == 1 and preview.counts()["new"] == 2
    # previewing wrote nothing
    assert library.get_panel_score(_sha(1)) is None
    assert library.get_panel_score(_sha(0)) == PanelScore(10.0)
    assert library.score_imports() == []
    import_id = apply_import(library, preview)
    assert library.panel_entry(_sha(0)) == PanelEntry(PanelScore(11.0, 4.0, 7.0), "ball", "anna")
    assert library.panel_entry(_sha(3)) == PanelEntry(PanelScore(3.5), "hoop", "")
    assert undo_last_import(library) == (import_id, 3)
    assert library.get_panel_score(_sha(0)) == PanelScore(10.0)
    assert library.get_panel_score(_sha(1)) is None and library.get_panel_score(_sha(3)) is None
    with pytest.raises(JudgeappError, match="no score import to undo"):
        undo_last_import(library)


def test_the_gui_command_undoes_and_redoes_on_the_undo_stack(library, tmp_path) -> None:
    csv_file = _write(tmp_path / "s.csv", "name,total\nBall_001,9\nHoop_001,8\n")
    stack = UndoStack(library)
    stack.push(ImportScores(preview_import(library, csv_file)))
    assert library.get_panel_score(_sha(2)) == PanelScore(8.0)
    assert stack.undo()
    assert library.get_panel_score(_sha(2)) is None and library.get_panel_score(_sha(0)) is None
    assert stack.redo()
    assert library.get_panel_score(_sha(0)) == PanelScore(9.0)


def test_a_bad_csv_gives_one_line_per_problem_and_writes_nothing(library, tmp_path) -> None:
    csv_file = _write(
        tmp_path / "bad.csv",
        "name,total,difficulty\n"
        "Ball_001,9,4\n"  # 2: fine
        "Nobody,8,\n"  # 3: unknown name
        "Ball_001,9,4\n"  # 4: listed twice
        "Ball_002,nan,\n"  # 5: NaN
        "Hoop_001,31,\n"  # 6: total outside [0, 25]
        "clip,7,-1\n",  # 7: difficulty outside [0, 20]
    )
    preview = preview_import(library, csv_file)
    assert list(preview.problems) == [
        f"{csv_file}: line 3: video 'Nobody' is not in the library",
        f"{csv_file}: line 4: video 'Ball_001.mp4' is listed twice (first on line 2)",
        f"{csv_file}: line 5: total 'nan' is not a finite number",
        f"{csv_file}: line 6: total 31 is outside [0, 25]",
        f"{csv_file}: line 7: difficulty -1 is outside [0, 20]",
    ]
    assert not preview.can_apply
    with pytest.raises(JudgeappError):
        apply_import(library, preview)
    assert library.get_panel_score(_sha(0)) is None and library.score_imports() == []


def test_the_command_prints_each_problem_and_writes_nothing(library, tmp_path, capsys) -> None:
    csv_file = _write(tmp_path / "bad.csv", "name,total\nBall_001,9\nGhost,3\nBall_002,inf\n")
    assert main(["scores", "import", str(csv_file), "--library", str(library.path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"error: {csv_file}: line 3: video 'Ghost' is not in the library",
        f"error: {csv_file}: line 4: total 'inf' is not a finite number",
    ]
    assert library.get_panel_score(_sha(0)) is None


def test_the_command_dry_run_then_import_then_undo(library, tmp_path, capsys) -> None:
    csv_file = _write(tmp_path / "s.csv", "name,total\nBall_001,9\n")
    args = ["scores", "import", str(csv_file), "--library", str(library.path)]
    assert main([*args, "--dry-run"]) == 0
    assert "dry run: nothing written" in capsys.readouterr().out
    assert library.get_panel_score(_sha(0)) is None
    assert main(args) == 0
    assert library.get_panel_score(_sha(0)) == PanelScore(9.0)
    assert main(["scores", "undo", "--library", str(library.path)]) == 0
    assert library.get_panel_score(_sha(0)) is None


def test_label_layout_and_hash_matching(library, tmp_path) -> None:
    rg = _write(
        tmp_path / "train.txt",
        "Video_Name\tDifficulty_Score Execution_Score Total_Score Penalty Video_length\n"
        "Ball_001 4.0 7.0 11.0 0 90\nHoop_001 3.0 6.5 9.5 0 80\n",
    )
    preview = preview_import(library, rg)
    assert preview.problems == ()
    assert {r.after.routine for r in preview.rows} == {"ball", "hoop"}
    by_hash = _write(tmp_path / "h.csv", f"sha256,total\n{_sha(3)},5\n{_sha(9)},5\n")
    preview = preview_import(library, by_hash)
    assert preview.rows[0].matched_by == "hash" and preview.rows[0].video_name == "clip.mp4"
    assert preview.problems == (
        f"{by_hash}: line 3: no library video has content hash {_sha(9)[:16]}",
    )


def test_a_folder_of_videos_matches_renamed_files_by_content(library, tmp_path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "renamed.mp4").write_bytes(b"x")
    csv_file = _write(tmp_path / "s.csv", "name,total\nrenamed,6\n")
    hashes = {folder / "renamed.mp4": _sha(1)}
    preview = preview_import(library, csv_file, folder, hash_file=lambda p: hashes[p])
    assert preview.problems == () and preview.rows[0].sha256 == _sha(1)
    assert preview.rows[0].matched_by == "hash"


@pytest.mark.parametrize("action", ["import", "undo"])
def test_the_command_creates_no_library_where_there_is_none(tmp_path, capsys, action) -> None:
    csv_file = _write(tmp_path / "s.csv", "name,total\nBall_001,9\n")
    missing = tmp_path / "new" / "lib.sqlite3"
    missing.parent.mkdir()
    args = [str(csv_file)] if action == "import" else []
    assert main(["scores", action, *args, "--library", str(missing)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(missing) in err[0] and "no library here yet" in err[0]
    assert list(missing.parent.iterdir()) == []


def test_a_missing_or_unreadable_score_file_is_one_line(library, tmp_path) -> None:
    with pytest.raises(JudgeappError, match=r"missing\.csv: score file not found"):
        preview_import(library, tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,total\nBallé,9\n".encode("latin-1"))
    with pytest.raises(JudgeappError, match=r"latin\.csv: cannot read the score file"):
        preview_import(library, latin)

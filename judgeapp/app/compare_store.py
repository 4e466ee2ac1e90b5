"""Comparisons saved in the library, reopened and edited with undo/redo (no Qt).

A saved comparison (store.ComparisonRecord) names its two videos by content hash and last known
path, and keeps their sync points and the overlay settings. Reopening finds a video that has moved
since by its content hash, where the library has seen it at its new place; otherwise it says in
one line which video is missing. `ComparisonStore` is the comparison window's and the library
window's access: saving, edits of a saved comparison and deleting all go through its undo stack.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from judgeapp.app.compare import Comparison, OverlaySettings
from judgeapp.app.library_service import with_path
from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.store import ComparisonRecord, Library
from judgeapp.store.undo import DeleteComparison, EditComparison, SaveComparison, UndoStack

__all__ = [
    "ComparisonRecord",
    "ComparisonStore",
    "OpenedComparison",
    "comparison_name",
    "hashes_job",
    "record_of",
    "with_record",
]


def hashes_job(paths: list[Path]):
    """A job function (app.jobs) whose value is {path: content hash} of `paths`."""

    def job(_progress, cancel) -> dict[Path, str]:
        out = {}
        for path in paths:
            if cancel.cancelled:
                break
            out[path] = sha256_file(path)
        return out

    return job


def comparison_name(path_a: str | Path, path_b: str | Path) -> str:
    """The name a new comparison gets: "a.mp4 vs b.mp4"."""
    return f"{Path(path_a).name} vs {Path(path_b).name}"


def record_of(
    comparison: Comparison, sha_a: str, sha_b: str, name: str, base: ComparisonRecord | None = None
) -> ComparisonRecord:
    """The record of `comparison` (its videos' paths, sync points, overlay); `base`'s id and
    dates are kept (a saved comparison being updated)."""
    o = comparison.overlay
    fields = dict(
        name=name,
        video_a_sha256=sha_a,
        video_a_path=comparison.a.path,
        video_b_sha256=sha_b,
        video_b_path=comparison.b.path,
        sync_a_s=comparison.sync_a_s,
        sync_b_s=comparison.sync_b_s,
        overlay_enabled=o.enabled,
        opacity=o.opacity,
        offset_x=o.offset_x,
        scale=o.scale,
    )
    return replace(base, **fields) if base is not None else ComparisonRecord(**fields)


def with_record(comparison: Comparison, record: ComparisonRecord) -> Comparison:
    """`comparison` with the record's sync points and overlay settings (sync points clamped to
    each video, should a file have become shorter)."""
    overlay = OverlaySettings(record.overlay_enabled, record.opacity, record.offset_x, record.scale)
    return replace(
        comparison,
        sync_a_s=min(max(record.sync_a_s, 0.0), comparison.a.end_s),
        sync_b_s=min(max(record.sync_b_s, 0.0), comparison.b.end_s),
        overlay=overlay,
    )


@dataclass(frozen=True)
class OpenedComparison:
    """A saved comparison found again: its record, each video's path now, and each video's
    newest stored result (None: not analysed)."""

    record: ComparisonRecord
    path_a: Path
    path_b: Path
    result_a: AnalysisResult | None
    result_b: AnalysisResult | None


class ComparisonStore:
    """Saved comparisons over the owner thread's library connection, with an undo stack.

    library: a store Library, or an object holding one as `.library` (app.LibraryService)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.undo_stack = UndoStack(library)

    @classmethod
    def of(cls, library: object) -> ComparisonStore | None:
        """The store over `library` (a Library or a LibraryService); None without one."""
        inner = getattr(library, "library", library)
        return cls(inner) if isinstance(inner, Library) else None

    # -- reading ------------------------------------------------------------------------
    def list(self) -> list[ComparisonRecord]:
        """Every saved comparison, the most recently changed first."""
        return self.library.comparisons()

    def get(self, comparison_id: int) -> ComparisonRecord | None:
        return self.library.comparison(comparison_id)

    def known_hash(self, info: VideoInfo, result: AnalysisResult | None = None) -> str:
        """A side's content hash without reading the file: its result's, its own, or the
        stored video's this file is (same name, size and date); "" when it must be read."""
        if result is not None and result.video.sha256:
            return result.video.sha256
        if info.sha256:
            return info.sha256
        stored = self.library.find_video(info.path)
        return stored.sha256 if stored is not None else ""

    def content_hash(self, info: VideoInfo, result: AnalysisResult | None = None) -> str:
        """A side's content hash: `known_hash`, else read from the file (slow for a large
        video: `hashes_job` reads it away from the GUI thread)."""
        return self.known_hash(info, result) or sha256_file(Path(info.path))

    def with_hashes(
        self,
        infos: tuple[VideoInfo, VideoInfo],
        results: tuple[AnalysisResult | None, AnalysisResult | None],
    ) -> tuple[tuple[VideoInfo, VideoInfo], list[Path]]:
        """The infos with the hashes known without reading, and the files still to read."""
        known = [
            replace(i, sha256=self.known_hash(i, r)) for i, r in zip(infos, results, strict=True)
        ]
        return (known[0], known[1]), [Path(i.path) for i in known if not i.sha256]

    def open(self, comparison_id: int) -> OpenedComparison:
        """The saved comparison with its videos found (JudgeappError, one line, naming the
        comparison and the missing file, when one cannot be found)."""
        record = self.get(comparison_id)
        if record is None:
            raise JudgeappError(f"comparison {comparison_id} is not in the library (deleted?)")
        path_a = self._find(record, record.video_a_sha256, record.video_a_path, "A")
        path_b = self._find(record, record.video_b_sha256, record.video_b_path, "B")
        ra = self.library.latest_analysis(record.video_a_sha256)
        rb = self.library.latest_analysis(record.video_b_sha256)
        return OpenedComparison(
            record,
            path_a,
            path_b,
            None if ra is None else with_path(ra, path_a),
            None if rb is None else with_path(rb, path_b),
        )

    def _find(self, record: ComparisonRecord, sha: str, path: str, side: str) -> Path:
        """The video's last known path, else where the library last saw the same content."""
        if Path(path).is_file():
            return Path(path)
        known = self.library.video(sha)
        if known is not None and Path(known.path).is_file():
            return Path(known.path)
        raise JudgeappError(
            f"{path}: video {side} of the comparison {record.name!r} is missing; open it from "
            "its new place once (File > Open) so the library finds it by its content"
        )

    # -- undoable edits -------------------------------------------------------------------
    def save(
        self,
        comparison: Comparison,
        infos: tuple[VideoInfo, VideoInfo],
        results: tuple[AnalysisResult | None, AnalysisResult | None] = (None, None),
        saved: ComparisonRecord | None = None,
        name: str = "",
    ) -> ComparisonRecord:
        """Save the comparison (new, or over `saved`) as one undoable step; the videos are
        remembered under their paths now, so a later move is found by content. An info with
        its hash is taken as it is (`with_hashes`, then the files read in a job)."""
        shas = []
        for info, result in zip(infos, results, strict=True):
            sha = info.sha256 or self.content_hash(info, result)
            self.library.remember_video(replace(info, sha256=sha))
            shas.append(sha)
        if not name:
            name = saved.name if saved else comparison_name(comparison.a.path, comparison.b.path)
        before = self.get(saved.id) if saved is not None and saved.id is not None else None
        record = record_of(comparison, shas[0], shas[1], name, before)
        command = SaveComparison(record, before)
        self.undo_stack.push(command)
        return command.record

    def edit(self, saved: ComparisonRecord, comparison: Comparison, what: str) -> ComparisonRecord:
        """Record a change of a saved comparison's sync points (`what` "sync") or overlay
        ("overlay"); successive changes of one group merge into one undo step."""
        assert saved.id is not None
        before = self.get(saved.id)
        if before is None:
            raise JudgeappError(f"comparison {saved.name!r} is no longer in the library")
        after = record_of(
            comparison, before.video_a_sha256, before.video_b_sha256, before.name, before
        )
        if after == before:
            return before
        command = EditComparison(before, after, what)
        self.undo_stack.push_merged(command)
        return command.after

    def delete(self, comparison_id: int) -> ComparisonRecord:
        """Delete a saved comparison (undoable)."""
        record = self.get(comparison_id)
        if record is None:
            raise JudgeappError(f"comparison {comparison_id} is not in the library (deleted?)")
        command = DeleteComparison(record)
        self.undo_stack.push(command)
        return command.record

    def undo(self) -> bool:
        return self.undo_stack.undo()

    def redo(self) -> bool:
        return self.undo_stack.redo()

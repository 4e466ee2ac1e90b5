"""Judges' review in the main window: marks dock, undo/redo, library, batch scoring, export.

`Review(window)` adds its dock, menus and actions to the main window and listens to its
session; the main window calls `video_opened` when a video opens. The library keeps every
result: a video analysed before shows its result at once when it is opened again. The open
video and its hash come from the window's ReviewState (the session hashes the file once, for
the marks and the analysis alike).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from judgeapp.app.analysis_run import AnalysisOutcome, NoModel
from judgeapp.app.disagreement_view import disagreement_view
from judgeapp.app.library_service import LibraryService, with_path
from judgeapp.app.marks_service import MarksService
from judgeapp.app.report_service import ExportFolders
from judgeapp.app.score_view import CardFacts
from judgeapp.core.drawing import Drawing
from judgeapp.core.errors import CheckpointError, JudgeappError
from judgeapp.core.marks import Mark
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.ui.batch_window import BatchWindow
from judgeapp.ui.disagreement_panel import DisagreementPanel
from judgeapp.ui.export_report import QSettingsValues, ReportExporter
from judgeapp.ui.library_window import LibraryWindow
from judgeapp.ui.mark_lines import MarkLines
from judgeapp.ui.marks_panel import MarksPanel
from judgeapp.ui.undo_actions import undo_actions


def review_of(window) -> Review | None:
    """The review extension installed on `window` (the Marks dock's owner), if any."""
    return next((e for e in getattr(window, "extensions", ()) if isinstance(e, Review)), None)


class _CloseFilter(QObject):
    """Calls `shutdown` when `window` is about to close (before the window's closeEvent)."""

    def __init__(self, window, shutdown: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._shutdown = shutdown

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._shutdown()
        return False


def shutdown_on_close(window, shutdown: Callable[[], None]) -> None:
    """Run `shutdown` when the main window closes, before its own threads stop: a part of
    the window waits there for its background work (a file being written is never cut off)."""
    window.installEventFilter(_CloseFilter(window, shutdown))


NO_MODEL_FOR_BATCH = (
    "no trained head is installed: install a model pack or choose a checkpoint "
    "(Analysis menu), or set the untrained head in the settings"
)


class Review(QObject):
    """Everything judges add to the main window. Owns the library connection."""

    def __init__(self, window, library=None) -> None:
        """`library`: a LibraryService (or a store.Library); default: the user's library."""
        super().__init__(window)
        self.window = window
        self.service: LibraryService | None = LibraryService.wrap(library)
        self.state = window.state
        self.info: VideoInfo | None = None  # the open video as the marks know it (with a hash)
        self.stored: AnalysisResult | None = None  # shown from the library
        self.library_window: LibraryWindow | None = None
        self.batch_window: BatchWindow | None = None
        if self.service is None:
            try:
                self.service = LibraryService.open()
            except JudgeappError as exc:
                window.show_error("The library cannot be opened; marks will not be saved", str(exc))
        # The store's library, for the windows that still take it (they wrap it again).
        self.library = self.service.library if self.service is not None else None
        # The marks and panel scores of the open video, with their undo history.
        self.marks = MarksService(self.library) if self.library is not None else None
        self.undo = self.marks.undo_stack if self.marks is not None else None
        self.exporter = ReportExporter(window)
        self.exporter.done.connect(lambda p: window.statusBar().showMessage(f"Wrote {p}", 10_000))
        self.exporter.failed.connect(lambda m: window.show_error("Export failed", m))
        self._build()
        shutdown_on_close(window, self.shutdown)

    # ---------------------------------------------------------------------------- layout

    def _build(self) -> None:
        window = self.window
        file_menu = window.menus["file"]
        existing = file_menu.actions()
        before = existing[-2] if len(existing) >= 2 else None  # the separator above Quit
        self.export_action = self._action("&Export Report…", self.export, "Ctrl+E")
        self.library_action = self._action("&Library…", self.show_library, "Ctrl+L")
        self.batch_action = self._action("&Batch Scoring…", self.show_batch, "Ctrl+B")
        for action in (self.export_action, self.library_action, self.batch_action):
            file_menu.insertAction(before, action)
        file_menu.insertSeparator(self.export_action)

        edit = QMenu("&Edit", window.menuBar())
        window.menuBar().insertMenu(window.menus["analysis"].menuAction(), edit)
        window.menus["edit"] = edit
        self.marks_panel = None
        if self.marks is None:
            edit.setEnabled(False)
            self.library_action.setEnabled(False)
            self.batch_action.setEnabled(False)
            return
        self.undo_action, self.redo_action = undo_actions(
            self.marks, window, lambda m: window.show_error("Cannot undo or redo", m)
        )
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        # Adding a mark takes Ctrl+M: a bare letter that put the keyboard in the note field
        # turned stray typing into a mark ("media/x.mp4" typed at the player: M, then a note
        # "edia/x.mp4" and Enter). M alone only shows the marks.
        self.add_mark_action = self._action(
            "Add &Mark at Current Time…", self._focus_mark_entry, "Ctrl+M"
        )
        self.show_marks_action = self._action("Show &Marks", self._show_marks, "M")
        edit.addAction(self.add_mark_action)
        edit.addAction(self.show_marks_action)

        self.marks_panel = MarksPanel(self.marks, window)
        self.marks_panel.set_focus_return(window.player)  # Enter / Esc: the keys go back to it
        self.marks_dock = window.add_dock("Marks", "marksDock", self.marks_panel, window.crops_dock)
        self.mark_lines = MarkLines(window.timeline.plot_item, self.marks_panel)
        self._build_disagreement()
        window.crops_dock.raise_()

        self.marks_panel.seekRequested.connect(window.player.seek_time)
        self.marks_panel.panelChanged.connect(window.show_panel_score)
        # The open video's hash and the playhead come from the window's state; a finished
        # analysis (to be kept in the library) is the session's news, not a state.
        self.state.subscribe(self._state_changed)
        window.session.analysisFinished.connect(self._analysis_finished)
        self.update_actions()

    def _build_disagreement(self) -> None:
        """The Disagreement dock (beside Marks) and the timeline's lane, redrawn whenever the
        marks or the result change (the marks panel announces both)."""
        window = self.window
        self.disagreement_panel = DisagreementPanel(window)
        self.disagreement_dock = window.add_dock(
            "Disagreement", "disagreementDock", self.disagreement_panel, self.marks_dock
        )
        self.disagreement_panel.seekRequested.connect(window.player.seek_time)
        self.disagreement_panel.targetChosen.connect(self._choose_disagreement_target)
        self.marks_panel.marksChanged.connect(self._show_disagreement)
        self.disagreement_target: str | None = None  # the dock's choice (None: all)

    def _choose_disagreement_target(self, target: str | None) -> None:
        self.disagreement_target = target
        self._show_disagreement(self.marks_panel.marks())

    def _show_disagreement(self, marks) -> None:
        view = disagreement_view(self.marks.result, marks, self.disagreement_target)
        self.disagreement_panel.set_view(view)
        self.window.timeline.set_disagreement(view.lane)

    def _action(self, text: str, slot, keys: str) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    def update_actions(self) -> None:
        self.export_action.setEnabled(self.window.outcome is not None)

    # ----------------------------------------------------------------------------- video

    @property
    def path(self) -> Path | None:
        """The open video's path (the window's state)."""
        return self.state.path

    def video_opened(self, path: str | Path, info: VideoInfo) -> AnalysisResult | None:
        """A video was opened: show its marks, and its newest stored result if the library
        recognises the file (returned; then there is no need to analyse it again)."""
        path = Path(path)
        self.info = None
        self.stored = None
        facts = CardFacts()
        if self.undo is not None:
            self.undo.clear()
        if self.marks_panel is not None:
            self.marks_panel.set_video(None)
        self.update_actions()
        if self.library is None:
            return None
        known = self.service.find_video(path)
        if known is not None:
            self._set_video(known)
            stored = self.service.find_result(known.sha256, self.state.request)
            self.stored = stored.result
            if stored.head is not None:  # the head that made it: its card's training facts
                facts = CardFacts.of_head(stored.head)
            if stored.outdated:
                self.window.statusBar().showMessage(
                    "The library's result for this video was made with other settings or an "
                    "older version of the recipe: it is analysed again",
                    10_000,
                )
        if self.stored is not None:
            self.window.show_outcome(AnalysisOutcome(self.stored, facts))
            self.marks_panel.set_result(self.stored)
            self.update_actions()
            self.window.statusBar().showMessage(
                "Result from the library; Analysis ▸ Analyse runs it again", 10_000
            )
        return self.stored

    def _set_video(self, info: VideoInfo) -> None:
        self.info = info
        if self.marks_panel is not None:
            self.marks_panel.set_video(info)
            if self.window.outcome is not None:
                self.marks_panel.set_result(self.window.outcome.result)

    def _hashed(self, full: VideoInfo) -> None:
        """The session hashed the open video: the key of its marks (a file is recognised by
        name, size and date first; the hash makes sure)."""
        if self.info is not None and self.info.sha256 == full.sha256:
            return
        if self.stored is not None and self.stored.video.sha256 != full.sha256:
            self.window.show_error(
                "The file changed since its stored analysis",
                f"{full.path}: its content differs from the analysed file; analyse it again",
            )
            self.stored = None
        self._set_video(full)

    def _analysis_finished(self, outcome: AnalysisOutcome) -> None:
        result = outcome.result
        if self.library is not None and result is not self.stored:
            try:
                self.service.save_result(result, self.path)
            except JudgeappError as exc:
                self.window.show_error("The result was not saved in the library", str(exc))
        if self.marks_panel is not None:
            if self.info is None and result.video.sha256:
                self._set_video(with_path(result, self.path).video)
            self.marks_panel.set_result(result)
        self.update_actions()

    def _state_changed(self, event: str, value) -> None:
        if event == "hash":
            self._hashed(value)
        elif event == "position":
            self.marks_panel.set_time(value)

    def _show_marks(self) -> None:
        """M: the Marks dock in front, the mark nearest the player selected; the keyboard
        stays with the player, so nothing typed after it becomes a mark."""
        if self.marks_panel is None:
            return
        self.marks_dock.show()
        self.marks_dock.raise_()
        self.marks_panel.select_nearest(self.marks_panel.time_s)
        self.window.statusBar().showMessage("Ctrl+M adds a mark at the player's frame", 5_000)

    def _focus_mark_entry(self) -> None:
        if self.marks_panel is not None and self.marks_panel.video is not None:
            self.marks_dock.show()
            self.marks_dock.raise_()
            self.marks_panel.text_edit.setFocus()

    # --------------------------------------------------------------------------- windows

    def add_comment_mark(self, text: str, drawing: Drawing = ()) -> Mark | None:
        """A comment mark at the frame on screen (with the shapes drawn on it); None, with the
        reason in the status bar, when the marks refused it."""
        panel = self.marks_panel
        if panel is None or panel.video is None:
            return None
        try:
            time_s = self.window.player.current_time_s
            return panel.service.add(time_s, "comment", text, drawing=drawing)
        except JudgeappError as exc:
            self.window.statusBar().showMessage(f"The mark was not saved: {exc}", 10_000)
            return None

    def can_mark(self) -> bool:
        """Whether the Marks dock is open on a video, so a mark can be added."""
        return self.marks_panel is not None and self.marks_panel.video is not None

    def export(self) -> None:
        """File > Export: the dialog opens in the last export folder (kept with the window's
        settings), else beside the video; marks and panel score come from the library."""
        outcome = self.window.outcome
        if outcome is None:
            return
        self.exporter.folders = ExportFolders(QSettingsValues(self.window.store.qsettings))
        self.exporter.choose_and_export(outcome.result, self.service, self.path)

    def show_library(self) -> None:
        """File > Library: one window, reused; a double-click opens the video here."""
        if self.library_window is None:
            self.library_window = LibraryWindow(self.service, self.window)
            self.library_window.openRequested.connect(
                lambda path, _sha: self.window.open_video(path)
            )
        else:
            self.library_window.refresh()
        self.library_window.show()
        self.library_window.raise_()

    def show_batch(self) -> None:
        """File > Batch Scoring: one window, reused; its ranking's export dialog opens where
        File > Export does, and a double-click on a row opens that video here."""
        if self.batch_window is None:
            window = self.window

            def analyze_one(path, progress, cancel):
                # The session's analysis process, as for the main window (networks built once).
                service = window.session.service
                outcome = service.analyse(path, window.settings.request, progress, cancel)
                if isinstance(outcome, NoModel):
                    raise CheckpointError(NO_MODEL_FOR_BATCH)
                return outcome.result

            self.batch_window = BatchWindow(
                self.service,
                analyze_one,
                self.window,
                folders=ExportFolders(QSettingsValues(window.store.qsettings)),
                request_fn=lambda: window.settings.request,
            )
            self.batch_window.openRequested.connect(window.open_video)
        self.batch_window.show()
        self.batch_window.raise_()

    # --------------------------------------------------------------------------- closing

    def shutdown(self) -> None:
        """Stop exports, the library list and the batch, and wait for their threads."""
        self.exporter.wait()
        if self.library_window is not None:
            self.library_window.shutdown()
        if self.batch_window is not None:
            self.batch_window.close()

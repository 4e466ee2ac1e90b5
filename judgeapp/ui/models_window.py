"""The Models window: the pretrained files, the trained heads, downloads and model packs.

The window only shows what app.models_service reports. Every file read (hashing, the heads'
model cards), download and pack installation runs as a job of one JobRunner (app.jobs), one
job at a time, so the GUI thread never waits on a disk or a network; closing the window
cancels the running job and waits for its thread. Checking a pack's heads needs PyTorch, so
the service does that in a child process. Choosing a head only emits `head_chosen`: the main
window owns the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.models_service import (
    CORRUPT,
    FILE_COLUMNS,
    FILE_DETAIL_COLUMNS,
    MISSING,
    PRESENT,
    DownloadOutcome,
    FileStatus,
    InstalledHead,
    ModelsLook,
    ModelsService,
    file_cells,
    files_to_download,
    needed_files,
    profile_words,
    settings_profile,
    settings_words,
)
from judgeapp.app.models_view import (
    HEAD_COLUMNS,
    head_cells,
    head_tooltip,
    head_uses,
    model_file_tooltip,
    models_progress_text,
    pack_installed_text,
    short_path,
)
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.ui.workers import gui_job_runner

PACK_FILTER = "Model packs (*.zip);;All files (*)"
_SIZE_COLUMN = FILE_COLUMNS.index("Size")
_STATUS_COLUMN = FILE_COLUMNS.index("Status")
_SPEARMAN_COLUMN = HEAD_COLUMNS.index("Test Spearman")
_PROFILE_COLUMN = HEAD_COLUMNS.index("Profile")
_USE_COLUMN = HEAD_COLUMNS.index("Use")
# The scoring models' columns as a coach reads them (app.models_view.HEAD_COLUMNS, in that order);
# the test Spearman (agreement with the judges' ranking) shows only in the details view.
HEAD_HEADERS = (
    "Scoring model",
    "Routine",
    "Score",
    "Video networks",
    "Trained on",
    "Test Spearman",
    "Use",
)
HEAD_DETAIL_COLUMNS = (_SPEARMAN_COLUMN,)
MIN_TABLE_ROWS = 4  # a table never shrinks below this many rows (a long message cannot)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _table(columns: Sequence[str], stretch: int = -1) -> QTableWidget:
    """A read-only table of whole rows, one line per row; column `stretch` (default: the
    last) takes the room the others leave and elides its text."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header = table.horizontalHeader()
    for col in range(len(columns)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch % len(columns), QHeaderView.ResizeMode.Stretch)
    return table


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class ModelsWindow(QWidget):
    """Lists the weights registry with each file's state and the installed trained heads;
    downloads, verifies, installs packs, and lets the user pick the head analyses use.

    `installed(paths)` is emitted after files were downloaded or a model pack was installed;
    `head_chosen(path)` when the user picks a head for analyses ("" = the newest installed).
    """

    installed = Signal(list)  # [str]: the files now in the cache
    head_chosen = Signal(str)  # a head's path, or "" for the newest installed one

    def __init__(self, parent: QWidget | None = None, service: ModelsService | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("judgeapp models")
        self.resize(900, 640)
        self.service = service or ModelsService()
        self.statuses: list[FileStatus] = []
        self.heads: list[InstalledHead] = []
        self.head_problems: list[str] = []
        self.model_setting = ""  # the main window's AppSettings.model and .profile
        self.profile_setting = ""
        self.detector_setting = "auto"  # and .detector, .pretrained
        self.pretrained_setting = True
        self.jobs = gui_job_runner("judgeapp-models")
        self._after: Callable[[], None] | None = None  # run once the current job has ended
        self._closing = False
        self._verifying = False

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = _table(FILE_COLUMNS, stretch=0)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.heads_intro = QLabel()
        self.heads_intro.setWordWrap(True)
        self.heads_table = _table(HEAD_HEADERS, stretch=HEAD_COLUMNS.index("Trained on"))
        self.heads_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.heads_table.itemSelectionChanged.connect(self._update_buttons)
        self.heads_table.itemDoubleClicked.connect(lambda _item: self.use_selected_head())

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The exact error lines (file names, addresses, where to put a file by hand): shown
        # with the details, never squeezing the tables.
        self.details_text = QPlainTextEdit()
        self.details_text.setReadOnly(True)
        self.details_text.setMaximumHeight(90)
        self.details_text.setVisible(False)
        self.details_button = QPushButton("Show Details")
        self.details_button.setCheckable(True)
        self.details_button.setToolTip(
            "Show the exact file names, registry names, folders and error messages "
            "(hover over a row for its source and SHA-256)"
        )
        self.details_button.toggled.connect(self.show_details)

        self.download_button = QPushButton("Download")
        self.download_button.setToolTip(
            "Download from the internet the selected files that are missing or damaged (when "
            "no row is selected: the ones your settings need), checking each before it is used"
        )
        self.download_button.clicked.connect(self.download_selected)
        self.install_button = QPushButton("Install from file…")
        self.install_button.setToolTip(
            "Install a model pack (a .zip file or a folder made on a computer with internet): "
            "the way to add files without a connection"
        )
        pack_menu = QMenu(self.install_button)
        pack_menu.addAction("From a .zip File…", self.choose_pack_file)
        pack_menu.addAction("From a Folder…", self.choose_pack_folder)
        self.install_button.setMenu(pack_menu)
        self.verify_button = QPushButton("Verify")
        self.verify_button.setToolTip("Check every installed file again for damage")
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.folder_button = QPushButton("Open Folder")
        self.folder_button.setToolTip("Open the folder downloads and model packs go to")
        self.folder_button.clicked.connect(self.open_folder)
        buttons = QHBoxLayout()
        for button in (self.download_button, self.install_button, self.verify_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.details_button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.folder_button)

        self.use_button = QPushButton("Use for Analysis")
        self.use_button.setToolTip("Score videos with the selected scoring model from now on")
        self.use_button.clicked.connect(self.use_selected_head)
        self.newest_button = QPushButton("Use Newest")
        self.newest_button.setToolTip(
            "Score with the newest installed scoring model that fits your video networks "
            "(the default)"
        )
        self.newest_button.clicked.connect(lambda: self.head_chosen.emit(""))
        self.heads_folder_button = QPushButton("Open Scoring Models Folder")
        self.heads_folder_button.setToolTip("Open the folder model packs put scoring models in")
        self.heads_folder_button.clicked.connect(lambda: self._open(self.service.heads_folder()))
        head_buttons = QHBoxLayout()
        head_buttons.addWidget(self.use_button)
        head_buttons.addWidget(self.newest_button)
        head_buttons.addStretch(1)
        head_buttons.addWidget(self.heads_folder_button)

        files_box = self._section(
            _heading("Files for analysing video"), self.intro, self.table, buttons
        )
        heads_box = self._section(
            _heading("Scoring models"), self.heads_intro, self.heads_table, head_buttons
        )
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(files_box)
        self.splitter.addWidget(heads_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(progress_row)
        layout.addWidget(self.message)
        layout.addWidget(self.details_text)
        self._show_progress(False)
        self.show_details(False)
        self._update_intro()
        self._update_heads_intro()
        self._update_buttons()

    @staticmethod
    def _section(heading: QLabel, intro: QLabel, table: QTableWidget, buttons) -> QFrame:
        box = QFrame()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 4)
        column.addWidget(heading)
        column.addWidget(intro)
        rows = table.verticalHeader().defaultSectionSize()
        table.setMinimumHeight(
            table.horizontalHeader().sizeHint().height() + MIN_TABLE_ROWS * rows + 4
        )
        column.addWidget(table, 1)
        column.addLayout(buttons)
        return box

    # ------------------------------------------------------------------------ jobs

    def is_busy(self) -> bool:
        """True while a check, download or installation runs."""
        return self.jobs.busy

    def _run(
        self,
        name: str,
        fn: Callable[[ProgressCallback, CancelToken], Any],
        on_success: Callable[[Any], None],
        cancellable: bool = True,
    ) -> bool:
        """Start `fn` as the window's job unless one runs; `on_success(value)` gets its result.

        cancellable: False for work that cannot stop half-way (installing a pack): no Cancel.
        """
        if self.jobs.busy or self._closing:
            return False
        self.jobs.start(
            fn,
            name=f"judgeapp-models-{name}",
            on_done=lambda value: self._ended(lambda: on_success(value)),
            on_failed=lambda message: self._ended(lambda: self._say(message)),
            on_cancelled=lambda: self._ended(lambda: self._say("Cancelled.")),
            on_progress=self._progressed,
        )
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self._show_progress(True)
        self.cancel_button.setVisible(cancellable)
        self._update_buttons()
        return True

    def _progressed(self, progress: Progress) -> None:
        self.progress.setFormat(models_progress_text(progress))
        if progress.total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * min(progress.fraction, 1.0)))
        else:
            self.progress.setRange(0, 0)

    def _ended(self, report: Callable[[], None]) -> None:
        """The job ended (delivered on the GUI thread): show its outcome, then run the job
        chained after it, at once, so the window is never idle between the two."""
        report()
        self._show_progress(False)
        self._update_buttons()
        after, self._after = self._after, None
        if after is not None and not self._closing:
            after()

    def cancel(self) -> None:
        """Stop the running job at its next check (a download between two chunks)."""
        if self.jobs.busy:
            self._after = None  # a cancelled job changed nothing: no new look is needed
            self.jobs.cancel()
            self.cancel_button.setEnabled(False)
            self.progress.setFormat("Cancelling…")

    def shutdown(self) -> None:
        """Cancel the running job and wait for its thread: none is left afterwards."""
        self._closing = True
        self._after = None
        self.jobs.shutdown()
        self._show_progress(False)

    # ----------------------------------------------------------------------- checks

    def refresh(self) -> None:
        """Look at every file again (remembered digests at once, then hash the unchecked),
        and read the installed heads' model cards (their headers only)."""
        if self.is_busy():
            self._after = self.refresh
            return
        self._update_intro()
        self._run("look", self.service.look, self._looked)

    def _looked(self, look: ModelsLook) -> None:
        self._show_heads(look.heads, look.head_problems)
        self._show_statuses(look.statuses)
        unchecked = [s.entry.name for s in look.statuses if s.state == PRESENT]
        if unchecked:
            self._after = lambda: self._check(unchecked, "unverified")

    def verify(self) -> None:
        """Hash every file present anew and compare it with the registry."""
        present = [s.entry.name for s in self.statuses if s.state != MISSING]
        if present and not self.is_busy():
            self._check(present, "always")

    def _check(self, names: list[str], hashing: str) -> None:
        self._verifying = hashing == "always"
        self._run(
            f"check-{hashing}",
            lambda progress, cancel: self.service.check(names, hashing, progress, cancel),
            self._checked,
        )

    def _checked(self, statuses: list[FileStatus]) -> None:
        updated = {s.entry.name: s for s in statuses}
        self._show_statuses([updated.get(s.entry.name, s) for s in self.statuses])
        if not self._verifying:
            return  # a look after other work: its message stays; a row's tooltip says more
        bad = [s for s in statuses if s.state == CORRUPT]
        if bad:
            self._say(
                f"Damaged: {', '.join(s.entry.filename for s in bad)}. Download again or "
                "install from file.",
                [f"{s.entry.filename}: {s.problem}" for s in bad],
            )
        else:
            self._say(f"Checked {_plural(len(statuses), 'file')}: all intact.")

    # -------------------------------------------------------------------- downloads

    def needed(self) -> frozenset[str]:
        """The registry names the current settings need (app.models_service.needed_files)."""
        profile = settings_profile(self.profile_setting, self.model_setting, self.heads)
        return needed_files(profile, self.detector_setting, self.pretrained_setting)

    def downloadable(self) -> list[FileStatus]:
        """The files Download fetches: the selected missing or damaged ones, or the missing or
        damaged ones the settings need when nothing is selected."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        selected = [s.entry.name for r, s in enumerate(self.statuses) if r in rows]
        return files_to_download(self.statuses, self.needed(), selected)

    def download_selected(self) -> None:
        """Download the files `downloadable()` names, with a progress bar."""
        entries = [s.entry for s in self.downloadable()]
        if not entries:
            return
        self._say(f"Downloading {_plural(len(entries), 'file')}…")
        self._run(
            "download",
            lambda progress, cancel: self.service.download(entries, progress, cancel),
            self._downloaded,
        )

    def _downloaded(self, outcome: DownloadOutcome) -> None:
        self._say(outcome.message, outcome.errors)
        if outcome.paths:
            self._after = self.refresh
            self.installed.emit([str(p) for p in outcome.paths])

    # ------------------------------------------------------------------- model packs

    def choose_pack_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Install a model pack", "", PACK_FILTER)
        if name:
            self.install_pack(name)

    def choose_pack_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Install a model pack folder")
        if name:
            self.install_pack(name)

    def install_pack(self, path: str | Path) -> bool:
        """Verify a model pack (folder or .zip) and copy its files into the cache, in a worker.

        Returns False when another job is running (nothing started).
        """
        path = Path(path)
        started = self._run(
            "install",
            lambda _progress, _cancel: self.service.install_pack(path),
            self._installed,
            cancellable=False,
        )
        if started:
            self.progress.setFormat(f"Installing {path.name}…")
            self._say(f"Checking and installing the model pack {path.name}…", [str(path)])
            self._after = self.refresh  # also after a failure: show what is there now
        return started

    def _installed(self, paths: list[Path]) -> None:
        self._say(
            pack_installed_text(paths, self.service.weights_folder(), self.service.heads_folder())
        )
        self.installed.emit([str(p) for p in paths])

    # ------------------------------------------------------------------- trained heads

    def set_analysis_choice(
        self, model: str, profile: str, detector: str = "auto", pretrained: bool = True
    ) -> None:
        """What the main window's settings say (AppSettings.model, .profile, .detector,
        .pretrained): the Use column marks the scoring model analyses use, Needed now the
        files they need."""
        self.model_setting, self.profile_setting = model, profile
        self.detector_setting, self.pretrained_setting = detector, pretrained
        self._show_heads(self.heads, self.head_problems)
        self._show_statuses(self.statuses)

    def selected_head(self) -> InstalledHead | None:
        rows = self.heads_table.selectionModel().selectedRows()
        return self.heads[rows[0].row()] if rows and rows[0].row() < len(self.heads) else None

    def use_selected_head(self) -> None:
        """Ask for the selected head to be used for analyses (`head_chosen`)."""
        head = self.selected_head()
        if head is not None:
            self.head_chosen.emit(str(head.path))

    def _show_heads(self, heads: list[InstalledHead], problems: list[str]) -> None:
        selected = self.selected_head()
        keep = selected.path if selected is not None else None
        self.heads, self.head_problems = list(heads), list(problems)
        uses = head_uses(self.heads, self.model_setting, self.profile_setting)
        self.heads_table.setRowCount(len(self.heads))
        for row, (head, use) in enumerate(zip(self.heads, uses, strict=True)):
            tooltip = head_tooltip(head)
            for col, text in enumerate(head_cells(head, use)):
                if col == _PROFILE_COLUMN:
                    text = profile_words(text)
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip)
                if col == _SPEARMAN_COLUMN:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if use and col == _USE_COLUMN:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.heads_table.setItem(row, col, item)
        self.heads_table.clearSelection()
        for row, head in enumerate(self.heads):
            if head.path == keep:
                self.heads_table.selectRow(row)
        self._update_heads_intro()
        self._update_buttons()

    def head_texts(self) -> list[list[str]]:
        """What the Trained heads table shows, row by row."""
        table = self.heads_table
        return [
            [table.item(row, col).text() for col in range(table.columnCount())]
            for row in range(table.rowCount())
        ]

    def _update_heads_intro(self) -> None:
        folder = short_path(self.service.heads_folder())
        if self.heads:
            text = (
                "The scoring models installed, newest first: each learnt from judged routines "
                "to give a score. Analyses use the one chosen with Use for Analysis, else the "
                f"newest that fits your video networks. They are kept in {folder}."
            )
        else:
            text = (
                "No scoring model (it learns from judged routines to give a score) installed "
                "yet: Install from file… adds the ones a model pack holds, or choose a model "
                "file with Analysis ▸ Choose Model…. Without one, only demo scores can be made."
            )
        if self.head_problems:
            text += f" Skipped: {'; '.join(self.head_problems)}"
        self.heads_intro.setText(text)

    # ------------------------------------------------------------------------ views

    def _show_statuses(self, statuses: list[FileStatus]) -> None:
        selected = {index.row() for index in self.table.selectionModel().selectedRows()}
        keep = {self.statuses[r].entry.name for r in selected if r < len(self.statuses)}
        self.statuses = list(statuses)
        needed = self.needed()
        self.table.setRowCount(len(self.statuses))
        for row, status in enumerate(self.statuses):
            tooltip = model_file_tooltip(status)
            folder = short_path(status.path.parent)
            for col, text in enumerate(file_cells(status, needed, folder)):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip)
                if col == _SIZE_COLUMN:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if status.state == CORRUPT and col == _STATUS_COLUMN:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, col, item)
        self.table.clearSelection()
        for row, status in enumerate(self.statuses):
            if status.entry.name in keep:
                self.table.selectRow(row)
        self._update_intro()
        self._update_buttons()

    def status_texts(self) -> dict[str, str]:
        """What the Status column says, by registry name."""
        return {
            s.entry.name: self.table.item(row, _STATUS_COLUMN).text()
            for row, s in enumerate(self.statuses)
        }

    def _update_intro(self) -> None:
        profile = settings_profile(self.profile_setting, self.model_setting, self.heads)
        text = (
            "The files judgeapp needs to watch a routine: video networks that recognise "
            "movement and body position, and an athlete finder. "
            f"{settings_words(profile, self.detector_setting, self.pretrained_setting)} "
            "Needed now marks their files. Without internet, Install from file… adds them "
            "from a model pack."
        )
        if self.service.offline():
            text += " Downloads are switched off on this computer (JUDGEAPP_OFFLINE=1)."
        self.intro.setText(text)

    def _say(self, line: str, details: Sequence[str] = ()) -> None:
        """One line under the tables; the exact lines behind it go to the details view."""
        self.message.setText(line)
        self.message.setToolTip("\n".join(details))
        self.details_text.setPlainText("\n".join(details))
        self.details_text.setVisible(self.details_button.isChecked() and bool(details))

    def show_details(self, on: bool) -> None:
        """Show or hide the exact names: file names, registry names, folders, test Spearman,
        and the error lines behind the last message."""
        for col in FILE_DETAIL_COLUMNS:
            self.table.setColumnHidden(col, not on)
        # With the details the rows scroll sideways rather than cut what each file is for.
        mode = QHeaderView.ResizeMode.ResizeToContents if on else QHeaderView.ResizeMode.Stretch
        self.table.horizontalHeader().setSectionResizeMode(0, mode)
        for col in HEAD_DETAIL_COLUMNS:
            self.heads_table.setColumnHidden(col, not on)
        self.details_text.setVisible(on and bool(self.details_text.toPlainText()))
        self.details_button.setText("Hide Details" if on else "Show Details")

    def _show_progress(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        self.cancel_button.setEnabled(on)

    def _update_buttons(self) -> None:
        idle = not self.is_busy()
        selected = bool(self.table.selectionModel().selectedRows())
        self.download_button.setText("Download Selected" if selected else "Download Needed Files")
        self.download_button.setEnabled(idle and bool(self.downloadable()))
        self.install_button.setEnabled(idle)
        self.verify_button.setEnabled(idle and any(s.state != MISSING for s in self.statuses))
        self.refresh_button.setEnabled(idle)
        self.use_button.setEnabled(self.selected_head() is not None)
        self.newest_button.setEnabled(bool(self.heads))

    def open_folder(self) -> None:
        self._open(self.service.weights_folder())

    def _open(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._say(f"Cannot create the folder {folder} ({exc.strerror or exc}).")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ---------------------------------------------------------------------- showing

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt name
        """Each time the window shows, it looks at the files again."""
        super().showEvent(event)
        self._closing = False
        self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        """Closing cancels the running job and waits: no thread outlives the window."""
        self.shutdown()
        super().closeEvent(event)

"""Train on your own videos: how many scored videos each routine and target has, a model set
trained in the background (progress, cancel), its cross-validated estimate shown before it is
installed, and the routines worth retraining because the library has grown.

All the work is app.library_training's (jobs of one JobRunner); the window only shows it. Below
the minimum number of videos the first Train press explains why and becomes "Train Anyway".
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.library_training import (
    DEFAULT_SEEDS,
    SET_ORDER,
    CountRow,
    LibraryTrainingService,
    LibraryTrainRequest,
    RetrainOffer,
    TrainedLibrarySet,
    below_minimum,
)
from judgeapp.core.progress import Progress
from judgeapp.training.cross_validation import DEFAULT_FOLDS, MIN_VIDEOS
from judgeapp.ui.workers import gui_job_runner

COLUMNS = ("Routine", "Difficulty", "Execution", "Total")
TARGET_CHOICES = (("Total", ("total",)), ("Difficulty, execution and total", SET_ORDER),
                  ("Execution", ("execution",)), ("Difficulty", ("difficulty",)))  # fmt: skip


class TrainDialog(QDialog):
    """The train-from-library dialog; `installed(path)` once a set is installed."""

    installed = Signal(str)

    def __init__(
        self,
        service: LibraryTrainingService,
        parent: QWidget | None = None,
        background: bool = True,
    ) -> None:
        """background: run training at lowered priority (its child process inherits it), so
        the window stays responsive on a busy machine."""
        super().__init__(parent)
        self.background = background
        self.setWindowTitle("Train on your own videos")
        self.resize(760, 600)
        self.service = service
        self.jobs = gui_job_runner("judgeapp-library-train")
        self.rows: list[CountRow] = []
        self.trained: TrainedLibrarySet | None = None
        self.asked_small = False

        intro = QLabel(
            f"Videos of this library with the panel's scores, per routine and target. A model "
            f"is cross-validated before you install it; below {MIN_VIDEOS} videos its estimate "
            "is too uncertain to trust (marked “few”)."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMaximumHeight(130)
        self.offers = QLabel("")
        self.offers.setWordWrap(True)

        self.routine = QComboBox()
        self.target = QComboBox()
        for label, _ in TARGET_CHOICES:
            self.target.addItem(label)
        self.seeds = QSpinBox()
        self.seeds.setRange(1, 10)
        self.seeds.setValue(DEFAULT_SEEDS)
        self.seeds.setToolTip("Members per target; two or more measure the interval's coverage")
        self.folds = QSpinBox()
        self.folds.setRange(2, 10)
        self.folds.setValue(DEFAULT_FOLDS)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, 2000)
        self.epochs.setSpecialValueText("the paper's")
        self.epochs.setSingleStep(50)
        form = QFormLayout()
        form.addRow("Routine", self.routine)
        form.addRow("Target", self.target)
        form.addRow("Seeds", self.seeds)
        form.addRow("Folds", self.folds)
        form.addRow("Epochs", self.epochs)
        for widget in (self.routine, self.target):
            widget.currentIndexChanged.connect(self._choice_changed)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.estimate = QLabel("")
        self.estimate.setWordWrap(True)
        self.estimate.setStyleSheet("font-weight: 600")

        self.export_button = QPushButton("Export Features…")
        self.export_button.setToolTip(
            "Write the training set as a feature folder in the authors' layout with its labels"
        )
        self.export_button.clicked.connect(self._export)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.train_button = QPushButton("Train")
        self.train_button.clicked.connect(self.train)
        self.install_button = QPushButton("Install")
        self.install_button.setEnabled(False)
        self.install_button.clicked.connect(self.install)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        for button in (close, self.cancel_button, self.train_button, self.install_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.offers)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.estimate)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.refresh()

    # ------------------------------------------------------------------------- the overview

    def refresh(self) -> None:
        """Read the counts and retrain offers (in a job)."""
        self.jobs.start(
            lambda _p, _c: self.service.overview(),
            name="judgeapp-library-counts",
            on_done=self.show_overview,
            on_failed=self.status.setText,
        )

    def show_overview(self, overview: tuple[list[CountRow], list[RetrainOffer]]) -> None:
        rows, offers = overview
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells()):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        current = self.routine.currentText()
        self.routine.blockSignals(True)
        self.routine.clear()
        self.routine.addItems([row.routine for row in rows if row.routine])
        if current:
            self.routine.setCurrentText(current)
        self.routine.blockSignals(False)
        if offers:
            self.offers.setText("Retrain? " + " ".join(o.text() + "." for o in offers))
            self.routine.setCurrentText(offers[0].routine)
        else:
            self.offers.setText("")
        if not rows:
            self.status.setText("No video of the library has a panel score yet.")
        self.train_button.setEnabled(bool(rows))
        self._choice_changed()

    def request(self) -> LibraryTrainRequest:
        targets = TARGET_CHOICES[self.target.currentIndex()][1]
        return LibraryTrainRequest(
            routine=self.routine.currentText() or "all",
            targets=targets,
            seeds=self.seeds.value(),
            folds=self.folds.value(),
            epochs=self.epochs.value() or None,
            confirmed_small=self.asked_small,
        )

    def chosen_count(self) -> int:
        """Videos the current choice would train on (those with every chosen target)."""
        targets = TARGET_CHOICES[self.target.currentIndex()][1]
        row = next((r for r in self.rows if r.routine == self.routine.currentText()), None)
        return 0 if row is None else min(getattr(row, t) for t in targets)

    def _choice_changed(self, *_args) -> None:
        self.asked_small = False
        self.train_button.setText("Train")

    # ------------------------------------------------------------------------- training

    def train(self) -> None:
        count = self.chosen_count()
        if below_minimum(count) and not self.asked_small:
            self.asked_small = True
            self.train_button.setText("Train Anyway")
            self.status.setText(
                f"Only {count} scored videos: below {MIN_VIDEOS} the cross-validated estimate "
                "is too uncertain to tell a useful model from a useless one. Press Train Anyway "
                "to train it all the same; the model will be labelled as trained on few videos."
            )
            return
        self._discard()
        self.estimate.setText("")
        self._busy(True)
        self.jobs.start(
            self.service.train_job(self.request()),
            name="judgeapp-library-train",
            on_done=self.show_trained,
            on_failed=self._failed,
            on_cancelled=self._cancelled,
            on_progress=self.show_progress,
            background=self.background,
        )

    def show_progress(self, report: Progress) -> None:
        self.progress.setRange(0, max(report.total, 1))
        self.progress.setValue(report.done)
        self.status.setText(f"{report.stage}: {report.done} of {report.total}")

    def show_trained(self, trained: TrainedLibrarySet) -> None:
        self._busy(False)
        self.trained = trained
        self.estimate.setText(
            f"{trained.card.describe()}\n{trained.summary()}\nInstall it to use it in analyses; "
            "the models installed before stay installed and selectable."
        )
        self.status.setText("Trained; not installed yet.")
        self.install_button.setEnabled(True)

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.status.setText(message)

    def _cancelled(self) -> None:
        self._busy(False)
        self.status.setText("Cancelled: nothing was installed.")

    def cancel(self) -> None:
        self.jobs.cancel()

    def install(self) -> None:
        """Install the trained set (a job: it is checked by loading it in a child process)."""
        if self.trained is None:
            return
        trained, self.trained = self.trained, None
        self.install_button.setEnabled(False)
        self.status.setText("Installing…")
        self.jobs.start(
            self.service.install_job(trained),
            name="judgeapp-library-install",
            on_done=self._installed,
            on_failed=self.status.setText,
        )

    def _installed(self, path) -> None:
        self.status.setText(f"Installed {path.name}; new analyses use it.")
        self.installed.emit(str(path))
        self.refresh()

    def _export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the training set to")
        if not folder:
            return
        self._busy(True)
        self.jobs.start(
            self.service.export_job(self.request(), folder),
            name="judgeapp-library-export",
            on_done=lambda out: (self._busy(False), self.status.setText(
                f"{folder}: {out[0]} videos' features and labels written")),
            on_failed=self._failed,
            on_cancelled=self._cancelled,
            on_progress=self.show_progress,
            background=self.background,
        )  # fmt: skip

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        for widget in (self.train_button, self.export_button, self.routine, self.target,
                       self.seeds, self.folds, self.epochs):  # fmt: skip
            widget.setEnabled(not busy)
        if busy:
            self.install_button.setEnabled(False)

    def _discard(self) -> None:
        if self.trained is not None:
            self.trained.discard()
            self.trained = None

    def done(self, result: int) -> None:  # noqa: D102 - QDialog.done: nothing outlives it
        self.jobs.shutdown()
        self._discard()
        super().done(result)

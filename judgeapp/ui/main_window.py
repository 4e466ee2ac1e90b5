"""The main window: wires the player, timeline, score panel and crops to one VideoSession.

It holds no computation: what to show comes from the app layer's views (app/*_view.py), the work
from the session, and the current video, result, position and settings live in one
app.review_state.ReviewState (`window.state`), which the window renders: a result set there (an
analysis, the library, a test) shows in every view. Before a video is open the start screen
offers Open Video, a demo analysis that needs nothing installed, and the recent files. Menus are
in `self.menus` ("file", "analysis", "playback", "view", "help") and the panels are dock
widgets, so later features (judges' marks, the library, exports) can add their own. An extension
added with `add_extension` hears of every video opened (`video_opened(path, info)`) and may
return a stored result, which is shown instead of running a new analysis."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.analysis_service import demo_request
from judgeapp.app.app_settings import AppSettings, push_recent
from judgeapp.app.attention_view import (
    Highlight,
    Thumb,
    athlete_thumbs,
    build_highlights,
    next_highlight,
    previous_highlight,
    segment_thumbs,
    timeline_model,
)
from judgeapp.app.review_state import ReviewState
from judgeapp.app.score_view import NO_MODEL_BANNER, Banner, finder_text, score_view
from judgeapp.app.shortcuts_view import shortcut_rows, tooltip_with_keys
from judgeapp.app.stage_words import bar_fill, done_text, stage_text
from judgeapp.core.progress import Progress
from judgeapp.ui.banners import MessageBanner
from judgeapp.ui.crops_panel import CropsPanel
from judgeapp.ui.models_window import ModelsWindow
from judgeapp.ui.player import Player
from judgeapp.ui.pose_review import PoseReview
from judgeapp.ui.resources import resource
from judgeapp.ui.score_panel import ScorePanel
from judgeapp.ui.session import VideoSession
from judgeapp.ui.settings import SettingsStore
from judgeapp.ui.settings_dialog import SettingsDialog, choose_checkpoint
from judgeapp.ui.shortcuts_window import ShortcutsWindow
from judgeapp.ui.start_screen import StartScreen
from judgeapp.ui.timeline import AttentionTimeline
from judgeapp.video.frame_cache import FrameSource

SAMPLE_CLIP = Path(__file__).resolve().parents[2] / "samples" / "juggle_720p24.mp4"
VIDEO_FILTER = "Videos (*.mp4 *.mov *.m4v *.mkv *.avi *.webm *.mpg *.mpeg *.wmv);;All files (*)"
DEFAULT_SIZE = (1280, 800)


class MainWindow(QMainWindow):
    """judgeapp's window: one video, its analysis and the views of it."""

    def __init__(
        self, store: SettingsStore | None = None, cache_budget_bytes: int | None = None
    ) -> None:
        super().__init__()
        self.store = store or SettingsStore()
        self.state = ReviewState(self.store.load())
        self.session = VideoSession(self, cache_budget_bytes, state=self.state)
        self.highlights: list[Highlight] = []
        self.extensions: list = []
        self.models_window: ModelsWindow | None = None
        self.shortcuts_window: ShortcutsWindow | None = None
        self._pending_request = None  # analyse the video being opened with this request
        self.panel_score = None  # the judges' score of the open video (the marks panel's)
        self.setWindowTitle("judgeapp")
        icon = resource("icon.svg") or resource("icon.png")
        if icon:
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )

        self.player = Player(self)
        self.timeline = AttentionTimeline(self)
        self.score_panel = ScorePanel(self)
        self.crops = CropsPanel(self)
        self.start_screen = StartScreen(self)
        self.error_banner = MessageBanner("error", self)
        self.model_banner = MessageBanner("no-model", self)
        self.calibration_banner = MessageBanner("warning", self)
        for view in (self.player.view, self.timeline.plot):
            view.setAcceptDrops(False)  # drops go to the window

        self._build_central()
        self._build_docks()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.pose = PoseReview(self)  # overlay, follow this person, angle lane, angle tool
        self._restore_layout()
        self._apply_timeline_colors()
        self._name_keys_in_tooltips()
        self.state.subscribe(self._state_changed)

    # --- state ---------------------------------------------------------------------------------
    @property
    def settings(self) -> AppSettings:
        """The user's settings (the analysis request and the GUI preferences), in the state."""
        return self.state.settings

    @settings.setter
    def settings(self, settings: AppSettings) -> None:
        self.state.set_settings(settings)

    @property
    def outcome(self) -> AnalysisOutcome | None:
        """The result shown for the open video, in the state."""
        return self.state.outcome

    def _state_changed(self, event: str, value) -> None:
        if event == "result":
            if value is None:
                self._clear_result_views()
            else:
                self._render_outcome(value)

    # --- construction --------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        for banner in (self.error_banner, self.model_banner, self.calibration_banner):
            layout.addWidget(banner)
        self._banner_count = 3
        self.pages = QStackedWidget(central)
        self.pages.addWidget(self.start_screen)
        self.pages.addWidget(self.player)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.start_screen.openRequested.connect(self.open_dialog)
        self.start_screen.demoRequested.connect(self.demo)
        self.start_screen.recentChosen.connect(self.open_video)

    def add_banner(self, banner: MessageBanner) -> None:
        """Another one-line message above the video, under the window's own banners."""
        self.centralWidget().layout().insertWidget(self._banner_count, banner)
        self._banner_count += 1

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def add_dock(self, title: str, name: str, widget: QWidget, beside: QDockWidget) -> QDockWidget:
        """An extension's dock on the right, tabbed with `beside` and listed in the View menu."""
        dock = self._dock(title, name, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(beside, dock)
        self.menus["view"].addAction(dock.toggleViewAction())
        return dock

    def _build_docks(self) -> None:
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.score_dock = self._dock("Score", "scoreDock", self.score_panel, right)
        self.crops_dock = self._dock("Crops", "cropsDock", self.crops, right)
        self.timeline_dock = self._dock(
            "Attention timeline",
            "timelineDock",
            self.timeline,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.cache_label = QLabel("", self)
        self.cache_label.setObjectName("cacheLabel")
        # The stage's words in a label of their own: a busy bar (no total known yet) shows no
        # text in most styles, and the first stages (process start, networks) have no total.
        self.stage_label = QLabel("", self)
        self.stage_label.setObjectName("stageLabel")
        self.progress = QProgressBar(self)
        self.progress.setMinimumWidth(160)
        self.progress.setMaximumWidth(240)
        self.progress.setTextVisible(False)
        self._stage = Progress("", 0, 0)
        # The seconds waited so far, counted on: a long stage never looks stuck.
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(1000)
        self._wait_timer.timeout.connect(self._show_stage)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop the analysis (the video stays open)")
        self.cancel_button.clicked.connect(self.cancel_analysis)
        bar.addPermanentWidget(self.cache_label)
        bar.addPermanentWidget(self.stage_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        # As tall with or without the progress bar: showing it must not relayout the window.
        bar.setMinimumHeight(
            max(self.progress.sizeHint().height(), self.cancel_button.sizeHint().height()) + 6
        )
        self._show_progress(False)

    def _add(self, menu, text: str, slot, keys: str | None = None) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus = {
            "file": bar.addMenu("&File"),
            "analysis": bar.addMenu("&Analysis"),
            "playback": bar.addMenu("&Playback"),
            "view": bar.addMenu("&View"),
            "help": bar.addMenu("&Help"),
        }
        file_menu = self.menus["file"]
        self._add(file_menu, "&Open Video…", self.open_dialog, "Ctrl+O")
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self._add(file_menu, "&Compare Two Routines…", self.open_comparison)
        file_menu.addSeparator()
        self._add(file_menu, "&Quit", self.close, "Ctrl+Q")

        analysis = self.menus["analysis"]
        self.analyze_action = self._add(analysis, "&Analyse", lambda: self.analyze(), "Ctrl+R")
        self.cancel_action = self._add(analysis, "&Cancel Analysis", self.cancel_analysis)
        analysis.addSeparator()
        self._add(analysis, "Choose &Model…", self.choose_model)
        self.models_action = self._add(analysis, "M&odels…", self.show_models)
        self.demo_action = self._add(analysis, "Try a &Demo Analysis", self.demo)
        self.demo_action.setStatusTip(
            "Analyse with untrained networks: works offline with nothing installed; "
            "the score is not a real judgement"
        )
        analysis.addSeparator()
        self._add(analysis, "&Settings…", self.open_settings, "Ctrl+,")

        playback = self.menus["playback"]
        for action in self.player.actions_by_name.values():
            playback.addAction(action)
        playback.addSeparator()
        self.next_action = self._add(playback, "&Next Highlight", self.next_highlight, "N")
        self.previous_action = self._add(
            playback, "&Previous Highlight", self.previous_highlight, "P"
        )

        view = self.menus["view"]
        self._add(view, "Zoom to &Fit", self.player.zoom_fit, "F")
        self._add(view, "Zoom &1:1", self.player.zoom_one_to_one, "1")
        # `toggled` carries the new state; `triggered` of an action made checkable after
        # connecting arrived without it (TypeError from QCheckBox.setChecked).
        box = QAction("Athlete &Box", self)
        box.setShortcut(QKeySequence("B"))
        box.setCheckable(True)
        box.setChecked(self.player.box_check.isChecked())
        box.toggled.connect(self.player.box_check.setChecked)
        self.player.box_check.toggled.connect(box.setChecked)
        view.addAction(box)
        self.box_action = box
        self._add(view, "Show Whole &Timeline", self.timeline.reset_view, "0")
        view.addSeparator()
        for dock in (self.score_dock, self.crops_dock, self.timeline_dock):
            view.addAction(dock.toggleViewAction())

        help_menu = self.menus["help"]
        self._add(help_menu, "&Keyboard Shortcuts", self.show_shortcuts)
        self._add(help_menu, "&About judgeapp", self.show_about)
        self._refresh_recent_menu()
        self._update_actions()

    def _connect(self) -> None:
        s = self.session
        s.opened.connect(self._video_opened)
        s.openFailed.connect(self._open_failed)
        s.analysisStarted.connect(self._analysis_started)
        s.analysisProgress.connect(self._analysis_progress)
        s.analysisFinished.connect(self._analysis_finished)
        s.analysisNeedsModel.connect(self._needs_model)
        s.analysisFailed.connect(self._analysis_failed)
        s.analysisCancelled.connect(self._analysis_cancelled)
        s.cacheProgress.connect(self._cache_progress)
        s.cacheFinished.connect(self._cache_finished)
        s.thumbnailsReady.connect(self.crops.set_images)
        s.problem.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.player.positionChanged.connect(self._position_changed)
        self.player.frameFailed.connect(lambda m: self.statusBar().showMessage(m, 10_000))
        self.timeline.seekRequested.connect(self.player.seek_time)
        self.player.loopChanged.connect(self.timeline.set_loop)
        self.crops.thumbClicked.connect(self.seek_thumb)

    def _position_changed(self, _index: int, time_s: float) -> None:
        self.timeline.set_playhead(time_s)
        self.state.set_position(time_s)

    def _name_keys_in_tooltips(self) -> None:
        """Every action with keys says them in its tooltip ("Analyse (Ctrl+R)")."""
        for action in self.findChildren(QAction):
            keys = [k.toString() for k in action.shortcuts()]
            if keys:
                action.setToolTip(tooltip_with_keys(action.text(), keys))

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(action, keys, menu) of every menu entry with keys, as the shortcuts table lists."""
        entries = []

        def walk(menu, title: str) -> None:
            for action in menu.actions():
                if action.menu() is not None:
                    walk(action.menu(), title)
                else:
                    keys = [k.toString() for k in action.shortcuts()]
                    entries.append((title, action.text(), keys))

        for entry in self.menuBar().actions():  # in the menu bar's order
            if entry.menu() is not None:
                walk(entry.menu(), entry.menu().title())
        return shortcut_rows(entries)

    def _restore_layout(self) -> None:
        geometry, state = self.store.layout()
        # The docks' share of the window (right column's width, timeline's height): kept when
        # the window is resized, so a large screen gives the timeline and the crops more room
        # instead of leaving them small in empty space. None: a restored layout's own sizes.
        self._dock_shares: tuple[float, float] | None = None
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
            self.resizeDocks(
                [self.score_dock, self.crops_dock], [400, 400], Qt.Orientation.Horizontal
            )
            self.resizeDocks(
                [self.score_dock, self.crops_dock], [260, 380], Qt.Orientation.Vertical
            )
            self.resizeDocks([self.timeline_dock], [210], Qt.Orientation.Vertical)
            self._dock_shares = (400 / DEFAULT_SIZE[0], 210 / DEFAULT_SIZE[1])
        if state is not None:
            self.restoreState(state)
            self._dock_shares = None

    def _docked(self, area: Qt.DockWidgetArea) -> list[QDockWidget]:
        """The docks shown in `area` (a tabbed one only when its tab is the current one)."""
        return [
            d
            for d in self.findChildren(QDockWidget)
            if self.dockWidgetArea(d) == area and not d.isHidden() and not d.isFloating()
        ]

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Keep the docks' share of the window: measured before the resize (what the user
        dragged them to), applied to the new size."""
        super().resizeEvent(event)
        old, new = event.oldSize(), event.size()
        right = self._docked(Qt.DockWidgetArea.RightDockWidgetArea)
        bottom = self._docked(Qt.DockWidgetArea.BottomDockWidgetArea)
        if self.isVisible() and old.isValid() and old.width() > 0 and old.height() > 0:
            if right and bottom:
                self._dock_shares = (
                    max(d.width() for d in right) / old.width(),
                    max(d.height() for d in bottom) / old.height(),
                )
        if self._dock_shares is None or old == new:
            return
        width_share, height_share = self._dock_shares
        if right:
            width = round(width_share * new.width())
            self.resizeDocks(right, [width] * len(right), Qt.Orientation.Horizontal)
        if bottom:
            height = round(height_share * new.height())
            self.resizeDocks(bottom, [height] * len(bottom), Qt.Orientation.Vertical)

    # --- opening videos ------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path = self._ask_for_video()
        if path:
            self.open_video(path)

    def _ask_for_video(self) -> str:
        start = str(Path(self.settings.recent[0]).parent) if self.settings.recent else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a routine video", start, VIDEO_FILTER)
        return path

    def open_video(self, path: str | Path) -> bool:
        """Start opening a video; it shows (and is analysed) once probed in the background.

        Returns False at once, with a message, when `path` is not a file; True when opening has
        started (a file that is no video then gets a message). Work on the previous video is
        cancelled only when the new one is known to be a video.
        """
        if Path(path).is_dir():
            self._open_failed(
                str(path), f"{path}: is a folder; open one video (File ▸ Batch Scoring scores many)"
            )
            return False
        if not Path(path).is_file():
            self._open_failed(str(path), f"{path}: no such file")
            return False
        self.statusBar().showMessage(f"Opening {Path(path).name}…")
        self.session.open(path)
        return True

    def _open_failed(self, path: str, message: str) -> None:
        self.statusBar().clearMessage()
        self.show_error("Cannot open this video", message)

    def _video_opened(self, source: FrameSource) -> None:
        path = source.path
        self.statusBar().clearMessage()
        self.error_banner.hide()
        self.model_banner.hide()
        self.calibration_banner.hide()
        self._clear_analysis("No analysis yet.")
        self.pages.setCurrentWidget(self.player)
        self.player.set_source(source)
        self.timeline.set_duration(source.info.duration_s)
        self.setWindowTitle(f"{path.name} — judgeapp")
        self.cache_label.setText("Frame cache: starting")
        self._remember_recent(str(path.resolve()))
        stored = None
        for extension in self.extensions:
            stored = extension.video_opened(path, source.info) or stored
        pending, self._pending_request = self._pending_request, None
        if pending is not None:
            self.analyze(request=pending)
        elif stored is None and self.settings.auto_analyze:
            self.analyze()
        else:
            self.session.fill_frames()  # no analysis reads the file now: the cache reads it
        self._update_actions()

    def add_extension(self, extension) -> None:
        """Tell `extension.video_opened(path, info)` about each video opened from now on.

        It returns a stored AnalysisResult of that video (having shown it with `show_outcome`)
        or None; with a stored result no new analysis starts on opening.
        """
        self.extensions.append(extension)

    def _remember_recent(self, path: str) -> None:
        self.settings = replace(self.settings, recent=push_recent(self.settings.recent, path))
        self.store.save(self.settings)
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.start_screen.set_recent(self.settings.recent)
        self.recent_menu.clear()
        for path in self.settings.recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_video(p))
        self.recent_menu.setEnabled(bool(self.settings.recent))

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_video(files[0])

    # --- analysis ------------------------------------------------------------------------------
    def analyze(self, model: str | None = None, request=None) -> None:
        """Analyse the open video with the settings' request, `model` ("random", a path) in
        place of the settings' model, or a whole `request` (AnalysisRequest)."""
        if self.session.source is None:
            return
        if request is None:
            request = self.settings.request
            if model is not None:
                request = replace(request, model=model)
        self.model_banner.hide()
        self.error_banner.hide()
        self.session.start_analysis(request)

    def demo(self) -> None:
        """A demo analysis that needs no weights and no network (random networks, untrained
        head, HOG): of the open video, else of the sample clip, else of a video chosen now."""
        request = demo_request(self.settings.request.device)
        if self.session.source is not None:
            self.analyze(request=request)
            return
        path = str(SAMPLE_CLIP) if SAMPLE_CLIP.is_file() else self._ask_for_video()
        if path and self.open_video(path):
            self._pending_request = request
            self.statusBar().showMessage("Opening the video for a demo analysis…", 10_000)

    def _needs_model(self) -> None:
        self._show_progress(False)
        self.model_banner.show_message(
            NO_MODEL_BANNER,
            [
                ("Try a Demo Analysis", self.demo),
                ("Install Models…", self.show_models),
                ("Choose Model File…", self.choose_model),
            ],
        )
        self.score_panel.set_status(
            "No scoring model installed yet: try a demo analysis, or install one "
            "(Analysis ▸ Models…)."
        )
        self._update_actions()

    def cancel_analysis(self) -> None:
        self.session.cancel_analysis()
        self._wait_timer.stop()
        self.stage_label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    def choose_model(self) -> None:
        model = self.settings.request.model
        path = choose_checkpoint(self, model if model != "random" else "")
        if path:
            self.use_model(path)

    def use_model(self, model: str) -> None:
        """Analyse with `model` from now on (a checkpoint path; "" = the newest installed
        head), saved in the settings; the open video is analysed with it at once."""
        self.apply_settings(self.settings.with_request(model=model))
        name = Path(model).name if model else "the newest installed head"
        self.statusBar().showMessage(f"Analyses now use {name}", 10_000)
        self.analyze()

    def show_models(self) -> None:
        """The Models window (one per main window): pretrained files, trained heads, packs."""
        if self.models_window is None:
            self.models_window = ModelsWindow(self)
            self.models_window.installed.connect(self._models_installed)
            self.models_window.head_chosen.connect(self.use_model)
            self._sync_models_window()
        self.models_window.show()
        self.models_window.raise_()
        self.models_window.activateWindow()

    def _models_installed(self, _paths: list) -> None:
        """New files arrived: an analysis that stopped for want of a model runs again."""
        waiting = not self.model_banner.isHidden()
        self.model_banner.hide()
        if waiting and self.session.source is not None and not self.session.analysing:
            self.statusBar().showMessage("Model files installed: analysing again", 10_000)
            self.analyze()
        else:
            self.statusBar().showMessage(
                "Model files installed: Analysis ▸ Analyse (Ctrl+R) uses them", 10_000
            )

    def _analysis_started(self) -> None:
        if self.outcome is not None:  # analysing again: the old result goes
            self._clear_analysis("Analysing…")
        self.score_panel.set_status("Analysing…")
        self.progress.setRange(0, 0)
        self._show_progress(True)
        self._update_actions()

    def _analysis_progress(self, progress: Progress) -> None:
        self._stage = progress
        fill = bar_fill(progress.stage, progress.done, progress.total)
        if fill is None:
            self.progress.setRange(0, 0)  # busy: the words say what it is busy with
        else:
            self.progress.setRange(0, fill[1])
            self.progress.setValue(fill[0])
        self._show_stage()

    def _show_stage(self) -> None:
        stage = self._stage
        words = stage_text(stage.stage, stage.done, stage.total, self.session.waiting_s)
        self.stage_label.setText(words)
        self.progress.setFormat(words)  # not drawn (the label says it): for accessibility

    def _analysis_finished(self, outcome: AnalysisOutcome) -> None:
        self._show_progress(False)
        self.show_outcome(outcome)
        waited = self.session.waited_s
        if waited is None:  # not timed by the session: the analysis's own total
            waited = outcome.result.timings_s.get("total", 0.0)
        self.statusBar().showMessage(done_text(waited, finder_text(outcome.result)), 10_000)

    def show_outcome(self, outcome: AnalysisOutcome) -> None:
        """Show a result of the open video (a finished analysis, or one kept in a library):
        it goes into the state, whose event renders it."""
        self.state.set_outcome(outcome)

    def _render_outcome(self, outcome: AnalysisOutcome) -> None:
        view = score_view(outcome.result, outcome.facts, self.panel_score)
        self.score_panel.show_score(view)
        if view.banner is not None:
            self.calibration_banner.show_message(view.banner)
        else:
            self.calibration_banner.hide()
        self._show_result_views()
        self._update_actions()

    def show_panel_score(self, panel) -> None:
        """The judges' score of the open video changed (PanelScore or None): a model set's
        targets show it beside theirs."""
        self.panel_score = panel
        if self.outcome is not None:
            self.score_panel.show_score(
                score_view(self.outcome.result, self.outcome.facts, self.panel_score)
            )

    def _show_result_views(self) -> None:
        """Timeline, box overlay, highlights and crops of the current result at the current k."""
        result, source, k = self.outcome.result, self.session.source, self.settings.k
        self.timeline.set_model(timeline_model(result, k))
        self.player.set_static_frames(result.static)
        self.highlights = build_highlights(result, k, source.index_at)
        athlete = athlete_thumbs(result.static, k)
        segments = segment_thumbs(result.dynamic, k)
        self.crops.set_thumbs(athlete, segments)
        self.session.load_thumbnails([*athlete[0], *athlete[1], *segments[0], *segments[1]])

    def _analysis_failed(self, message: str) -> None:
        self._show_progress(False)
        self.score_panel.set_status("The analysis failed: see the message above.")
        self.show_error("The analysis failed", message)
        self._update_actions()

    def _analysis_cancelled(self) -> None:
        self._show_progress(False)
        self.score_panel.set_status(
            "Analysis cancelled. Analysis ▸ Analyse (Ctrl+R) runs it again."
        )
        self.statusBar().showMessage("Analysis cancelled", 5_000)
        self._update_actions()

    def _clear_analysis(self, status: str) -> None:
        self.state.set_outcome(None)
        self._clear_result_views()
        self.score_panel.clear(status)

    def _clear_result_views(self) -> None:
        self.highlights = []
        self.score_panel.clear()
        self.crops.clear()
        if self.timeline.model is not None:
            self.timeline.set_model(None)
        self.player.set_static_frames(())
        self.calibration_banner.hide()

    def _show_progress(self, on: bool) -> None:
        self.stage_label.setVisible(on)
        if on:
            self._wait_timer.start()
        else:
            self._wait_timer.stop()
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        self.cancel_button.setEnabled(on)

    def _cache_progress(self, progress: Progress) -> None:
        self.cache_label.setText(f"Frame cache: {progress.done} / {progress.total}")

    def _cache_finished(self, complete: bool) -> None:
        self.player.refresh_frame_count()
        self.cache_label.setText("Frame cache: ready" if complete else "Frame cache: partial")

    def _update_actions(self) -> None:
        has_video = self.session.source is not None
        self.analyze_action.setEnabled(has_video)
        self.cancel_action.setEnabled(self.session.analysing)
        self.next_action.setEnabled(has_video)
        self.previous_action.setEnabled(has_video)

    # --- navigation ----------------------------------------------------------------------------
    def seek_thumb(self, thumb: Thumb) -> None:
        if thumb.kind == "athlete" and thumb.frame >= 0:
            self.player.seek(thumb.frame)
        else:
            self.player.seek_time(thumb.seek_s)

    def _position(self) -> int:
        return self.player.target_index

    def next_highlight(self) -> None:
        self._go_to(next_highlight(self.highlights, self._position()), "last")

    def previous_highlight(self) -> None:
        self._go_to(previous_highlight(self.highlights, self._position()), "first")

    def _go_to(self, highlight: Highlight | None, end: str) -> None:
        if highlight is None:
            text = "no highlights yet" if not self.highlights else f"this is the {end} highlight"
            self.statusBar().showMessage(text.capitalize(), 3_000)
            return
        self.player.pause()
        self.player.seek(highlight.frame)
        number = self.highlights.index(highlight) + 1
        self.statusBar().showMessage(
            f"Highlight {number} / {len(self.highlights)}: {highlight.label}", 5_000
        )

    # --- messages and dialogs ------------------------------------------------------------------
    def show_error(self, title: str, message: str) -> None:
        """A readable message across the window; the window stays usable."""
        self.error_banner.show_message(Banner("error", title, message))
        self.statusBar().showMessage(f"{title}: {message}", 10_000)

    def open_comparison(self) -> None:
        """File > Compare Two Routines…: the comparison window, with the open video as side A
        (its module loaded on first use: the window opens sooner)."""
        from judgeapp.ui.compare_window import open_compare_window

        open_compare_window(self)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.settings_saved(dialog.settings())

    def settings_saved(self, settings: AppSettings) -> None:
        """The settings dialog was saved: use the settings; when they change the analysis
        request, the open video is analysed again with them."""
        changed = settings.request != self.settings.request
        self.apply_settings(settings)
        if changed and self.session.source is not None:
            self.statusBar().showMessage("Settings saved: analysing again", 10_000)
            self.analyze()

    def apply_settings(self, settings: AppSettings) -> None:
        """Use and persist new settings; a new k redraws the views of the current result."""
        old_k = self.settings.k
        self.settings = settings
        self.store.save(settings)
        self._sync_models_window()
        if self.outcome is not None and settings.k != old_k:
            self._show_result_views()

    def _sync_models_window(self) -> None:
        """The Models window marks the scoring model and the files the settings choose."""
        if self.models_window is not None:
            r = self.settings.request
            self.models_window.set_analysis_choice(r.model, r.profile, r.detector, r.pretrained)

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard Shortcuts: a table of every menu entry with keys."""
        if self.shortcuts_window is not None:
            self.shortcuts_window.close()
            self.shortcuts_window.deleteLater()
        self.shortcuts_window = ShortcutsWindow(self.shortcut_rows(), self)
        self.shortcuts_window.show()
        self.shortcuts_window.raise_()

    def show_about(self) -> None:
        from judgeapp import __version__

        QMessageBox.about(
            self,
            "About judgeapp",
            f"judgeapp {__version__}\n\nScores routines with ACTION-NET (Zeng et al., ACM MM "
            "2020) and shows which moments the model relied on.\n\nAGPL-3.0-or-later.",
        )

    # --- theme and closing ---------------------------------------------------------------------
    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_timeline_colors()

    def _apply_timeline_colors(self) -> None:
        palette = self.palette()
        self.timeline.apply_colors(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        )

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Save the layout, hide the window at once, cancel all work and wait until no worker
        thread is left (the waits are short: benchmarks/quit_time.py, docs/gui.md)."""
        self.store.save(self.settings)
        self.store.save_layout(self.saveGeometry(), self.saveState())
        self.hide()  # the user asked to quit: nothing to see while the threads end
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.models_window is not None:
                self.models_window.shutdown()
                self.models_window.close()
            self.player.shutdown()
            self.session.shutdown()
        finally:
            QApplication.restoreOverrideCursor()
        event.accept()


def open_later(window: MainWindow, path: str) -> None:
    """Open `path` once the event loop runs (so the window shows first)."""
    QTimer.singleShot(0, lambda: window.open_video(path))

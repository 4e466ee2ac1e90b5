"""The settings dialog: device, engine, precision, model, profile, backbones, detector, the
athlete rule, crops per side."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.app_settings import MAX_K, AppSettings
from judgeapp.core.finders import FINDERS
from judgeapp.features.recipes import SPECS

MODEL_CHOICES = (
    ("installed", "The installed scoring model (Analysis ▸ Models…)"),
    ("random", "Demo: an untrained scoring model (the score is not a real judgement)"),
    ("file", "A scoring model file I choose"),
)
PROFILES = (
    ("", "The ones the scoring model learnt with (recommended)"),
    *((name, spec.choice) for name, spec in SPECS.items()),
)
DEVICES = (
    ("auto", "Automatic (the graphics card when there is one)"),
    ("cpu", "Processor"),
    ("cuda", "Graphics card"),
)
DETECTORS = tuple((f.kind, f.choice) for f in FINDERS)
ATHLETES = (
    ("track", "Follow one person (recommended)"),
    ("largest", "Largest person in each frame (the paper's rule)"),
)
ENGINES = (
    ("auto", "Automatic (the fastest on this computer)"),
    ("openvino", "Made for the processor (faster without a graphics card)"),
    ("torch", "Standard (works with or without a graphics card)"),
)
PRECISIONS = (
    ("", "Automatic (recommended)"),
    ("fp32", "Full (the reference numbers)"),
    ("bf16", "Reduced, on processors that support it (faster; slightly different numbers)"),
    ("fp16", "Reduced, graphics card only (faster; slightly different numbers)"),
)
# The exact names behind the plain choices, for the tooltips (the details).
PROFILE_DETAILS = (
    "Exact names: standard = torchvision (S3D, ResNet-50); original study = paper (I3D, "
    "ResNet-50); Video Swin = vst (Video Swin-B)."
)
DEVICE_DETAILS = "Exact names: processor = CPU; graphics card = CUDA GPU."
ENGINE_DETAILS = (
    "Exact names: made for the processor = OpenVINO; standard = PyTorch. Automatic takes "
    "PyTorch on a graphics card, else OpenVINO."
)
PRECISION_DETAILS = (
    "Exact names: full = fp32; reduced = bf16 (OpenVINO, processors that compute it) or fp16 "
    "(graphics card). Automatic is fp16 on a graphics card, fp32 on the processor."
)
DETECTOR_DETAILS = (
    "Exact names: pose model = MediaPipe BlazePose; YOLO = YOLO11n; built-in = OpenCV HOG."
)
CHECKPOINT_FILTER = "Scoring models (*.safetensors);;All files (*)"


def choose_checkpoint(parent: QWidget, start: str = "") -> str:
    """A file dialog for a head checkpoint; "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "Choose a model checkpoint", start, CHECKPOINT_FILTER
    )
    return path


def _choices(parent: QWidget, choices: tuple[tuple[str, str], ...], current: str) -> QComboBox:
    """A combo box of (value, text) choices with `current` selected (the first when unknown)."""
    box = QComboBox(parent)
    for value, text in choices:
        box.addItem(text, value)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._original = settings
        chosen = settings.request
        self.device = _choices(self, DEVICES, chosen.device)
        self.engine = _choices(self, ENGINES, chosen.engine)
        self.device.setToolTip(f"Where the video networks run. {DEVICE_DETAILS}")
        self.engine.setToolTip(
            "What runs the video networks. The score is the same to four decimals at full "
            f"precision; the result and the score panel say which one computed it. {ENGINE_DETAILS}"
        )
        self.precision = _choices(self, PRECISIONS, chosen.precision)
        self.precision.setToolTip(
            "How exactly the video networks compute. Full gives the reference numbers; "
            "reduced is faster, changes the score slightly and is recorded in the result. "
            f"{PRECISION_DETAILS}"
        )

        kind = {"": "installed", "random": "random"}.get(chosen.model, "file")
        self.model_kind = _choices(self, MODEL_CHOICES, kind)
        self.model_path = QLineEdit(chosen.model if kind == "file" else "", self)
        self.model_path.setPlaceholderText("a scoring model file, from training or a model pack")
        self.model_path.setToolTip("A .safetensors file: a trained head or a model set")
        self.model_kind.setToolTip(
            "What turns the video into a score. Install trained models in Analysis ▸ Models…"
        )
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_path, 1)
        model_row.addWidget(browse)
        self.model_kind.currentIndexChanged.connect(self._model_kind_changed)
        self._model_kind_changed()

        self.profile = QComboBox(self)
        for value, text in PROFILES:
            self.profile.addItem(text, value)
        index = self.profile.findData(chosen.profile)
        if index < 0:
            self.profile.addItem(chosen.profile, chosen.profile)
            index = self.profile.count() - 1
        self.profile.setCurrentIndex(index)

        self.random_backbones = QCheckBox(
            "Untrained video networks (demo without downloads; the score is not a real judgement)",
            self,
        )
        self.profile.setToolTip(
            "How judgeapp looks at the video. It must match what the scoring model learnt "
            f"with, so leave it on the recommended choice unless told otherwise. {PROFILE_DETAILS}"
        )
        self.random_backbones.setChecked(not chosen.pretrained)
        self.detector = _choices(self, DETECTORS, chosen.detector)
        self.athlete = _choices(self, ATHLETES, chosen.athlete)
        self.athlete.setToolTip(
            "Which person is the athlete. Following one person keeps judges, coaches and "
            "passers-by out of the score; the paper's rule takes the largest person in each "
            "one-second picture. Click a person in the video to follow someone else"
        )
        self.k = QSpinBox(self)
        self.k.setRange(1, MAX_K)
        self.k.setValue(settings.k)
        self.auto_analyze = QCheckBox("Analyse a video as soon as it opens", self)
        self.auto_analyze.setChecked(settings.auto_analyze)

        form = QFormLayout()
        self.detector.setToolTip(
            f"How judgeapp finds the athlete in each picture. {DETECTOR_DETAILS}"
        )
        self.k.setToolTip("How many most and least attended moments the Crops panel shows")
        form.addRow("Run on:", self.device)
        form.addRow("Network engine:", self.engine)
        form.addRow("Precision:", self.precision)
        form.addRow("Scoring model:", self.model_kind)
        form.addRow("", model_row)
        form.addRow("Video networks:", self.profile)
        form.addRow("", self.random_backbones)
        form.addRow("Athlete finder:", self.detector)
        form.addRow("Athlete:", self.athlete)
        form.addRow("Moments shown per side:", self.k)
        form.addRow("", self.auto_analyze)
        note = QLabel("Saving re-analyses the open video when these change its score.", self)
        note.setWordWrap(True)
        form.addRow("", note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _model_kind_changed(self) -> None:
        self.model_path.setEnabled(self.model_kind.currentData() == "file")

    def _browse(self) -> None:
        path = choose_checkpoint(self, self.model_path.text())
        if path:
            self.model_path.setText(path)
            self.model_kind.setCurrentIndex(self.model_kind.findData("file"))

    def settings(self) -> AppSettings:
        """The settings as edited (the recent-files list is kept as it was)."""
        kind = self.model_kind.currentData()
        model = {"installed": "", "random": "random"}.get(kind, self.model_path.text().strip())
        request = replace(
            self._original.request,
            device=self.device.currentData(),
            engine=self.engine.currentData(),
            precision=self.precision.currentData(),
            model=model,
            profile=self.profile.currentData(),
            pretrained=not self.random_backbones.isChecked(),
            detector=self.detector.currentData(),
            athlete=self.athlete.currentData(),
        )
        return replace(
            self._original,
            request=request,
            k=self.k.value(),
            auto_analyze=self.auto_analyze.isChecked(),
        )

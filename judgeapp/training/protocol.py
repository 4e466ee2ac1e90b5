"""The training protocol: the paper's settings (section 5.2) by default, every one overridable."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from judgeapp.model.baselines import SVR_POOLINGS
from judgeapp.model.config import INIT_SCHEMES
from judgeapp.model.gdlt_config import ACTIONNET, GDLT, HEAD_KINDS
from judgeapp.model.predict import window_record
from judgeapp.model.windows import RG_FRAMES, RG_SEGMENTS, WindowSize

# Epochs per RG apparatus in the paper; any other routine (or all four together) gets the
# largest count that is not an outlier, the ball's.
PAPER_EPOCHS = {"ball": 400, "clubs": 300, "hoop": 500, "ribbon": 300}
DEFAULT_EPOCHS = 400
# The paper multiplies the learning rate by 0.1 at the last 100 and the last 50 epochs.
PAPER_STEPS_FROM_END = (100, 50)
# The authors' trainer calls MultiStepLR.step(epoch) with 1-based epochs before each epoch, so
# the rate drops from 1-based epoch E - 100 (0-based E - 101) on, one epoch before "the last 100".
AUTHORS_STEP_OFFSET = 1
# Runs too short for that rule step at the same fractions as the ball's 400 epochs (300, 350).
SHORT_RUN_STEP_FRACTIONS = (0.75, 0.875)


# GDLT's published protocol (README of xuangch/CVPR22_GDLT): SGD lr 0.01, momentum 0.9,
# weight decay 1e-4, batch 32, cosine decay to 0.01 x lr, MSE + 1.0 x triplet (margin 1.0),
# random 68-clip crops in training and whole videos in testing, epochs per apparatus below.
GDLT_EPOCHS = {"ball": 250, "clubs": 400, "hoop": 500, "ribbon": 150}
GDLT_TRAIN_CLIPS = 68
COSINE = "cosine"
STEPS = "steps"


def paper_epochs(routine: str) -> int:
    """The paper's epoch count for `routine` (400 for routines it does not list)."""
    return PAPER_EPOCHS.get(routine, DEFAULT_EPOCHS)


def default_lr_steps(epochs: int) -> tuple[int, ...]:
    """The epochs (0-based) from which the learning rate is multiplied by the step factor.

    The authors' trainer when the run has at least 200 epochs: from 1-based epochs E - 100 and
    E - 50 (0-based E - 101 and E - 51: 101 and 51 epochs at the lower rates); at 75 % and
    87.5 % of the run otherwise.
    """
    if epochs >= 2 * PAPER_STEPS_FROM_END[0]:
        return tuple(epochs - k - AUTHORS_STEP_OFFSET for k in PAPER_STEPS_FROM_END)
    return tuple(sorted({max(1, round(epochs * f)) for f in SHORT_RUN_STEP_FRACTIONS}))


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on besides the data (recorded in the model card).

    lr_attention applies to both streams' attention modules (embedding, TCG-U, ATT-U), lr_regressor
    to the score regressor. lr_steps: epochs at which the rate is multiplied by lr_gamma (empty:
    `default_lr_steps(epochs)`). segments/frames: the window per video (None: the whole
    longest video). val_fraction: share of the training videos held out to pick the epoch
    (0: keep the last epoch; which epoch the paper reports is not known). init: the head's
    initial Linear weights (INIT_SCHEMES; the authors' xavier by default). head: ActionNet
    options (HeadConfig fields other than the feature sizes).
    """

    epochs: int = DEFAULT_EPOCHS
    batch_size: int = 32
    lr_attention: float = 0.01
    lr_regressor: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 1e-4
    lr_steps: tuple[int, ...] = ()
    lr_gamma: float = 0.1
    segments: int | None = RG_SEGMENTS
    frames: int | None = RG_FRAMES
    val_fraction: float = 0.0
    seed: int = 0
    init: str = "xavier"
    head: dict = field(default_factory=dict)
    head_kind: str = ACTIONNET
    schedule: str = STEPS
    lr_min_factor: float = 0.01
    triplet_weight: float = 0.0
    triplet_margin: float = 1.0
    # The seed of the validation split (None: `seed`); a model set gives all its members one,
    # so that their intervals are calibrated on the same validation videos.
    split_seed: int | None = None
    # C of the linear SVR baselines (head pooling "avg_svr" / "max_svr", training/svr.py).
    svr_c: float = 1.0
    # The named preset the settings started from (training/presets.py); any setting may have
    # been overridden since: the other fields are what ran.
    preset: str = "rg"

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, not {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, not {self.batch_size}")
        if not 0.0 <= self.val_fraction < 1.0:
            raise ValueError(f"validation fraction must be in [0, 1), not {self.val_fraction}")
        for name in ("segments", "frames"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} per window must be at least 1, not {value}")
        if self.init not in INIT_SCHEMES:
            raise ValueError(f"init must be one of {', '.join(INIT_SCHEMES)}, not {self.init!r}")
        if any(s < 0 for s in self.lr_steps):
            raise ValueError(f"learning-rate steps must be epochs >= 0, not {self.lr_steps}")
        object.__setattr__(self, "lr_steps", tuple(sorted(int(s) for s in self.lr_steps)))
        if self.head_kind not in HEAD_KINDS:
            raise ValueError(f"head must be one of {', '.join(HEAD_KINDS)}, not {self.head_kind!r}")
        c = self.svr_c
        if not (isinstance(c, int | float) and math.isfinite(c) and c > 0):
            raise ValueError(f"the SVR's C must be a positive number, not {self.svr_c!r}")
        if self.schedule not in (STEPS, COSINE):
            raise ValueError(f"schedule must be {STEPS} or {COSINE}, not {self.schedule!r}")

    @property
    def steps(self) -> tuple[int, ...]:
        """The learning-rate step epochs actually used."""
        return self.lr_steps or default_lr_steps(self.epochs)

    def lr_factor(self, epoch: int) -> float:
        """The multiplier of the learning rates in `epoch` (0-based): steps, or cosine annealing
        from 1 to lr_min_factor over the run (PyTorch's CosineAnnealingLR, T_max = epochs)."""
        if self.schedule == COSINE:
            low = self.lr_min_factor
            return low + (1.0 - low) * (1.0 + math.cos(math.pi * epoch / self.epochs)) / 2.0
        return self.lr_gamma ** sum(1 for s in self.steps if epoch >= s)

    def to_dict(self) -> dict:
        """The protocol as the model card records it (with the step epochs resolved)."""
        data = asdict(self)
        if self.split_seed is None:
            del data["split_seed"]  # cards of one head stay as they were
        data["lr_steps"] = list(self.steps) if self.schedule == STEPS else []
        data["window"] = window_record(self.scoring_window)
        data["training_window"] = window_record(WindowSize(self.segments, self.frames))
        data["optimizer"] = "SGD"
        data["loss"] = "MSE(sigmoid, score / score_max)"
        if self.head.get("pooling") in SVR_POOLINGS:
            data["optimizer"] = "scikit-learn LinearSVR on standardised pooled windows"
            data["loss"] = "epsilon-insensitive (epsilon 0) on score / score_max, L2 penalty"
        else:
            del data["svr_c"]
        if self.head_kind == GDLT:
            data["loss"] = (
                f"MSE(score, score / score_max) + {self.triplet_weight:g} x hardest-triplet "
                f"(cosine distance, margin {self.triplet_margin:g}) on the decoded grade queries"
            )
        return data

    @property
    def scoring_window(self) -> WindowSize:
        """The window validation, evaluation and scoring use: the training window for
        ACTION-NET (centred), the whole video for GDLT (as its authors test)."""
        if self.head_kind == GDLT:
            return WindowSize(None, None)
        return WindowSize(self.segments, self.frames)


def gdlt_config(routine: str, seed: int = 0, **changes) -> TrainConfig:
    """GDLT's published protocol for `routine` (epochs 250/400/500/150 for ball/clubs/hoop/
    ribbon, 400 otherwise), with `changes` (TrainConfig fields) applied."""
    values = {
        "epochs": GDLT_EPOCHS.get(routine, DEFAULT_EPOCHS),
        "batch_size": 32,
        "lr_attention": 0.01,
        "lr_regressor": 0.01,
        "momentum": 0.9,
        "weight_decay": 1e-4,
        "segments": GDLT_TRAIN_CLIPS,
        "frames": None,
        "seed": seed,
        "init": "pytorch",
        "head": {},
        "head_kind": GDLT,
        "schedule": COSINE,
        "lr_min_factor": 0.01,
        "triplet_weight": 1.0,
        "triplet_margin": 1.0,
    }
    values.update(changes)
    return TrainConfig(**values)

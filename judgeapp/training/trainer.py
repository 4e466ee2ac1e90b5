"""Training one ACTION-NET head on a labelled feature set (paper section 5.2).

All features are preloaded on the device and each batch's windows are cut with one gather, so an
epoch is only the head's own arithmetic. Runs are reproducible: the seed fixes the initial
weights, the validation split, the order of the videos, the window starts and dropout.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken
from judgeapp.model import ActionNet
from judgeapp.model.gdlt import GDLTHead, triplet_loss
from judgeapp.model.gdlt_config import GDLT
from judgeapp.model.predict import predict_packed
from judgeapp.model.windows import PackedSplit, WindowSize
from judgeapp.training.feature_set import FeatureSet
from judgeapp.training.metrics import spearman
from judgeapp.training.protocol import TrainConfig


@dataclass(frozen=True)
class EpochLog:
    """What one epoch did. epoch is 1-based; loss is the mean training loss (MSE on score /
    score_max, plus the weighted triplet term for GDLT)."""

    epoch: int
    epochs: int
    loss: float
    lr_attention: float
    lr_regressor: float
    val_spearman: float | None
    best_epoch: int
    seconds: float


EpochCallback = Callable[[EpochLog], None]


@dataclass
class TrainOutcome:
    """The trained head (the chosen epoch's weights, in eval mode) and how it got there."""

    model: ActionNet | GDLTHead
    config: TrainConfig
    score_max: float
    history: list[EpochLog]
    best_epoch: int
    val_spearman: float | None
    train_names: list[str]
    val_names: list[str]
    seconds: float
    last_state: dict[str, torch.Tensor] | None = None  # the last epoch's weights, when the
    # kept ones are another (validation-selected) epoch's

    @property
    def seconds_per_epoch(self) -> float:
        return self.seconds / max(len(self.history), 1)


def split_validation(count: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices: a seeded random `fraction` of `count` held out.

    With a positive fraction at least 2 videos are held out (a rank correlation needs two) and
    at least one is kept for training.
    """
    if fraction <= 0:
        return np.arange(count), np.arange(0)
    n_val = min(max(2, round(count * fraction)), count - 1)
    order = np.random.default_rng(seed).permutation(count)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def check_scores(data: FeatureSet, score_max: float) -> None:
    """Every score must lie in [0, score_max], the range the sigmoid output is scaled to."""
    for label in data.labels:
        if not 0.0 <= label.score <= score_max:
            raise JudgeappError(
                f"video {label.name}: score {label.score:g} is outside [0, {score_max:g}]; "
                "give a larger score range (--score-max)"
            )


def validation_split(data: FeatureSet, config: TrainConfig) -> tuple[FeatureSet, FeatureSet]:
    """The videos to train on and those held out to validate: `config.val_fraction` of them,
    drawn with `config.split_seed` (the training seed when it is None)."""
    split_seed = config.seed if config.split_seed is None else config.split_seed
    train_idx, val_idx = split_validation(len(data), config.val_fraction, split_seed)
    return data.subset(train_idx), data.subset(val_idx)


def training_split(
    data: FeatureSet, config: TrainConfig, score_max: float
) -> tuple[FeatureSet, FeatureSet]:
    """`validation_split` of a set checked first: at least 2 videos, every score in range."""
    if len(data) < 2:
        raise JudgeappError(f"training needs at least 2 labelled videos, got {len(data)}")
    check_scores(data, score_max)
    return validation_split(data, config)


def build_head(config: TrainConfig, dynamic_dim: int, static_dim: int) -> ActionNet | GDLTHead:
    """The head to train, initialised from the global torch seed as `config.init` says (GDLT:
    its authors' initialisation, xavier on the transformer, PyTorch's default elsewhere)."""
    if config.head_kind == GDLT:
        return GDLTHead(dynamic_dim=dynamic_dim, **config.head)
    model = ActionNet(dynamic_dim=dynamic_dim, static_dim=static_dim, **config.head)
    if config.init == "xavier":
        for module in model.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
    return model


def make_optimizer(model: ActionNet | GDLTHead, config: TrainConfig) -> torch.optim.SGD:
    """SGD with one learning rate for the attention modules and one for the regressor
    (ACTION-NET), or one rate for every parameter (GDLT, lr_attention)."""
    if isinstance(model, GDLTHead):
        return torch.optim.SGD(
            model.parameters(),
            lr=config.lr_attention,
            momentum=config.momentum,
            weight_decay=config.weight_decay,
        )
    return torch.optim.SGD(
        [
            {"params": list(model.encoders.parameters()), "lr": config.lr_attention},
            {"params": list(model.regressor.parameters()), "lr": config.lr_regressor},
        ],
        lr=config.lr_attention,
        momentum=config.momentum,
        weight_decay=config.weight_decay,
    )


def _set_learning_rates(optimizer: torch.optim.SGD, config: TrainConfig, epoch: int) -> None:
    factor = config.lr_factor(epoch)
    bases = (config.lr_attention, config.lr_regressor)
    for group, base in zip(optimizer.param_groups, bases, strict=False):
        group["lr"] = base * factor


def _better(candidate: float, best: float) -> bool:
    return not math.isnan(candidate) and (math.isnan(best) or candidate > best)


def train_head(
    data: FeatureSet,
    config: TrainConfig,
    score_max: float,
    device: str = "cpu",
    on_epoch: EpochCallback | None = None,
    cancel: CancelToken | None = None,
) -> TrainOutcome:
    """Train a head on `data` (scores in [0, score_max]) with `config`.

    With config.val_fraction > 0, that share of `data` is held out and the epoch with the best
    validation Spearman is kept; otherwise the last epoch is kept. Raises core.Cancelled when
    `cancel` is set (checked between batches).
    """
    started = time.perf_counter()
    train_set, val_set = training_split(data, config, score_max)
    window = WindowSize(config.segments, config.frames)

    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    model = build_head(config, data.dynamic_dim, data.static_dim).to(device)
    optimizer = make_optimizer(model, config)
    loss_fn = nn.MSELoss()

    # Random windows as the ACTION-NET authors draw them (never the last start); GDLT's
    # may end with the video.
    last_start = config.head_kind == GDLT
    packed = PackedSplit(train_set.dynamic, train_set.static, window, device, last_start)
    targets = torch.tensor(train_set.scores / score_max, dtype=torch.float32, device=device)
    val_packed = (
        PackedSplit(val_set.dynamic, val_set.static, config.scoring_window, device)
        if len(val_set)
        else None
    )

    history: list[EpochLog] = []
    best_epoch, best_val = config.epochs, float("nan")
    best_state: dict[str, torch.Tensor] | None = None
    for epoch in range(config.epochs):
        epoch_start = time.perf_counter()
        _set_learning_rates(optimizer, config, epoch)
        model.train()
        loss_sum = 0.0
        order = torch.randperm(len(train_set), generator=generator).to(device)
        for videos in order.split(config.batch_size):
            if cancel is not None:
                cancel.raise_if_cancelled()
            dynamic, dynamic_mask, static, static_mask = packed.batch(videos, generator)
            out = model(dynamic, static, dynamic_mask, static_mask)
            loss = loss_fn(out.score, targets[videos])
            if config.triplet_weight > 0 and getattr(out, "embed", None) is not None:
                loss = loss + config.triplet_weight * triplet_loss(out.embed, config.triplet_margin)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += float(loss.detach()) * len(videos)
        if not math.isfinite(loss_sum):
            raise JudgeappError(
                f"training diverged: the loss is {loss_sum / len(train_set):g} at epoch "
                f"{epoch + 1} (a learning rate too high, or features with huge values); "
                "nothing was written"
            )
        val_rho: float | None = None
        if val_packed is not None:
            predicted = predict_packed(model, val_packed, score_max).scores
            val_rho = spearman(predicted, val_set.scores)
            if best_state is None or _better(val_rho, best_val):
                best_epoch, best_val = epoch + 1, val_rho
                best_state = copy.deepcopy(model.state_dict())
        log = EpochLog(
            epoch=epoch + 1,
            epochs=config.epochs,
            loss=loss_sum / len(train_set),
            lr_attention=optimizer.param_groups[0]["lr"],
            lr_regressor=optimizer.param_groups[-1]["lr"],
            val_spearman=val_rho,
            best_epoch=best_epoch if val_packed is not None else epoch + 1,
            seconds=time.perf_counter() - epoch_start,
        )
        history.append(log)
        if on_epoch is not None:
            on_epoch(log)
    last_state = None
    if best_state is not None:
        if best_epoch != config.epochs:
            last_state = copy.deepcopy(model.state_dict())
        model.load_state_dict(best_state)
    model.eval()
    return TrainOutcome(
        model=model,
        config=config,
        score_max=score_max,
        history=history,
        best_epoch=best_epoch,
        val_spearman=None if val_packed is None or math.isnan(best_val) else best_val,
        train_names=train_set.names,
        val_names=val_set.names,
        seconds=time.perf_counter() - started,
        last_state=last_state,
    )

"""From label and feature files to trained, evaluated heads with their model cards.

Shared by `judgeapp train` and `judgeapp ablate`: loading the splits, one training run that ends
in a model card, and several seeds summarised as mean and standard deviation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.progress import CancelToken
from judgeapp.features.feature_folder import dynamic_only_layout, manifest_recipe, read_manifest
from judgeapp.model import ModelCard
from judgeapp.model.baselines import SVR_POOLINGS
from judgeapp.model.card import describe_head
from judgeapp.training.evaluation import Evaluation, evaluate
from judgeapp.training.feature_set import FeatureSet, load_feature_set
from judgeapp.training.labels import load_labels
from judgeapp.training.metrics import mean_std
from judgeapp.training.protocol import TrainConfig
from judgeapp.training.svr import train_svr
from judgeapp.training.trainer import EpochCallback, TrainOutcome, train_head

# Features without a manifest are taken to be the authors' released ones.
AUTHORS_PROFILE = "paper"
# ... unless they are dynamic-only (one NAME.npy per video): GDLT's released features.
GDLT_RELEASED_PROFILE = "vst"


@dataclass(frozen=True)
class FeatureSource:
    """Where a split's features and labels come from, and which recipe made the features."""

    features: Path
    labels: Path
    profile: str
    backbones_pretrained: bool | None
    from_manifest: bool
    recipe: int | None = None  # the manifest's recipe version; None: the authors' features

    def describe(self) -> dict:
        return {
            "features": str(self.features),
            "labels": str(self.labels),
            "labels_sha256": sha256_file(self.labels),
            "profile": self.profile,
            "profile_from_manifest": self.from_manifest,
            "recipe": self.recipe if self.from_manifest else "released by the authors",
        }


def feature_source(features: str | Path, labels: str | Path, profile: str | None) -> FeatureSource:
    """The features' profile from their manifest; `profile` (or the authors') without one.

    A `profile` that contradicts the manifest is an error.
    """
    features, labels = Path(features), Path(labels)
    manifest = read_manifest(features) if features.is_dir() else None
    if manifest is not None:
        found = manifest.get("profile")
        if profile is not None and found != profile:
            raise JudgeappError(
                f"{features}: the manifest says these are '{found}' features, not '{profile}'"
            )
        pretrained = manifest.get("pretrained")
        return FeatureSource(
            features,
            labels,
            str(found),
            pretrained if isinstance(pretrained, bool) else None,
            True,
            manifest_recipe(manifest),
        )
    if profile is None and features.is_dir() and dynamic_only_layout(features):
        profile = GDLT_RELEASED_PROFILE  # GDLT's released Video Swin features
    return FeatureSource(features, labels, profile or AUTHORS_PROFILE, None, False)


def load_split(source: FeatureSource, target: str, routine: str) -> FeatureSet:
    """The labelled videos of `routine` (or all) with their features."""
    return load_feature_set(source.features, load_labels(source.labels, target, routine))


@dataclass
class RunResult:
    """One trained head: its training outcome, its card and its test evaluation (if any)."""

    outcome: TrainOutcome
    card: ModelCard
    test: Evaluation | None

    @property
    def test_spearman(self) -> float:
        return self.test.metrics.spearman if self.test is not None else math.nan

    @property
    def val_spearman(self) -> float:
        value = self.outcome.val_spearman
        return math.nan if value is None else value


def _finite_or_none(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def train_run(
    train_set: FeatureSet,
    config: TrainConfig,
    *,
    score_max: float,
    routine: str,
    target: str,
    source: FeatureSource,
    test_set: FeatureSet | None = None,
    test_source: FeatureSource | None = None,
    device: str = "cpu",
    on_epoch: EpochCallback | None = None,
    cancel: CancelToken | None = None,
) -> RunResult:
    """Train one head (fit it, for the SVR baselines), evaluate it on `test_set` (never used to
    choose anything) and card it."""
    if config.head.get("pooling") in SVR_POOLINGS:
        outcome = train_svr(train_set, config, score_max, device)
    else:
        outcome = train_head(train_set, config, score_max, device, on_epoch, cancel)
    draft = ModelCard(
        name=f"{config.head_kind}-{routine}-{target}-seed{config.seed}",
        head=outcome.model.config.to_dict(),
        profile=source.profile,
        routine=routine,
        target=target,
        score_max=score_max,
        protocol={"window": config.to_dict()["window"]},
    )
    test = evaluate(outcome.model, draft, test_set, device, routine) if test_set else None
    last_test = _last_epoch_test(outcome, draft, test_set, device, routine)
    data = {
        "train": {**source.describe(), "videos": outcome.train_names},
        "validation": {"videos": outcome.val_names},
    }
    if test is not None and test_source is not None:
        data["test"] = {**test_source.describe(), "videos": test.names}
    protocol = {
        **config.to_dict(),
        "head_description": describe_head(outcome.model.config.to_dict()),
        "device": device,
        "best_epoch": outcome.best_epoch,
        "seconds": round(outcome.seconds, 1),
        "seconds_per_epoch": round(outcome.seconds_per_epoch, 3),
        "data": data,
    }
    if test is not None:
        protocol["test"] = test.metrics.to_dict()
        protocol["test_epoch"] = (
            f"epoch {outcome.best_epoch}, chosen on validation"
            if outcome.val_names
            else f"the last epoch ({config.epochs})"
        )
    if last_test is not None:
        protocol["test_last_epoch"] = last_test.metrics.to_dict()
    trained_on = (
        f"{len(outcome.train_names)} videos ({routine}, target {target}) from {source.labels} "
        f"with '{source.profile}' features from {source.features}; "
        f"{len(outcome.val_names)} held out for validation"
    )
    card = ModelCard(
        name=draft.name,
        head=outcome.model.config.to_dict(),
        profile=source.profile,
        routine=routine,
        target=target,
        score_max=score_max,
        trained_on=trained_on,
        protocol=protocol,
        val_spearman=_finite_or_none(outcome.val_spearman),
        test_spearman=_finite_or_none(test.metrics.spearman) if test else None,
        seed=config.seed,
        backbones_pretrained=source.backbones_pretrained,
        trained=True,
    )
    return RunResult(outcome, card, test)


def _last_epoch_test(
    outcome: TrainOutcome,
    draft: ModelCard,
    test_set: FeatureSet | None,
    device: str,
    routine: str,
) -> Evaluation | None:
    """The test figures of the last epoch's weights, when validation kept another epoch (so
    that both the last-epoch and the validation-selected figures are reported; the test set
    never chooses anything)."""
    if test_set is None or outcome.last_state is None:
        return None
    import copy

    last = copy.deepcopy(outcome.model)
    last.load_state_dict(outcome.last_state)
    return evaluate(last.eval(), draft, test_set, device, routine)


@dataclass
class SeedSummary:
    """Mean and sample standard deviation over seeds of the validation and test Spearman."""

    seeds: list[int]
    val: tuple[float, float]
    test: tuple[float, float]
    runs: list[RunResult] = field(repr=False, default_factory=list)

    @classmethod
    def of(cls, runs: list[RunResult]) -> SeedSummary:
        return cls(
            seeds=[r.card.seed for r in runs],
            val=mean_std([r.val_spearman for r in runs]),
            test=mean_std([r.test_spearman for r in runs]),
            runs=runs,
        )

    def best_by_validation(self) -> RunResult:
        """The run with the best validation Spearman (the first seed when none was measured)."""
        measured = [r for r in self.runs if not math.isnan(r.val_spearman)]
        if not measured:
            return self.runs[0]
        return max(measured, key=lambda r: r.val_spearman)

    def to_dict(self) -> dict:
        def pair(values: tuple[float, float]) -> dict:
            return {"mean": _finite_or_none(values[0]), "std": _finite_or_none(values[1])}

        return {
            "seeds": self.seeds,
            "val_spearman": pair(self.val),
            "test_spearman": pair(self.test),
            "runs": [
                {
                    "seed": r.card.seed,
                    "val_spearman": _finite_or_none(r.val_spearman),
                    "test_spearman": _finite_or_none(r.test_spearman),
                    "best_epoch": r.outcome.best_epoch,
                }
                for r in self.runs
            ],
        }

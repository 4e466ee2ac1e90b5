"""Train a model set on the library's own scored videos, estimate it honestly, install it. No Qt.

One job does it all, in the background (`train_from_library(..., progress, cancel)`):
1. the scored videos of the routine that have every asked target (`training.library_set`);
2. their features for the profile, from the feature cache or extracted and cached now
   (resumable: a cancelled run keeps every video already extracted);
3. per target, k-fold cross-validation (`training.cross_validation`): Spearman within folds with
   its interval, MAE, the interval's coverage; the interval is calibrated on the out-of-fold scores;
4. per target, `seeds` heads on all the videos; one model set file with a card that says
   "trained on N videos of this library; cross-validated Spearman 0.xx [0.xx, 0.xx]".
The set is written into a private temporary folder; only `install_trained` puts it where
analyses find it (`weights.heads.install_head`: validated, then renamed into place), so a
cancel or a failure at any moment leaves nothing installed.

Below `MIN_VIDEOS` scored videos the estimate is too rough to trust: training then needs
`confirmed_small` (the app asks twice) and the card says so.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.model.set_card import SET_ORDER
from judgeapp.store.library import Library
from judgeapp.training.cross_validation import DEFAULT_FOLDS, MIN_VIDEOS, CVEstimate
from judgeapp.training.labels import ALL_ROUTINES, TARGET_SCORE_MAX
from judgeapp.training.library_set import (
    TARGETS,
    ExtractFn,
    LibraryVideo,
    check_scores,
    counts,
    feature_set,
    gather_features,
    scores_csv,
    select,
)

if TYPE_CHECKING:  # analysis/ imports PyTorch: only the training child process needs it
    from judgeapp.analysis import AnalysisOptions

DEFAULT_SEEDS = 3
# Offer to retrain a routine's model when its library has this many more scored videos than
# the model was trained on, and at least this share more.
RETRAIN_MIN_NEW = 10
RETRAIN_MIN_SHARE = 0.25


def library_videos(library: Library) -> list[LibraryVideo]:
    """Every video of the library with a panel score, as training material."""
    return [
        LibraryVideo(
            sha256=v.sha256,
            path=v.path,
            routine=v.routine.lower(),
            total=v.entry.panel.total,
            difficulty=v.entry.panel.difficulty,
            execution=v.entry.panel.execution,
            athlete=v.entry.athlete,
        )
        for v in library.scored_videos()
    ]


@dataclass(frozen=True)
class CountRow:
    """One routine's scored videos per target, and whether each reaches MIN_VIDEOS."""

    routine: str
    total: int
    difficulty: int
    execution: int

    def enough(self, target: str) -> bool:
        return getattr(self, target) >= MIN_VIDEOS

    def cells(self) -> list[str]:
        def cell(n: int) -> str:
            return f"{n}" if n >= MIN_VIDEOS else f"{n} (few)"

        return [self.routine or "(no routine)", cell(self.difficulty), cell(self.execution),
                cell(self.total)]  # fmt: skip


def count_rows(videos: list[LibraryVideo]) -> list[CountRow]:
    """The dialog's table: one row per routine, then every routine together."""
    rows = [
        CountRow(r, c["total"], c["difficulty"], c["execution"]) for r, c in counts(videos).items()
    ]
    if len(rows) > 1:
        rows.append(CountRow(ALL_ROUTINES, *(sum(getattr(r, t) for r in rows) for t in TARGETS)))
    return rows


@dataclass(frozen=True)
class LibraryTrainRequest:
    """What to train. targets: some of total, difficulty, execution; epochs None: the paper's
    count for the routine; confirmed_small: train below MIN_VIDEOS (asked twice)."""

    routine: str = ALL_ROUTINES
    targets: tuple[str, ...] = ("total",)
    seeds: int = DEFAULT_SEEDS
    folds: int = DEFAULT_FOLDS
    epochs: int | None = None
    options: AnalysisOptions | None = None  # None: the defaults (analysis.AnalysisOptions)
    confirmed_small: bool = False
    whole_videos: bool = False  # windows as long as the longest video (else the paper's,
    # shortened to the longest video when every video is shorter)
    shuffle_seed: int | None = None  # checks only: train on shuffled scores (chance level)


def training_videos(videos: list[LibraryVideo], request: LibraryTrainRequest) -> list[LibraryVideo]:
    """The videos of the routine with a score for every asked target."""
    chosen = videos
    for target in request.targets:
        chosen = select(chosen, target, request.routine)
    return chosen


def library_profiles(library: Library) -> list[str]:
    """The profiles of the scored videos' newest analyses, most common first."""
    found = Counter(v.analysis_profile for v in library.scored_videos() if v.analysis_profile)
    return [p for p, _ in found.most_common()]


def windows(data, whole_videos: bool) -> dict:
    """The training window: the paper's 26 segments / 80 frames, no longer than the longest
    video (a library of short clips trains on whole clips, not on padding); None: whole."""
    from judgeapp.model.windows import RG_FRAMES, RG_SEGMENTS

    if whole_videos:
        return {"segments": None, "frames": None}
    longest_dynamic = max(len(d) for d in data.dynamic)
    longest_static = max((len(s) for s in data.static), default=0)
    return {
        "segments": min(RG_SEGMENTS, max(1, longest_dynamic)),
        "frames": min(RG_FRAMES, max(1, longest_static)),
    }


def export_training_set(
    videos: list[LibraryVideo],
    request: LibraryTrainRequest,
    out: str | Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    extract: ExtractFn | None = None,
    profiles: list[str] | None = None,
) -> tuple[int, dict[str, str]]:
    """Write the request's videos as a feature folder (authors' layout) with `scores.csv` and,
    when D and E are known, `labels.txt`; return (videos written, left out: hash -> why)."""
    from judgeapp.training.library_set import export_folder

    chosen = training_videos(videos, request)
    if not chosen:
        raise JudgeappError(f"no videos scored for {', '.join(request.targets)} to export")
    options = _options(request, profiles or [])
    found = gather_features(chosen, extract or default_extract(options), progress, cancel)
    written = export_folder(chosen, found, out, options.profile, options.pretrained)
    return len(written), found.failed


def below_minimum(count: int) -> bool:
    return count < MIN_VIDEOS


def check_enough(count: int, request: LibraryTrainRequest) -> None:
    """Refuse too few videos outright, and fewer than MIN_VIDEOS unless confirmed."""
    where = f"routine {request.routine}" if request.routine != ALL_ROUTINES else "the library"
    if count < max(4, request.folds if request.folds > 1 else 4):
        raise JudgeappError(
            f"{where} has {count} videos scored for {', '.join(request.targets)}: too few to "
            "train and cross-validate a model"
        )
    if below_minimum(count) and not request.confirmed_small:
        raise JudgeappError(
            f"{where} has only {count} videos scored for {', '.join(request.targets)}; below "
            f"{MIN_VIDEOS} the cross-validated estimate is too uncertain to tell a useful model "
            "from a useless one. Ask again to train anyway (--force); the model will say so"
        )


@dataclass
class TrainedLibrarySet:
    """A trained, not yet installed set: its staged file and card, the estimates, and the
    videos left out (content hash -> why)."""

    staged: Path
    card: object  # model.set_card.SetCard
    estimates: dict[str, CVEstimate]
    videos: int
    skipped: dict[str, str]
    workdir: Path
    out_of_fold: dict = field(default_factory=dict)  # target -> members [V, K], truth, fold_of [V]

    def discard(self) -> None:
        """Remove the staged file (not installed)."""
        shutil.rmtree(self.workdir, ignore_errors=True)

    def summary(self) -> str:
        lines = [e.text() for e in self.estimates.values()]
        if self.skipped:
            lines.append(f"{len(self.skipped)} scored videos left out (no features)")
        return "\n".join(lines)


def default_extract(options: AnalysisOptions) -> ExtractFn:
    """The batch extractor's `extract` (networks built once, on first need; cache first)."""
    from judgeapp.analysis.set_extraction import BatchExtractor

    return BatchExtractor(options).extract


def _options(request: LibraryTrainRequest, profiles: list[str]) -> AnalysisOptions:
    """The request's feature options with the profile settled: the one they name, else the
    most common of the videos' analyses, else the default."""
    from judgeapp.analysis import AnalysisOptions
    from judgeapp.analysis.options import DEFAULT_PROFILE

    options = request.options or AnalysisOptions()
    common = Counter(p for p in profiles if p).most_common(1)
    profile = options.profile or (common[0][0] if common else DEFAULT_PROFILE)
    return dataclasses.replace(options, profile=profile)


class _Steps:
    """Overall progress: features first, then every training run."""

    def __init__(self, progress: ProgressCallback, total_runs: int) -> None:
        self.progress = progress
        self.total_runs = total_runs
        self.done_runs = 0

    def run_done(self, what: str) -> None:
        self.done_runs += 1
        self.progress(Progress(what, self.done_runs, self.total_runs))


def train_from_library(
    videos: list[LibraryVideo],
    request: LibraryTrainRequest,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    extract: ExtractFn | None = None,
    profiles: list[str] | None = None,
    library_label: str = "",
) -> TrainedLibrarySet:
    """Cross-validate and train a model set on the library's videos; nothing is installed.

    videos: the library's scored videos (`library_videos`); profiles: the profiles of their
    analyses (the set uses the most common unless the options name one). Raises Cancelled
    when `cancel` is set, JudgeappError with one line for too few videos or none with
    features; the temporary folder is removed on any failure.
    """
    import numpy as np

    from judgeapp.analysis.device import resolve_device
    from judgeapp.features.profiles import get_profile
    from judgeapp.model.model_set import save_model_set
    from judgeapp.model.set_card import SetCard
    from judgeapp.training.cross_validation import cross_validate
    from judgeapp.training.protocol import TrainConfig, paper_epochs
    from judgeapp.training.runs import FeatureSource, train_run

    cancel = cancel or CancelToken()
    for target in request.targets:
        if target not in TARGETS:
            raise JudgeappError(f"unknown target {target!r}: use {', '.join(TARGETS)} or all")
    chosen = training_videos(videos, request)
    check_enough(len(chosen), request)
    for target in request.targets:
        check_scores(chosen, target)
    options = _options(request, profiles or [])
    profile = options.profile
    found = gather_features(chosen, extract or default_extract(options), progress, cancel)
    has_static = get_profile(profile).has_static
    kept = [v for v in chosen if v.sha256 in found.features]
    check_enough(len(kept), request)
    device = resolve_device(options.device)
    epochs = request.epochs or paper_epochs(request.routine)
    runs_per_target = (request.folds + 1) * request.seeds
    steps = _Steps(progress, runs_per_target * len(request.targets))
    workdir = Path(tempfile.mkdtemp(prefix="judgeapp-library-train-"))
    try:
        labels = workdir / "scores.csv"
        labels.write_text(scores_csv(kept), encoding="utf-8")
        source = FeatureSource(
            features=Path(library_label or "library"),
            labels=labels,
            profile=profile,
            backbones_pretrained=options.pretrained,
            from_manifest=False,
        )
        members, heads, intervals, estimates, out_of_fold = {}, {}, {}, {}, {}
        targets = [t for t in SET_ORDER if t in request.targets]
        for target in targets:
            data, used = feature_set(kept, found, target, has_static)
            if request.shuffle_seed is not None:
                data = data.with_scores(
                    np.random.default_rng(request.shuffle_seed).permutation(data.scores)
                )
            score_max = TARGET_SCORE_MAX[target]
            config = TrainConfig(epochs=epochs, seed=0, **windows(data, request.whole_videos))
            cv = cross_validate(
                data, [v.group for v in used], config, score_max, profile=profile,
                routine=request.routine, target=target, folds=request.folds,
                seeds=request.seeds, device=device, cancel=cancel,
                on_step=lambda *_, t=target: steps.run_done(f"cross-validating {t}"),
            )  # fmt: skip
            estimates[target] = cv.estimate
            out_of_fold[target] = (cv.members, cv.truth, cv.fold_of)
            if cv.calibration is not None:
                intervals[target] = cv.calibration
            runs = []
            for seed in range(request.seeds):
                run = train_run(
                    data, dataclasses.replace(config, seed=seed), score_max=score_max,
                    routine=request.routine, target=target, source=source, device=device,
                    cancel=cancel,
                )  # fmt: skip
                runs.append(run)
                steps.run_done(f"training {target}")
            line = (
                f"{len(data)} videos of this library ({request.routine}, {target}); "
                + cv.estimate.text()
            )
            members[target] = tuple(dataclasses.replace(r.card, trained_on=line) for r in runs)
            heads[target] = [r.outcome.model for r in runs]
        small = below_minimum(len(kept))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = f"library-{request.routine}-{stamp}" + ("-few-videos" if small else "")
        card = SetCard(
            name=name,
            profile=profile,
            routine=request.routine,
            targets=members,
            intervals=intervals,
            library={
                "videos": len(kept),
                "routine": request.routine,
                "estimates": {t: e.to_dict() for t, e in estimates.items()},
                "below_minimum": small,
                "minimum": MIN_VIDEOS,
                "library": library_label,
            },
        )
        staged = workdir / f"{name}.safetensors"
        save_model_set(staged, card, heads)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return TrainedLibrarySet(staged, card, estimates, len(kept), found.failed, workdir, out_of_fold)


def install_trained(trained: TrainedLibrarySet) -> Path:
    """Install a trained set beside the others (old ones stay installed and selectable);
    return where it went. The staged copy is removed either way."""
    from judgeapp.weights.heads import install_head

    try:
        path, _ = install_head(trained.staged)
    finally:
        trained.discard()
    return path


# --------------------------------------------------------------------------------- retraining


@dataclass(frozen=True)
class RetrainOffer:
    """A routine whose library has grown since its newest library model was trained."""

    routine: str
    model_name: str
    model_path: str
    trained_videos: int
    scored_now: int

    @property
    def new_videos(self) -> int:
        return self.scored_now - self.trained_videos

    def text(self) -> str:
        return (
            f"{self.routine}: {self.new_videos} new scored videos since {self.model_name} was "
            f"trained on {self.trained_videos}; retrain to use all {self.scored_now}"
        )


def library_sets(
    heads_folder_sets: list[tuple[Path, object]] | None = None,
) -> list[tuple[Path, object]]:
    """The installed model sets trained on a library, newest first: (path, SetCard)."""
    from judgeapp.model.header import read_set_card
    from judgeapp.weights.heads import head_files

    if heads_folder_sets is not None:
        return heads_folder_sets
    found = []
    for path in head_files():
        try:
            card = read_set_card(path)
        except Exception:  # noqa: BLE001 - an unreadable file is listed elsewhere
            continue
        if card is not None and card.library:
            found.append((path, card))
    return found


def retrain_offers(
    videos: list[LibraryVideo], sets: list[tuple[Path, object]]
) -> list[RetrainOffer]:
    """Routines whose newest library set was trained on clearly fewer videos than are scored
    now (RETRAIN_MIN_NEW more, and RETRAIN_MIN_SHARE more)."""
    offers, seen = [], set()
    for path, card in sets:  # newest first: only each routine's newest set counts
        routine = card.routine
        if routine in seen:
            continue
        seen.add(routine)
        targets = tuple(card.targets)
        scored = len(training_videos(videos, LibraryTrainRequest(routine=routine, targets=targets)))
        trained = int(card.library.get("videos", 0))
        if scored - trained >= RETRAIN_MIN_NEW and scored >= trained * (1 + RETRAIN_MIN_SHARE):
            offers.append(RetrainOffer(routine, card.name, str(path), trained, scored))
    return offers


def library_options(library: Library, device: str = "auto") -> AnalysisOptions:  # noqa: F821
    """Feature settings that find the scored videos' features in the cache: the profile,
    backbone weights, person finder, engine and precision of their newest analysis (the
    defaults without one)."""
    from judgeapp.analysis import AnalysisOptions

    for video in library.scored_videos():
        result = library.latest_analysis(video.sha256)
        if result is not None and result.provenance is not None:
            made, engine = result.provenance, result.engine
            return AnalysisOptions(
                profile=made.profile,
                pretrained=made.pretrained,
                detector=made.detector or "auto",
                device=device,
                engine=engine.name if engine is not None and engine.name else "auto",
                precision=engine.precision if engine is not None and engine.precision else None,
            )
    return AnalysisOptions(device=device)


def _snapshot(
    library_path: Path, device: str
) -> tuple[list[LibraryVideo], list[str], AnalysisOptions]:
    """The scored videos, their analyses' profiles and feature options, read once."""
    with Library.open(library_path) as library:
        return (
            library_videos(library),
            library_profiles(library),
            library_options(library, device),
        )


def train_in_child(
    library_path: Path, request: LibraryTrainRequest, device: str, *, progress, cancel
) -> TrainedLibrarySet:
    """The training job's body in the child process (library_training_child)."""
    videos, profiles, options = _snapshot(library_path, device)
    chosen = dataclasses.replace(request, options=request.options or options)
    return train_from_library(
        videos, chosen, progress, cancel, profiles=profiles, library_label=str(library_path)
    )


def export_in_child(
    library_path: Path, request: LibraryTrainRequest, device: str, out: str, *, progress, cancel
) -> tuple[int, dict[str, str]]:
    """The export job's body in the child process."""
    videos, profiles, options = _snapshot(library_path, device)
    chosen = dataclasses.replace(request, options=request.options or options)
    return export_training_set(videos, chosen, out, progress, cancel, profiles=profiles)


def install_in_child(staged: Path, *, progress, cancel) -> Path:
    """The install job's body in the child process."""
    from judgeapp.weights.heads import install_head

    return install_head(staged)[0]


class LibraryTrainingService:
    """The train dialog's access: counts, retrain offers, and training and export as job
    functions (`fn(progress, cancel)`) that run in a child process (PyTorch never enters the
    GUI process), installing. No Qt."""

    def __init__(self, library_path: str | Path, device: str = "auto") -> None:
        self.library_path = Path(library_path)
        self.device = device

    def overview(self) -> tuple[list[CountRow], list[RetrainOffer]]:
        """The counts table and the routines worth retraining (reads the heads' headers)."""
        with Library.open(self.library_path) as library:
            videos = library_videos(library)
        return count_rows(videos), retrain_offers(videos, library_sets())

    def train_job(self, request: LibraryTrainRequest):
        """A job function that trains (not installs) a set; its value: TrainedLibrarySet."""
        from judgeapp.app.library_training_child import run_in_child

        args = (self.library_path, request, self.device)
        return lambda progress, cancel: run_in_child(train_in_child, args, progress, cancel)

    def export_job(self, request: LibraryTrainRequest, out: str | Path):
        """A job function that writes the training set as a feature folder."""
        from judgeapp.app.library_training_child import run_in_child

        args = (self.library_path, request, self.device, str(out))
        return lambda progress, cancel: run_in_child(export_in_child, args, progress, cancel)

    @staticmethod
    def install_job(trained: TrainedLibrarySet):
        """A job function that installs a trained set (validated in a child process: loading
        it needs PyTorch); its value: the installed path. The staged copy is removed."""
        from judgeapp.app.library_training_child import run_in_child

        def job(progress, cancel) -> Path:
            try:
                return run_in_child(install_in_child, (trained.staged,), progress, cancel)
            finally:
                trained.discard()

        return job

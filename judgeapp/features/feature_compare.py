"""Two feature folders in the authors' layout side by side: counts, cosines, differences.

This is how a user checks their own extraction against released features before trusting a
head trained on those: per video and stream, the instance counts in each folder and, over the
instances both hold, the per-instance cosine similarity (mean and minimum), the cosine of the
whole common part flattened, the largest absolute difference and the ratio of the norms.

Instances are paired by position (the first min(N_A, N_B) of each), or by time when both folders
have a `judgeapp extract` manifest listing each instance's time: then a frame that one folder
dropped (no person found) does not shift every later pair. Only one video is in memory at a time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from judgeapp.core.errors import JudgeappError
from judgeapp.features.feature_folder import (
    DYNAMIC_DIR,
    STATIC_DIR,
    dynamic_only_layout,
    dynamic_path,
    feature_paths,
    load_matrix,
    manifest_recipe,
    no_static,
    read_manifest,
)
from judgeapp.video import DYNAMIC_FPS, SEGMENT_FRAMES, STATIC_FPS

SCHEMA = "judgeapp.features-compare/1"
AUTHORS_PROFILE = "paper"  # what features without a manifest are taken for (training.runs)
STREAMS = ("dynamic", "static")
BY_INDEX = "index"
BY_TIME = "time"
# Manifest entries giving each instance's time, and half the spacing of instances: two instances
# closer in time than that are the same sample, taken by the two recipes at slightly other frames.
_TIME_KEYS = {"dynamic": "segment_start_s", "static": "static_time_s"}
_TOLERANCE_S = {"dynamic": 0.5 * SEGMENT_FRAMES / DYNAMIC_FPS, "static": 0.5 / STATIC_FPS}
_SUBDIRS = {"dynamic": DYNAMIC_DIR, "static": STATIC_DIR}
_COSINE_DECIMALS = 9  # float32 features: more digits say nothing


@dataclass(frozen=True)
class StreamComparison:
    """One video's stream in both folders. The figures are None when no pair was found."""

    count_a: int
    count_b: int
    compared: int  # instances paired and compared
    aligned_by: str  # "index" or "time"
    mean_cosine: float | None
    min_cosine: float | None
    min_cosine_instance: int | None  # its index in A
    flat_cosine: float | None  # cosine of the common parts flattened to one vector each
    max_abs_diff: float | None
    norm_ratio: float | None  # |B| / |A| over the common parts: a scale error cosine cannot see

    @property
    def count_mismatch(self) -> bool:
        return self.count_a != self.count_b


@dataclass(frozen=True)
class VideoComparison:
    name: str
    dynamic: StreamComparison
    static: StreamComparison


@dataclass(frozen=True)
class StreamSummary:
    """One stream over all compared videos; the mean cosine weighs every instance once."""

    dim: int
    instances_compared: int
    mean_cosine: float | None
    min_cosine: float | None
    min_cosine_video: str | None
    max_abs_diff: float | None
    max_abs_diff_video: str | None
    norm_ratio_min: float | None  # the smallest and largest per-video |B| / |A|
    norm_ratio_max: float | None
    count_mismatches: int  # videos whose instance counts differ


@dataclass(frozen=True)
class FolderInfo:
    """A compared folder and what its manifest (if any) says about the recipe."""

    path: str
    videos: int
    manifest: bool
    profile: str | None = None
    recipe: int | None = None  # the recipe version (manifests from before versions: 1)
    pretrained: bool | None = None

    def describe(self) -> str:
        if not self.manifest:
            return "no manifest"
        parts = [f"profile {self.profile or '?'}"]
        if self.recipe is not None:
            parts.append(f"recipe {self.recipe}")
        if self.pretrained is False:
            parts.append("random backbones")
        return ", ".join(parts)


@dataclass(frozen=True)
class FeatureComparison:
    a: FolderInfo
    b: FolderInfo
    videos: list[VideoComparison]
    only_in_a: list[str]
    only_in_b: list[str]
    summary: dict[str, StreamSummary]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The `judgeapp.features-compare/1` document (docs/training.md)."""
        return {
            "schema": SCHEMA,
            "a": asdict(self.a),
            "b": asdict(self.b),
            "summary": {
                "videos_compared": len(self.videos),
                **{stream: asdict(self.summary[stream]) for stream in STREAMS},
            },
            "only_in_a": list(self.only_in_a),
            "only_in_b": list(self.only_in_b),
            "videos": [
                {
                    "name": video.name,
                    **{
                        stream: {
                            **asdict(getattr(video, stream)),
                            "count_mismatch": getattr(video, stream).count_mismatch,
                        }
                        for stream in STREAMS
                    },
                }
                for video in self.videos
            ],
            "warnings": list(self.warnings),
        }


def pair_by_time(
    times_a: np.ndarray, times_b: np.ndarray, tolerance_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (into A, into B) of instances at most `tolerance_s` apart, in order, one to one."""
    pairs_a: list[int] = []
    pairs_b: list[int] = []
    i = j = 0
    while i < len(times_a) and j < len(times_b):
        if abs(times_a[i] - times_b[j]) <= tolerance_s:
            pairs_a.append(i)
            pairs_b.append(j)
            i += 1
            j += 1
        elif times_a[i] < times_b[j]:
            i += 1
        else:
            j += 1
    return np.asarray(pairs_a, dtype=np.int64), np.asarray(pairs_b, dtype=np.int64)


def _cosine(dot: np.ndarray, norm_a: np.ndarray, norm_b: np.ndarray) -> np.ndarray:
    """Cosines from dot products and norms; two zero vectors agree (1), one alone does not (0)."""
    denominator = norm_a * norm_b
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(denominator > 0, dot / np.where(denominator > 0, denominator, 1), 0.0)
    cosine = np.where((norm_a == 0) & (norm_b == 0), 1.0, cosine)
    return np.clip(cosine, -1.0, 1.0)


def compare_stream(
    a: np.ndarray,
    b: np.ndarray,
    times_a: np.ndarray | None = None,
    times_b: np.ndarray | None = None,
    tolerance_s: float = 0.0,
) -> StreamComparison:
    """Compare one video's [N_A, D] and [N_B, D] features (same D), paired by time if given."""
    if times_a is not None and times_b is not None:
        idx_a, idx_b = pair_by_time(times_a, times_b, tolerance_s)
        aligned_by = BY_TIME
    else:
        idx_a = idx_b = np.arange(min(len(a), len(b)))
        aligned_by = BY_INDEX
    if len(idx_a) == 0:
        return StreamComparison(len(a), len(b), 0, aligned_by, *[None] * 6)
    common_a = a[idx_a].astype(np.float64)
    common_b = b[idx_b].astype(np.float64)
    norm_a = np.linalg.norm(common_a, axis=1)
    norm_b = np.linalg.norm(common_b, axis=1)
    dots = np.einsum("nd,nd->n", common_a, common_b)
    cosines = _cosine(dots, norm_a, norm_b)
    flat_norm_a = float(np.sqrt(np.sum(norm_a**2)))
    flat_norm_b = float(np.sqrt(np.sum(norm_b**2)))
    flat = _cosine(np.asarray(np.sum(dots)), np.asarray(flat_norm_a), np.asarray(flat_norm_b))
    worst = int(np.argmin(cosines))
    return StreamComparison(
        count_a=len(a),
        count_b=len(b),
        compared=len(idx_a),
        aligned_by=aligned_by,
        mean_cosine=round(float(np.mean(cosines)), _COSINE_DECIMALS),
        min_cosine=round(float(cosines[worst]), _COSINE_DECIMALS),
        min_cosine_instance=int(idx_a[worst]),
        flat_cosine=round(float(flat), _COSINE_DECIMALS),
        max_abs_diff=float(np.max(np.abs(common_a - common_b))),
        norm_ratio=round(flat_norm_b / flat_norm_a, _COSINE_DECIMALS) if flat_norm_a else None,
    )


def summarize(videos: list[VideoComparison], stream: str, dim: int) -> StreamSummary:
    """One stream's figures over all videos (videos without a pair count only for mismatches)."""
    parts = [(video.name, getattr(video, stream)) for video in videos]
    compared = [(name, part) for name, part in parts if part.compared]
    mismatches = sum(part.count_mismatch for _, part in parts)
    if not compared:
        return StreamSummary(dim, 0, *[None] * 7, mismatches)
    total = sum(part.compared for _, part in compared)
    mean = sum(part.mean_cosine * part.compared for _, part in compared) / total
    min_name, min_part = min(compared, key=lambda item: item[1].min_cosine)
    max_name, max_part = max(compared, key=lambda item: item[1].max_abs_diff)
    ratios = [part.norm_ratio for _, part in compared if part.norm_ratio is not None]
    return StreamSummary(
        dim=dim,
        instances_compared=total,
        mean_cosine=round(mean, _COSINE_DECIMALS),
        min_cosine=min_part.min_cosine,
        min_cosine_video=min_name,
        max_abs_diff=max_part.max_abs_diff,
        max_abs_diff_video=max_name,
        norm_ratio_min=min(ratios, default=None),
        norm_ratio_max=max(ratios, default=None),
        count_mismatches=mismatches,
    )


def _video_names(root: Path) -> list[str]:
    """Names of the videos in a folder; each must have both streams' files (the dynamic one
    alone in a dynamic-only folder: `vst` features or GDLT's released NAME.npy files)."""
    if not root.is_dir():
        raise JudgeappError(f"{root}: feature folder not found")
    if dynamic_only_layout(root):
        folder = dynamic_path(root, "x").parent
        return sorted(p.stem for p in folder.glob("*.npy") if not p.name.startswith("."))
    names: dict[str, set[str]] = {}
    for stream, sub in _SUBDIRS.items():
        if not (root / sub).is_dir():
            raise JudgeappError(
                f"{root}: no {sub}/ folder (expected the authors' layout "
                f"{DYNAMIC_DIR}/NAME.npy and {STATIC_DIR}/NAME.npy)"
            )
        # Hidden `.NAME.npy.*.npy` files are what a killed `judgeapp extract` leaves.
        names[stream] = {p.stem for p in (root / sub).glob("*.npy") if not p.name.startswith(".")}
    for stream, other in (("dynamic", "static"), ("static", "dynamic")):
        lacking = sorted(names[other] - names[stream])
        if lacking:
            missing = root / _SUBDIRS[stream] / f"{lacking[0]}.npy"
            more = f" ({len(lacking)} videos lack theirs)" if len(lacking) > 1 else ""
            raise JudgeappError(
                f"{missing}: missing, but {_SUBDIRS[other]}/{lacking[0]}.npy exists{more}"
            )
    return sorted(names["dynamic"])


def _folder_info(root: Path, videos: int, manifest: dict | None) -> FolderInfo:
    if manifest is None:
        return FolderInfo(str(root), videos, False)
    profile = manifest.get("profile")
    recipe = manifest_recipe(manifest)
    pretrained = manifest.get("pretrained")
    return FolderInfo(
        str(root),
        videos,
        True,
        profile if isinstance(profile, str) else None,
        recipe if recipe >= 0 else None,
        pretrained if isinstance(pretrained, bool) else None,
    )


def _instance_times(manifest: dict | None, name: str, stream: str, count: int):
    """Each instance's time from a manifest, or None when it does not list them all."""
    if manifest is None:
        return None
    videos = manifest.get("videos")
    entry = videos.get(name) if isinstance(videos, dict) else None
    times = entry.get(_TIME_KEYS[stream]) if isinstance(entry, dict) else None
    if not isinstance(times, list) or len(times) != count:
        return None
    try:
        return np.asarray(times, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _recipe_warnings(a: FolderInfo, b: FolderInfo) -> list[str]:
    warnings = []
    if a.profile and b.profile and a.profile != b.profile:
        warnings.append(
            f"A holds '{a.profile}' features and B '{b.profile}': different recipes, "
            "so the features are not expected to agree"
        )
    elif a.recipe is not None and b.recipe is not None and a.recipe != b.recipe:
        warnings.append(f"A was made with recipe {a.recipe} and B with recipe {b.recipe}")
    for label, bare, other, info in (("A", a, "B", b), ("B", b, "A", a)):
        if not bare.manifest and info.profile and info.profile != AUTHORS_PROFILE:
            warnings.append(
                f"{label} has no manifest, so it is taken for the authors' '{AUTHORS_PROFILE}' "
                f"features (as `judgeapp train` does), but {other} holds '{info.profile}' "
                f"features: extract with --profile {AUTHORS_PROFILE} to compare like with like"
            )
    random = [label for label, info in (("A", a), ("B", b)) if info.pretrained is False]
    if random:
        warnings.append(
            f"{' and '.join(random)} {'was' if len(random) == 1 else 'were'} extracted with "
            "random backbone weights (--pretrained none): random backbones give nearly parallel "
            "features even for different videos, so cosines near 1 mean little there"
        )
    return warnings


class _Widths:
    """Every file of a stream, in both folders, must have the width of the first one read."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[int, Path]] = {}

    def check(self, stream: str, path: Path, array: np.ndarray) -> None:
        width = int(array.shape[1])
        if stream not in self.first:
            self.first[stream] = (width, path)
            return
        expected, first = self.first[stream]
        if width != expected:
            raise JudgeappError(
                f"{path}: features are {width}-d, but {first} is {expected}-d "
                f"(both are {stream} features)"
            )


def compare_folders(a_dir: str | Path, b_dir: str | Path) -> FeatureComparison:
    """Compare every video the two folders share, one video in memory at a time."""
    a_root, b_root = Path(a_dir), Path(b_dir)
    names_a, names_b = _video_names(a_root), _video_names(b_root)
    common = sorted(set(names_a) & set(names_b))
    if not common:
        raise JudgeappError(
            f"{a_root} and {b_root}: no video in common ({len(names_a)} and {len(names_b)} "
            "videos; features are matched by file name)"
        )
    manifest_a, manifest_b = read_manifest(a_root), read_manifest(b_root)
    info_a = _folder_info(a_root, len(names_a), manifest_a)
    info_b = _folder_info(b_root, len(names_b), manifest_b)
    widths = _Widths()
    videos: list[VideoComparison] = []
    dynamic_only = dynamic_only_layout(a_root) or dynamic_only_layout(b_root)
    for name in common:
        streams = {}
        paths_a, paths_b = feature_paths(a_root, name), feature_paths(b_root, name)
        if dynamic_only:  # no static stream to compare: both sides count none
            paths_a, paths_b = (dynamic_path(a_root, name),), (dynamic_path(b_root, name),)
            streams["static"] = compare_stream(no_static(), no_static())
            widths.first.setdefault("static", (0, a_root))
        for stream, path_a, path_b in zip(STREAMS, paths_a, paths_b, strict=False):
            a = load_matrix(path_a, None)
            widths.check(stream, path_a, a)
            b = load_matrix(path_b, None)
            widths.check(stream, path_b, b)
            streams[stream] = compare_stream(
                a,
                b,
                _instance_times(manifest_a, name, stream, len(a)),
                _instance_times(manifest_b, name, stream, len(b)),
                _TOLERANCE_S[stream],
            )
        videos.append(VideoComparison(name, streams["dynamic"], streams["static"]))
    summary = {stream: summarize(videos, stream, widths.first[stream][0]) for stream in STREAMS}
    return FeatureComparison(
        info_a,
        info_b,
        videos,
        sorted(set(names_a) - set(names_b)),
        sorted(set(names_b) - set(names_a)),
        summary,
        _recipe_warnings(info_a, info_b)
        + (
            ["static stream not compared: a folder holds dynamic features only"]
            if dynamic_only
            else []
        ),
    )


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _counts(part: StreamComparison) -> str:
    mark = "*" if part.count_mismatch else ""
    return f"{part.count_a}/{part.count_b}{mark}"


def _videos(count: int) -> str:
    return f"{count} video" if count == 1 else f"{count} videos"


def _listed(names: list[str], shown: int = 10) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def format_report(comparison: FeatureComparison) -> str:
    """The readable table: one row per video, then what is missing, the summary and warnings."""
    name_width = max(5, *(len(video.name) for video in comparison.videos))
    stream_header = (
        f"{'n A/B':>9} {'cos mean':>9} {'cos min':>9} {'cos all':>9} {'max|d|':>8} {'|B|/|A|':>8}"
    )
    lines = [
        f"A: {comparison.a.path} ({_videos(comparison.a.videos)}; {comparison.a.describe()})",
        f"B: {comparison.b.path} ({_videos(comparison.b.videos)}; {comparison.b.describe()})",
        "",
        f"{'':{name_width}}  {'dynamic':<{len(stream_header)}}  static",
        f"{'video':<{name_width}}  {stream_header}  {stream_header}",
    ]
    for video in comparison.videos:
        cells = []
        for stream in STREAMS:
            part: StreamComparison = getattr(video, stream)
            cells.append(
                f"{_counts(part):>9} {_figure(part.mean_cosine, '.6f'):>9} "
                f"{_figure(part.min_cosine, '.6f'):>9} {_figure(part.flat_cosine, '.6f'):>9} "
                f"{_figure(part.max_abs_diff, '.3g'):>8} {_figure(part.norm_ratio, '.4f'):>8}"
            )
        lines.append(f"{video.name:<{name_width}}  {cells[0]}  {cells[1]}")
    lines.append("")
    if any(getattr(v, s).count_mismatch for v in comparison.videos for s in STREAMS):
        lines.append("* instance counts differ; the common instances were compared")
    if any(getattr(v, s).aligned_by == BY_TIME for v in comparison.videos for s in STREAMS):
        lines.append("instances paired by their times in both manifests")
    if comparison.only_in_a:
        lines.append(f"only in A ({len(comparison.only_in_a)}): {_listed(comparison.only_in_a)}")
    if comparison.only_in_b:
        lines.append(f"only in B ({len(comparison.only_in_b)}): {_listed(comparison.only_in_b)}")
    lines.append(f"{_videos(len(comparison.videos))} compared")
    for stream in STREAMS:
        summary = comparison.summary[stream]
        if summary.instances_compared == 0:
            lines.append(f"{stream} ({summary.dim}-d): no instances paired")
            continue
        lines.append(
            f"{stream} ({summary.dim}-d, {summary.instances_compared} instances): "
            f"mean cosine {summary.mean_cosine:.6f}, "
            f"min {summary.min_cosine:.6f} ({summary.min_cosine_video}), "
            f"max abs diff {summary.max_abs_diff:.3g} ({summary.max_abs_diff_video}), "
            f"|B|/|A| {_figure(summary.norm_ratio_min, '.4f')}-"
            f"{_figure(summary.norm_ratio_max, '.4f')}, "
            f"counts differ in {_videos(summary.count_mismatches)}"
        )
    lines.extend(f"warning: {warning}" for warning in comparison.warnings)
    return "\n".join(lines) + "\n"

"""`judgeapp features compare`: a folder against itself, against a perturbed copy, JSON, errors.

Synthetic folders in the authors' layout carry planted differences of known size; one real
folder comes from `judgeapp extract` on a real video with random backbone weights (offline).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from judgeapp.cli import main
from judgeapp.features.feature_compare import SCHEMA, compare_folders, compare_stream, pair_by_time

EXTRACT_OPTIONS = ["--pretrained", "none", "--device", "cpu", "--detector", "hog"]
NOISE = 0.3  # uniform in [-NOISE, NOISE] on features of magnitude 1 in every dimension
SPIKE = 0.25  # planted once, larger than any noise in that stream's dimension
# cos(a, a + e) for |a_i| = 1 and e_i uniform: 1 / sqrt(1 + E[e_i^2]) = 1 / sqrt(1 + NOISE^2 / 3)
EXPECTED_COSINE = 1 / np.sqrt(1 + NOISE**2 / 3)
COUNTS = {"vault_01": (6, 13), "vault_02": (7, 15), "vault_03": (5, 11)}


def write_folder(root: Path, videos: dict[str, tuple[np.ndarray, np.ndarray]]) -> Path:
    for sub in ("dynamic_feat", "static_feat"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name, (dynamic, static) in videos.items():
        np.save(root / "dynamic_feat" / f"{name}.npy", dynamic.astype(np.float32))
        np.save(root / "static_feat" / f"{name}.npy", static.astype(np.float32))
    return root


def signs(rng: np.random.Generator, rows: int, dim: int) -> np.ndarray:
    return rng.choice([-1.0, 1.0], size=(rows, dim))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, Path]:
    """A, and B = A + noise with one spike, one instance fewer, one video each only in A / B."""
    rng = np.random.default_rng(8)
    root = tmp_path_factory.mktemp("synthetic")
    a_videos = {name: (signs(rng, n, 1024), signs(rng, m, 2048)) for name, (n, m) in COUNTS.items()}
    a_videos["floor_only_a"] = (signs(rng, 4, 1024), signs(rng, 9, 2048))
    b_videos = {}
    for name, (dynamic, static) in a_videos.items():
        if name == "floor_only_a":
            continue
        b_videos[name] = (
            dynamic + rng.uniform(-NOISE, NOISE, dynamic.shape),
            static + rng.uniform(-NOISE, NOISE, static.shape),
        )
    b_videos["vault_02"][1][3, 100] = a_videos["vault_02"][1][3, 100] + SPIKE + NOISE
    b_videos["vault_03"] = (b_videos["vault_03"][0][:-1], b_videos["vault_03"][1])
    b_videos["beam_only_b"] = (signs(rng, 3, 1024), signs(rng, 8, 2048))
    a = write_folder(root / "a", a_videos)
    b = write_folder(root / "b", b_videos)
    (b / "dynamic_feat" / ".vault_01.npy.k3j4.npy").write_bytes(b"\x93NUMPY half")  # a killed run
    return a, b


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """Real features of one real video, written by `judgeapp extract` (random weights)."""
    media = Path(__file__).resolve().parents[2] / "shared" / "media" / "squats_portrait_5fps.mp4"
    if not media.is_file():
        pytest.skip(f"real test video not found at {media}")
    out = tmp_path_factory.mktemp("extracted") / "features"
    assert main(["extract", str(media), "--out", str(out), *EXTRACT_OPTIONS]) == 0
    return out


def test_synthetic_folder_against_itself(synthetic) -> None:
    a, _ = synthetic
    result = compare_folders(a, a)
    assert [v.name for v in result.videos] == ["floor_only_a", *COUNTS]
    assert result.only_in_a == result.only_in_b == []
    for video in result.videos:
        for part in (video.dynamic, video.static):
            assert part.count_a == part.count_b == part.compared
            assert part.aligned_by == "index"  # no manifests
            assert part.mean_cosine == part.min_cosine == part.flat_cosine == 1.0
            assert part.max_abs_diff == 0.0 and part.norm_ratio == 1.0
    for summary in result.summary.values():
        assert summary.mean_cosine == 1.0 and summary.max_abs_diff == 0.0
        assert summary.norm_ratio_min == summary.norm_ratio_max == 1.0
        assert summary.count_mismatches == 0


def test_perturbed_copy_reports_the_planted_differences(synthetic) -> None:
    a, b = synthetic
    result = compare_folders(a, b)
    assert result.only_in_a == ["floor_only_a"] and result.only_in_b == ["beam_only_b"]
    assert [v.name for v in result.videos] == list(COUNTS)
    by_name = {v.name: v for v in result.videos}
    for video in result.videos:
        for part in (video.dynamic, video.static):
            assert part.mean_cosine == pytest.approx(EXPECTED_COSINE, abs=5e-4)
            assert part.min_cosine == pytest.approx(EXPECTED_COSINE, abs=2e-3)
            assert part.min_cosine <= part.mean_cosine < 0.99
            assert part.flat_cosine == pytest.approx(EXPECTED_COSINE, abs=5e-4)
            assert part.norm_ratio == pytest.approx(1 / EXPECTED_COSINE, abs=5e-3)  # noise adds
            assert part.max_abs_diff <= NOISE + 1e-6 or part is by_name["vault_02"].static
    assert by_name["vault_02"].static.max_abs_diff == pytest.approx(SPIKE + NOISE, abs=1e-6)
    assert result.summary["static"].max_abs_diff_video == "vault_02"
    assert result.summary["static"].max_abs_diff == pytest.approx(SPIKE + NOISE, abs=1e-6)
    assert result.summary["dynamic"].max_abs_diff < NOISE + 1e-6

    short = by_name["vault_03"].dynamic
    assert (short.count_a, short.count_b, short.compared) == (5, 4, 4) and short.count_mismatch
    assert not by_name["vault_03"].static.count_mismatch
    assert result.summary["dynamic"].count_mismatches == 1
    assert result.summary["static"].count_mismatches == 0
    assert result.summary["dynamic"].instances_compared == 6 + 7 + 4
    assert result.summary["static"].instances_compared == 13 + 15 + 11
    assert result.summary["dynamic"].dim == 1024 and result.summary["static"].dim == 2048


def test_cosine_of_a_scaled_copy_is_one_and_of_an_opposite_minus_one() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(5, 16)).astype(np.float32)
    scaled = compare_stream(a, 3 * a)
    assert scaled.min_cosine == pytest.approx(1.0, abs=1e-9)
    assert scaled.max_abs_diff == pytest.approx(float(np.max(np.abs(2 * a))), rel=1e-6)
    assert scaled.norm_ratio == pytest.approx(3.0, rel=1e-6)  # what cosine alone cannot show
    flipped = a.copy()
    flipped[2] = -flipped[2]
    result = compare_stream(a, flipped)
    assert result.min_cosine == pytest.approx(-1.0, abs=1e-9) and result.min_cosine_instance == 2
    assert result.mean_cosine == pytest.approx(3 / 5, abs=1e-9)


def test_pairing_by_time_skips_what_only_one_side_sampled() -> None:
    # 1 fps samples at t = 0, 1, 2, ... against the last frame of each second at 25 fps (0.96,
    # 1.96, ...), where B also lost the frame at 2.96 s.
    times_a = np.arange(6.0)
    times_b = np.array([0.96, 1.96, 3.96, 4.96])
    idx_a, idx_b = pair_by_time(times_a, times_b, tolerance_s=0.5)
    assert idx_a.tolist() == [1, 2, 4, 5] and idx_b.tolist() == [0, 1, 2, 3]
    rng = np.random.default_rng(5)
    a = rng.normal(size=(6, 8))
    b = a[[1, 2, 4, 5]]
    part = compare_stream(a, b, times_a, times_b, 0.5)
    assert (part.aligned_by, part.compared, part.max_abs_diff) == ("time", 4, 0.0)
    assert compare_stream(a, b).max_abs_diff > 0.5  # by position the pairs are wrong


def test_manifests_profile_and_recipe_shown_and_differences_warned(
    synthetic, tmp_path: Path, capsys
) -> None:
    a, _ = synthetic
    folders = {}
    for label, manifest in (
        ("paper_r2", {"profile": "paper", "recipe": 2, "pretrained": True}),
        ("paper_r1", {"profile": "paper", "recipe": 1, "pretrained": True}),
        ("torchvision", {"profile": "torchvision", "pretrained": True}),
    ):
        folders[label] = tmp_path / label
        shutil.copytree(a, folders[label])
        (folders[label] / "manifest.json").write_text(json.dumps({**manifest, "videos": {}}))
    assert main(["features", "compare", str(folders["paper_r2"]), str(folders["paper_r1"])]) == 0
    table = capsys.readouterr().out
    assert "(4 videos; profile paper, recipe 2)" in table
    assert "warning: A was made with recipe 2 and B with recipe 1" in table
    result = compare_folders(folders["paper_r2"], folders["torchvision"])
    assert (result.a.profile, result.a.recipe, result.a.pretrained) == ("paper", 2, True)
    assert result.b.recipe == 1  # a manifest from before recipe versions
    assert result.warnings == [
        "A holds 'paper' features and B 'torchvision': different recipes, "
        "so the features are not expected to agree"
    ]
    assert compare_folders(a, folders["paper_r2"]).warnings == []  # no manifest: the authors'
    assert "A has no manifest" in compare_folders(a, folders["torchvision"]).warnings[0]
    # The manifests list no instance times for these videos: paired by position.
    assert {v.static.aligned_by for v in result.videos} == {"index"}


def test_table_and_json_output(synthetic, tmp_path: Path, capsys) -> None:
    a, b = synthetic
    out = tmp_path / "compare.json"
    assert main(["features", "compare", str(a), str(b), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "only in A (1): floor_only_a" in table and "only in B (1): beam_only_b" in table
    assert "5/4*" in table  # vault_03's dynamic counts, marked
    assert "3 videos compared" in table
    document = json.loads(out.read_text())
    assert document["schema"] == SCHEMA == "judgeapp.features-compare/1"
    assert document["a"] == {
        "path": str(a), "videos": 4, "manifest": False,
        "profile": None, "recipe": None, "pretrained": None,
    }  # fmt: skip
    assert document["only_in_a"] == ["floor_only_a"] and document["only_in_b"] == ["beam_only_b"]
    summary = document["summary"]
    assert summary["videos_compared"] == 3
    assert set(summary["static"]) == {
        "dim", "instances_compared", "mean_cosine", "min_cosine", "min_cosine_video",
        "max_abs_diff", "max_abs_diff_video", "norm_ratio_min", "norm_ratio_max",
        "count_mismatches",
    }  # fmt: skip
    assert summary["static"]["max_abs_diff_video"] == "vault_02"
    assert summary["dynamic"]["count_mismatches"] == 1
    videos = {v["name"]: v for v in document["videos"]}
    assert list(videos) == list(COUNTS)
    assert videos["vault_03"]["dynamic"] == {
        **videos["vault_03"]["dynamic"],
        "count_a": 5, "count_b": 4, "compared": 4, "count_mismatch": True, "aligned_by": "index",
    }  # fmt: skip
    assert 0.9 < videos["vault_01"]["static"]["mean_cosine"] < 0.99
    assert document["warnings"] == []

    # `--json -`: the document alone on stdout, the table on stderr.
    assert main(["features", "compare", str(a), str(b), "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == document
    assert "3 videos compared" in captured.err


@pytest.mark.slow
def test_real_extraction_against_itself_and_a_copy_missing_a_frame(
    extracted: Path, tmp_path: Path, capsys
) -> None:
    assert main(["features", "compare", str(extracted), str(extracted)]) == 0
    table = capsys.readouterr().out
    assert "profile torchvision, recipe 1, random backbones" in table
    assert "warning: A and B were extracted with random backbone weights" in table
    result = compare_folders(extracted, extracted)
    (video,) = result.videos
    assert video.dynamic.count_a == 4 and video.static.count_a == 13  # 13 s at 5 fps, 1 fps
    for part in (video.dynamic, video.static):
        assert part.aligned_by == "time"  # both manifests list the instance times
        assert part.compared == part.count_a == part.count_b
        assert part.min_cosine == pytest.approx(1.0, abs=1e-9)
        assert part.flat_cosine == pytest.approx(1.0, abs=1e-9)
        assert part.max_abs_diff == 0.0

    # A copy whose static stream lost its 4th frame (as when no person is found there): paired
    # by time, the other 12 frames still match exactly; paired by position they would not.
    copy = tmp_path / "copy"
    shutil.copytree(extracted, copy)
    static_path = copy / "static_feat" / "squats_portrait_5fps.npy"
    static = np.load(static_path, allow_pickle=False)
    np.save(static_path, np.delete(static, 3, axis=0))
    manifest = json.loads((copy / "manifest.json").read_text())
    entry = manifest["videos"]["squats_portrait_5fps"]
    for key in ("static_time_s", "static_frame", "static_box"):
        del entry[key][3]
    entry["static_frames"] = 12
    (copy / "manifest.json").write_text(json.dumps(manifest))
    (part,) = [v.static for v in compare_folders(extracted, copy).videos]
    assert (part.count_a, part.count_b, part.compared) == (13, 12, 12)
    assert part.aligned_by == "time" and part.max_abs_diff == 0.0
    by_index = compare_stream(static, np.delete(static, 3, axis=0))
    assert by_index.compared == 12 and by_index.max_abs_diff > 0.0

    # Against the same features without a manifest (as released features come): by position.
    bare = tmp_path / "bare"
    shutil.copytree(extracted, bare)
    (bare / "manifest.json").unlink()
    (video,) = compare_folders(bare, extracted).videos
    assert video.static.aligned_by == "index" and video.static.max_abs_diff == 0.0
    assert main(["features", "compare", str(bare), str(extracted)]) == 0
    table = capsys.readouterr().out
    assert f"A: {bare} (1 video; no manifest)" in table
    assert "A has no manifest, so it is taken for the authors' 'paper' features" in table


def _error(argv: list[str], capsys) -> str:
    assert main(argv) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (np.zeros(1024, dtype=np.float32), "expected a non-empty [instances, dim] matrix"),
        (np.zeros((2, 3, 1024), dtype=np.float32), "expected a non-empty [instances, dim] matrix"),
        (np.zeros((4, 1024), dtype=np.int64), "expected floating-point features"),
        (np.array([{"a": 1}], dtype=object), "not a readable .npy feature file"),
        (b"not a numpy file", "not a readable .npy feature file"),
        (np.zeros((4, 512), dtype=np.float32), "features are 512-d, but"),
    ],
    ids=["1-d", "3-d", "integers", "pickled", "garbage", "width"],
)
def test_bad_feature_file_is_one_error_line_naming_it(
    synthetic, tmp_path: Path, capsys, content, problem
) -> None:
    a, b = synthetic
    broken = tmp_path / "b"
    shutil.copytree(b, broken)
    path = broken / "dynamic_feat" / "vault_02.npy"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        np.save(path, content, allow_pickle=True)
    line = _error(["features", "compare", str(a), str(broken)], capsys)
    assert str(path) in line and problem in line


def test_folder_errors_are_one_line_naming_the_folder(synthetic, tmp_path: Path, capsys) -> None:
    a, _ = synthetic
    missing = tmp_path / "missing"
    assert str(missing) in _error(["features", "compare", str(a), str(missing)], capsys)

    other = write_folder(tmp_path / "other", {"rings_01": (np.ones((2, 1024)), np.ones((3, 2048)))})
    line = _error(["features", "compare", str(a), str(other)], capsys)
    assert "no video in common" in line and str(other) in line

    flat = tmp_path / "flat"
    (flat / "dynamic_feat").mkdir(parents=True)
    line = _error(["features", "compare", str(a), str(flat)], capsys)
    assert f"{flat}: no static_feat/ folder" in line

    half = tmp_path / "half"
    shutil.copytree(a, half)
    (half / "static_feat" / "vault_01.npy").unlink()
    line = _error(["features", "compare", str(half), str(a)], capsys)
    assert f"{half / 'static_feat' / 'vault_01.npy'}: missing" in line

    out = tmp_path / "out.json"
    _error(["features", "compare", str(a), str(missing), "--json", str(out)], capsys)
    assert not out.exists()  # nothing half-written


def test_command_line_usage_and_error_exit_codes(synthetic, tmp_path: Path) -> None:
    a, _ = synthetic
    command = [sys.executable, "-m", "judgeapp", "features"]
    usage = subprocess.run(command, capture_output=True, text=True)
    assert usage.returncode == 2 and "compare" in usage.stderr
    missing = tmp_path / "nowhere"
    failed = subprocess.run(
        [*command, "compare", str(a), str(missing)], capture_output=True, text=True
    )
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr == f"error: {missing}: feature folder not found\n"
    same = subprocess.run([*command, "compare", str(a), str(a)], capture_output=True, text=True)
    assert same.returncode == 0 and "4 videos compared" in same.stdout

"""Dynamic-only feature folders (GDLT's released layout, `vst` extractions): training data,
`evaluate` through the one prediction path, and `features compare`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from judgeapp.cli import main
from judgeapp.core.errors import JudgeappError
from judgeapp.features.feature_compare import compare_folders
from judgeapp.model import random_head, save_checkpoint
from judgeapp.model.predict import score_videos
from judgeapp.training.feature_set import load_feature_set
from judgeapp.training.labels import load_labels
from judgeapp.training.runs import feature_source
from judgeapp.training.synthetic import (
    SyntheticSpec,
    make_videos,
    write_gdlt_layout,
    write_labels_csv,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("gdlt_layout")
    videos = make_videos(SyntheticSpec(videos=6, dynamic_dim=1024, static=False), seed=4)
    write_gdlt_layout(root / "feats", videos)
    write_labels_csv(root / "labels.csv", videos)
    return root, videos


def test_gdlt_layout_loads_without_a_static_stream(folder):
    root, videos = folder
    source = feature_source(root / "feats", root / "labels.csv", None)
    assert source.profile == "vst" and not source.from_manifest
    data = load_feature_set(root / "feats", load_labels(root / "labels.csv", "total", "x"))
    assert data.dynamic_dim == 1024 and data.static_dim == 0
    assert all(s.shape == (0, 0) for s in data.static)
    assert np.array_equal(data.dynamic[0], videos[0].dynamic)
    (root / "feats" / f"{videos[0].name}.npy").rename(root / "moved.npy")
    try:
        with pytest.raises(JudgeappError, match="1 feature files missing"):
            load_feature_set(root / "feats", load_labels(root / "labels.csv", "total", "x"))
    finally:
        (root / "moved.npy").rename(root / "feats" / f"{videos[0].name}.npy")


def test_evaluate_is_the_prediction_path(folder, capsys):
    root, videos = folder
    head, card = random_head("vst", 1024, 0, seed=2, kind="gdlt")
    path = root / "gdlt.safetensors"
    save_checkpoint(path, head, card)
    out = root / "eval.json"
    argv = ["evaluate", "--model", str(path), "--features", str(root / "feats"),
            "--labels", str(root / "labels.csv"), "--routine", "x", "--json", str(out)]  # fmt: skip
    assert main(argv) == 0
    doc = json.loads(out.read_text())
    text = json.dumps(doc)
    predicted = score_videos(
        head, card, [v.dynamic for v in videos], [np.zeros((0, 0), np.float32)] * len(videos)
    ).scores
    # every video's prediction in the JSON is what score_videos gives
    assert all(f"{round(float(p), 4)}" in text for p in predicted)


def test_features_compare_on_dynamic_only_folders(folder):
    root, _ = folder
    result = compare_folders(root / "feats", root / "feats")
    assert result.summary["dynamic"].mean_cosine == 1.0
    assert result.summary["static"].instances_compared == 0
    assert any("static stream not compared" in w for w in result.warnings)


def test_extract_writer_keeps_dynamic_only_files_and_they_load(tmp_path):
    from judgeapp.analysis.clip_extraction import empty_static
    from judgeapp.analysis.set_extraction import FeatureSetWriter
    from judgeapp.features.video_features import VideoFeatures
    from judgeapp.training.labels import Label

    writer = FeatureSetWriter(tmp_path, "vst", pretrained=False)
    rows = np.random.default_rng(0).random((3, 1024), dtype=np.float32)
    features = VideoFeatures(
        profile="vst",
        dynamic=rows,
        segment_start_s=np.array([0.0, 1.28, 2.56]),
        segment_end_s=np.array([1.28, 2.56, 3.84]),
        detector="none",
        **empty_static(),
    )
    writer.add("clip", features, {"file": "clip.mp4"})
    assert (tmp_path / "dynamic_feat" / "clip.npy").is_file()
    assert not (tmp_path / "static_feat").exists()
    assert writer.is_done("clip")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["sampling"]["segment_frames"] == 32 and "none" in manifest["sampling"]["static"]
    data = load_feature_set(tmp_path, [Label("clip", "x", 10.0)])
    assert np.array_equal(data.dynamic[0], rows) and data.static[0].shape == (0, 0)

"""Choosing the detector, and the warning that the weak HOG fallback was used."""

import pytest

from judgeapp.core.errors import WeightsError
from judgeapp.detect import HOG_WARNING, HogDetector, detector_warning, make_detector


def test_auto_falls_back_to_hog_without_weights(tmp_path):
    for weights in (None, tmp_path / "yolo11n.pt"):  # none given, or a path with no file
        detector = make_detector("auto", yolo_weights=weights)
        assert isinstance(detector, HogDetector)
        assert detector.weak and detector.name == "hog"
        assert detector_warning(detector) == HOG_WARNING


def test_warning_names_the_detector_and_the_fix():
    assert "HOG" in HOG_WARNING
    assert "judgeapp models download blazepose_detector blazepose_landmark_full" in HOG_WARNING


def test_auto_takes_the_pose_model_when_its_files_are_given_and_pose_needs_them(tmp_path):
    with pytest.raises(WeightsError, match="pose model needs its two model files"):
        make_detector("pose")
    damaged = tmp_path / "pose_detection.tflite"
    damaged.write_bytes(b"not a model")
    with pytest.raises(WeightsError, match=f"{damaged}: not a readable pose model"):
        make_detector("auto", pose_files=(damaged, damaged))


def test_auto_names_the_pose_model_it_could_not_use(monkeypatch, tmp_path):
    """A tampered pose file is never used: auto falls back and the warning says so."""
    from weights_helpers import flip_byte

    from judgeapp.analysis import AnalysisOptions
    from judgeapp.analysis.backbone_pool import build_detector
    from judgeapp.weights import site_weights_dir
    from judgeapp.weights.registry import REGISTRY

    folder = tmp_path / "weights"
    folder.mkdir()
    source = site_weights_dir()
    for name in ("blazepose_detector", "blazepose_landmark_full"):
        filename = REGISTRY[name].filename
        if (source / filename).is_file():
            (folder / filename).write_bytes((source / filename).read_bytes())
        else:
            (folder / filename).write_bytes(b"x" * REGISTRY[name].size_bytes)
    flip_byte(folder / "pose_detection.tflite")
    monkeypatch.setenv("JUDGEAPP_WEIGHTS_PATH", str(folder))
    detector = build_detector(AnalysisOptions(profile="torchvision"), "cpu")
    assert detector.name == "hog"
    note = detector.fallback_note
    assert "pose model was not used" in note and "pose_detection.tflite" in note
    assert "hog finder instead" in note


def test_explicit_yolo_needs_its_weights(tmp_path):
    with pytest.raises(WeightsError, match="needs a weights file"):
        make_detector("yolo")
    missing = tmp_path / "missing.pt"
    with pytest.raises(WeightsError, match=f"{missing}: YOLO weights file not found"):
        make_detector("yolo", yolo_weights=missing)


def test_explicit_hog_ignores_weights_and_unknown_kinds_are_refused(tmp_path):
    assert isinstance(make_detector("hog", yolo_weights=tmp_path / "x.pt"), HogDetector)
    with pytest.raises(ValueError, match="unknown detector kind 'yolov3'"):
        make_detector("yolov3")


def test_none_returns_the_whole_frame_for_every_frame():
    import numpy as np

    from judgeapp.detect import WholeFrameDetector

    detector = make_detector("none", yolo_weights=None)
    assert isinstance(detector, WholeFrameDetector)
    assert detector.name == "none" and not detector.weak and detector_warning(detector) is None
    frames = [np.zeros((90, 160, 3), np.uint8), np.zeros((640, 360, 3), np.uint8)]
    boxes = detector.detect(frames)
    assert [[b.xyxy for b in frame] for frame in boxes] == [
        [(0.0, 0.0, 160.0, 90.0)],
        [(0.0, 0.0, 360.0, 640.0)],
    ]
    with pytest.raises(ValueError, match="H x W x 3"):
        detector.detect([np.zeros((10, 10), np.uint8)])


def test_cli_detector_choices_are_the_detector_kinds():
    import argparse

    from judgeapp.commands.common import add_backbone_options
    from judgeapp.detect import DETECTOR_KINDS

    parser = argparse.ArgumentParser()
    add_backbone_options(parser)
    action = next(a for a in parser._actions if a.dest == "detector")
    assert tuple(action.choices) == DETECTOR_KINDS

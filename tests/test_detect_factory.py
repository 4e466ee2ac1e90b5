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
    assert "HOG" in HOG_WARNING and "judgeapp models download yolo" in HOG_WARNING


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

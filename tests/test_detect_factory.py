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

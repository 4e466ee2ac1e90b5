"""YoloDetector on randomly initialised YOLO weights saved in ultralytics' real .pt format.

No YOLO weights can be downloaded here, so the tests build a yolo11n from its yaml config, bias
its classifier towards one class so that random weights still produce boxes, and load the file
through the real code path. They check shapes, clipping, class filtering, errors and that nothing
touches the network; accuracy needs the real weights.
"""

import socket
from pathlib import Path

import numpy as np
import pytest
import torch
from detect_helpers import frames_at

from judgeapp.core.errors import WeightsError
from judgeapp.detect import detector_warning, make_detector
from judgeapp.detect.yolo import YoloDetector, import_ultralytics

COCO_LIKE_NAMES = {i: ("person" if i == 0 else f"class{i}") for i in range(80)}


@pytest.fixture(scope="module")
def network_calls():
    """Every DNS lookup or connection attempt made while this module runs (each one fails)."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network disabled in tests")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket.socket, "connect", refuse)
        yield calls


def save_random_yolo(path: Path, favoured_class: int, names: dict[int, str]) -> Path:
    """A random yolo11n whose classifier favours one class, saved as ultralytics saves models."""
    yolo = import_ultralytics()
    torch.manual_seed(0)
    model = yolo("yolo11n.yaml")  # built from the config shipped with ultralytics, no weights
    model.model.names = dict(names)
    with torch.no_grad():
        for branch in model.model.model[-1].cv3:  # the class logits at each of the 3 scales
            branch[-1].bias[favoured_class] = 8.0
    model.save(str(path))
    return path


@pytest.fixture(scope="module")
def weights(tmp_path_factory, network_calls) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("yolo")
    return {
        "person": save_random_yolo(folder / "person.pt", 0, COCO_LIKE_NAMES),
        "car": save_random_yolo(folder / "car.pt", 2, COCO_LIKE_NAMES),
        "unnamed": save_random_yolo(folder / "unnamed.pt", 0, {i: str(i) for i in range(80)}),
    }


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    return frames_at("juggle_720p24.mp4", [0.0, 5.0]) + frames_at("squats_portrait_5fps.mp4", [1.0])


def test_yolo_boxes_are_people_inside_each_frame(weights, frames, network_calls):
    detector = YoloDetector(weights["person"], conf_threshold=0.25, image_size_px=320, batch_size=2)
    assert (detector.name, detector.weak) == ("yolo", False)
    results = detector.detect(frames)
    assert len(results) == len(frames)
    for frame, boxes in zip(frames, results, strict=True):
        height, width = frame.shape[:2]
        assert boxes, "the person-biased random model gives boxes in every frame"
        for b in boxes:
            assert 0 <= b.x1 < b.x2 <= width and 0 <= b.y1 < b.y2 <= height, b
            assert 0.25 <= b.score <= 1.0
        assert [b.score for b in boxes] == sorted((b.score for b in boxes), reverse=True)
    assert network_calls == []


def test_yolo_keeps_only_the_person_class(weights, frames, network_calls):
    yolo = import_ultralytics()
    raw = yolo(str(weights["car"])).predict(frames[0][:, :, ::-1].copy(), imgsz=320, verbose=False)
    assert len(raw[0].boxes) > 0 and set(raw[0].boxes.cls.tolist()) == {2.0}
    detector = YoloDetector(weights["car"], image_size_px=320)
    assert detector.detect(frames) == [[], [], []]
    assert network_calls == []


def test_missing_or_wrong_weights_raise_naming_the_file(tmp_path, weights, network_calls):
    missing = tmp_path / "yolo11n.pt"  # an official asset name: ultralytics would download it
    with pytest.raises(WeightsError, match=f"{missing}: YOLO weights file not found"):
        YoloDetector(missing)
    not_pt = tmp_path / "weights.onnx"
    not_pt.write_bytes(b"onnx")
    with pytest.raises(WeightsError, match="must be an ultralytics .pt file"):
        YoloDetector(not_pt)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(WeightsError, match=f"{garbage}: not a loadable YOLO checkpoint"):
        YoloDetector(garbage)
    with pytest.raises(WeightsError, match="class 0 of this YOLO model is '0', not 'person'"):
        YoloDetector(weights["unnamed"])
    assert network_calls == []


class _Payload:
    """Unpickling this runs `touch MARKER`: a stand-in for a malicious checkpoint."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_checkpoint_that_runs_code_is_refused_without_running_it(tmp_path, network_calls):
    marker = tmp_path / "payload-ran"
    evil = tmp_path / "evil.pt"
    torch.save({"model": _Payload(marker), "train_args": {}}, evil)
    with pytest.raises(WeightsError, match=f"{evil}: not a loadable YOLO checkpoint"):
        YoloDetector(evil)
    assert not marker.exists()
    assert network_calls == []


def test_make_detector_uses_yolo_when_its_weights_exist(weights, network_calls):
    detector = make_detector("auto", yolo_weights=weights["person"])
    assert isinstance(detector, YoloDetector)
    assert detector_warning(detector) is None
    assert network_calls == []

"""Inference engines: the choice of engine, OpenVINO against PyTorch on a real video, the
converted-model cache, networks built once per run, and the torch path without OpenVINO.

OpenVINO is a declared dependency wherever its wheels exist (pyproject.toml): there the tests
that use it import it plainly, so a missing or broken install fails them. The engine choice and
the torch path without OpenVINO need no OpenVINO and run everywhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from platform import machine

import numpy as np
import pytest
import torch
from torch import nn

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.backbone_pool import BackbonePool, feature_cache_key
from judgeapp.cli import main
from judgeapp.core.results import AnalysisResult
from judgeapp.features import engines
from judgeapp.features.engines import EngineChoice, EngineError, Platform, choose_engine
from judgeapp.features.profiles import Profile, get_profile

OFFLINE = ["--pretrained", "none", "--model", "random", "--detector", "hog", "--no-cache"]
# Two short clips of the shared media folder (10 s and 13 s): networks built once for both.
VIDEOS = ("juggle_720p24.mp4", "squats_portrait_5fps.mp4")
# pyproject.toml's marker for the openvino dependency: x86-64 and Apple silicon.
OPENVINO_DECLARED = machine() in ("x86_64", "AMD64") or (
    machine() == "arm64" and sys.platform == "darwin"
)

GPU_OV = Platform(cuda=True, openvino=True, bf16=False)
CPU_OV = Platform(cuda=False, openvino=True, bf16=False)
CPU_OV_BF16 = Platform(cuda=False, openvino=True, bf16=True)
CPU_ONLY = Platform(cuda=False, openvino=False, bf16=False)


@pytest.mark.parametrize(
    ("engine", "precision", "device", "platform", "expected"),
    [
        ("auto", None, "auto", GPU_OV, EngineChoice("torch", "fp16", "cuda")),
        ("auto", "fp32", "auto", GPU_OV, EngineChoice("torch", "fp32", "cuda")),
        ("auto", None, "cpu", GPU_OV, EngineChoice("openvino", "fp32", "cpu")),
        ("auto", None, "auto", CPU_OV, EngineChoice("openvino", "fp32", "cpu")),
        ("auto", None, "auto", CPU_ONLY, EngineChoice("torch", "fp32", "cpu")),
        ("auto", "bf16", "auto", CPU_OV_BF16, EngineChoice("openvino", "bf16", "cpu")),
        ("auto", "bf16", "auto", GPU_OV, None),  # no bf16 CPU, and torch has no bf16 path
        ("torch", None, "auto", GPU_OV, EngineChoice("torch", "fp16", "cuda")),
        ("torch", None, "cuda", GPU_OV, EngineChoice("torch", "fp16", "cuda")),
        ("torch", None, "auto", CPU_OV, EngineChoice("torch", "fp32", "cpu")),
        ("torch", "fp16", "cpu", GPU_OV, None),
        ("torch", "bf16", "cpu", CPU_OV_BF16, None),
        ("openvino", None, "auto", GPU_OV, EngineChoice("openvino", "fp32", "cpu")),
        ("openvino", None, "cuda", GPU_OV, None),
        ("openvino", None, "auto", CPU_ONLY, None),
        ("openvino", "bf16", "cpu", CPU_OV, None),  # OpenVINO would silently run fp32
        ("openvino", "bf16", "cpu", CPU_OV_BF16, EngineChoice("openvino", "bf16", "cpu")),
        ("openvino", "fp16", "cpu", CPU_OV_BF16, None),
        ("auto", None, "cuda", CPU_OV, None),
        ("tensorrt", None, "auto", GPU_OV, None),
    ],
)
def test_choose_engine(engine, precision, device, platform, expected):
    if expected is None:
        with pytest.raises(EngineError):
            choose_engine(engine, precision, device, platform)
    else:
        assert choose_engine(engine, precision, device, platform) == expected


@pytest.fixture(scope="module")
def openvino():
    """The OpenVINO module, imported plainly where it is a dependency: a broken or missing
    install is a failure. Skipped only where pyproject.toml does not install it (Linux aarch64,
    where it is `pip install openvino` by hand)."""
    if not OPENVINO_DECLARED:
        return pytest.importorskip("openvino", reason="not a dependency on this platform")
    import openvino

    return openvino


def test_without_openvino_auto_is_torch_and_openvino_is_a_clear_error(
    media_dir, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "openvino", None)  # `import openvino` raises ImportError
    assert engines.openvino_module() is None
    platform = engines.detect_platform()
    assert not platform.openvino and not platform.bf16
    assert choose_engine("auto", None, "cpu", platform) == EngineChoice("torch", "fp32", "cpu")
    code = main(["score", str(media_dir / VIDEOS[0]), "--engine", "openvino", *OFFLINE])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "OpenVINO is not installed" in err, err
    assert len(err.splitlines()) == 1


class _Tiny(nn.Module):
    """A small network with the backbones' input contract: uint8 [B, H, W, 3] -> [B, 4]."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 3, 1, 2).float() / 255.0
        return self.conv(x).mean(dim=(2, 3))


def test_converted_model_is_cached_by_weights_and_shape(openvino, tmp_path):
    torch.manual_seed(0)
    net = _Tiny().eval()
    pixels = np.random.default_rng(0).integers(0, 256, (3, 20, 20, 3), dtype=np.uint8)
    with torch.inference_mode():
        expected = net(torch.from_numpy(pixels)).numpy()

    first = engines.compile_openvino(net, "tiny", (20, 20, 3), threads=1, root=tmp_path)
    assert first.converted
    np.testing.assert_allclose(first.run(pixels), expected, atol=1e-6)
    again = engines.compile_openvino(net, "tiny", (20, 20, 3), threads=1, root=tmp_path)
    assert not again.converted  # read from the cache
    np.testing.assert_allclose(again.run(pixels), expected, atol=1e-6)
    assert len(list(tmp_path.iterdir())) == 1
    key = json.loads(next(tmp_path.glob("*/key.json")).read_text())
    assert key["input_shape"] == [20, 20, 3] and key["precision"] == "fp32"
    assert key["openvino_version"] == openvino.__version__

    other_shape = engines.compile_openvino(net, "tiny", (24, 24, 3), threads=1, root=tmp_path)
    assert other_shape.converted
    with torch.no_grad():
        net.conv.bias.add_(1.0)  # other weights: another model
    changed = engines.compile_openvino(net, "tiny", (20, 20, 3), threads=1, root=tmp_path)
    assert changed.converted
    np.testing.assert_allclose(changed.run(pixels), expected + 1.0, atol=1e-5)
    assert len(list(tmp_path.iterdir())) == 3

    (
        tmp_path
        / engines.ModelKey(
            "tiny", engines.weights_hash(net), (20, 20, 3), "fp32", openvino.__version__
        ).folder
        / "model.xml"
    ).write_text("damaged")
    repaired = engines.compile_openvino(net, "tiny", (20, 20, 3), threads=1, root=tmp_path)
    assert repaired.converted
    np.testing.assert_allclose(repaired.run(pixels), expected + 1.0, atol=1e-5)


@pytest.mark.usefixtures("openvino")
def test_paper_profile_i3d_through_openvino_equals_torch():
    """Both profiles' backbones go through the engine, the paper's I3D included."""
    options = AnalysisOptions(profile="paper", pretrained=False, engine="openvino")
    pool = BackbonePool()
    dynamic, static = pool.backbones(get_profile("paper"), options)
    assert (dynamic.engine, dynamic.precision) == ("openvino", "fp32")
    assert (static.engine, static.precision) == ("openvino", "fp32")
    clips = np.random.default_rng(1).integers(0, 256, (2, 16, 224, 224, 3), dtype=np.uint8)
    with torch.inference_mode():
        expected = dynamic.pixel_net(torch.from_numpy(clips)).numpy()
    got = dynamic.embed(clips)
    assert got.shape == (2, 1024)
    scale = np.abs(expected).max()
    assert np.abs(got - expected).max() <= 1e-4 * scale


@pytest.fixture(scope="module")
def torch_without_openvino(media_dir, tmp_path_factory):
    """`score` of the juggling video with --engine auto where OpenVINO cannot be imported."""
    out = tmp_path_factory.mktemp("torch") / "juggle.json"
    mp = pytest.MonkeyPatch()
    mp.setitem(sys.modules, "openvino", None)
    try:
        code = main(
            ["score", str(media_dir / VIDEOS[0]), "--engine", "auto", *OFFLINE, "--json", str(out)]
        )
    finally:
        mp.undo()
    assert code == 0
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def openvino_two_videos(openvino, media_dir, tmp_path_factory):
    """`score` of two short shared videos through OpenVINO, counting what gets built."""
    out = tmp_path_factory.mktemp("openvino") / "all.json"
    counts = {"dynamic": 0, "static": 0, "openvino": 0}
    build_dynamic, build_static = Profile.build_dynamic, Profile.build_static
    compile_openvino = engines.compile_openvino

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    mp = pytest.MonkeyPatch()
    mp.setattr(Profile, "build_dynamic", counting("dynamic", build_dynamic))
    mp.setattr(Profile, "build_static", counting("static", build_static))
    mp.setattr(engines, "compile_openvino", counting("openvino", compile_openvino))
    try:
        videos = [str(media_dir / name) for name in VIDEOS]
        code = main(["score", *videos, "--engine", "openvino", *OFFLINE, "--json", str(out)])
    finally:
        mp.undo()
    assert code == 0
    return json.loads(out.read_text()), counts


def test_score_on_two_videos_builds_each_network_once(openvino_two_videos):
    docs, counts = openvino_two_videos
    assert [Path(d["video"]["path"]).name for d in docs] == list(VIDEOS)
    assert counts == {"dynamic": 1, "static": 1, "openvino": 2}
    for doc in docs:
        assert doc["engine"] == {"name": "openvino", "precision": "fp32"}
        assert doc["schema"] == "judgeapp.analysis/3"


def test_openvino_fp32_scores_and_attends_as_torch(torch_without_openvino, openvino_two_videos):
    reference = torch_without_openvino
    assert reference["engine"] == {"name": "torch", "precision": "fp32"}
    got = openvino_two_videos[0][0]
    assert abs(got["score"] - reference["score"]) <= 1e-4
    for stream in ("dynamic", "static"):
        assert len(got[stream]) == len(reference[stream]) > 0
        weights = np.array([s["weight"] for s in got[stream]])
        expected = np.array([s["weight"] for s in reference[stream]])
        assert np.abs(weights - expected).max() <= 1e-4
    assert [s["box"] for s in got["static"]] == [s["box"] for s in reference["static"]]


def test_engine_and_precision_key_the_feature_cache_and_load_back(tmp_path):
    from judgeapp.core.results import VideoInfo
    from judgeapp.detect import make_detector

    info = VideoInfo("v.mp4", "ab" * 32, 10.0, 25.0, 250, 64, 48)
    profile = get_profile("torchvision")
    options = AnalysisOptions(pretrained=False)
    hog = make_detector("hog")
    keys = {
        feature_cache_key(info, profile, options, hog, EngineChoice(e, p, d)).filename
        for e, p, d in [
            ("torch", "fp32", "cpu"),
            ("openvino", "fp32", "cpu"),
            ("openvino", "bf16", "cpu"),
            ("torch", "fp16", "cuda"),
        ]
    }
    assert len(keys) == 4
    # a result written before engines existed still loads (no "engine" field)
    doc = {
        "schema": "judgeapp.analysis/1",
        "video": info.__dict__,
        "model": {
            "name": "m",
            "routine": "ball",
            "target": "total",
            "score_max": 25.0,
            "profile": "torchvision",
            "calibrated": False,
        },
        "score": 1.0,
        "dynamic": [],
        "static": [],
    }
    assert AnalysisResult.from_dict(doc).engine is None
    doc["engine"] = {"name": "openvino", "precision": "bf16"}
    result = AnalysisResult.from_dict(doc)
    assert (result.engine.name, result.engine.precision) == ("openvino", "bf16")
    assert result.to_dict()["engine"] == doc["engine"]

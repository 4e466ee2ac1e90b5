"""From real videos to a trained head that `judgeapp score` uses: extract, train, score.

"Pretrained" backbone files are made here (random S3D and ResNet-50 weights saved in torch's
real format, registered with their real hashes), so the whole path runs offline as it would
with downloaded weights, and the result is "calibrated" exactly when it should be.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torchvision.models import resnet50
from torchvision.models.video import s3d
from weights_helpers import entry_for, register

from judgeapp.cli import main
from judgeapp.features.profiles import get_profile
from judgeapp.weights.registry import get_weights_file
from judgeapp.weights.store import weights_dir

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
VIDEOS = ("juggle_720p24.mp4", "squats_portrait_5fps.mp4")
CPU_HOG = ["--device", "cpu", "--detector", "hog"]


def _install_fake_pretrained(monkeypatch) -> None:
    """Random weights standing in for the torchvision profile's pretrained files."""
    profile = get_profile("torchvision")
    torch.manual_seed(123)
    for name, net in ((profile.dynamic_weights, s3d()), (profile.static_weights, resnet50())):
        real = get_weights_file(name)
        path = weights_dir() / real.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(net.state_dict(), path)
        register(monkeypatch, entry_for(path, name=name, filename=real.filename))


def test_trained_checkpoint_scores_a_real_video(
    media_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    _install_fake_pretrained(monkeypatch)
    videos = tmp_path / "videos"
    videos.mkdir()
    for name in VIDEOS:
        (videos / name).symlink_to(media_dir / name)
    features = tmp_path / "features"
    assert main(["extract", str(videos), "--out", str(features), *CPU_HOG]) == 0
    manifest = json.loads((features / "manifest.json").read_text())
    assert manifest["pretrained"] is True and manifest["profile"] == "torchvision"

    labels = tmp_path / "labels.csv"
    labels.write_text("name,score\njuggle_720p24,7.5\nsquats_portrait_5fps,4.0\n")
    model = tmp_path / "juggling.safetensors"
    assert main([
        "train", "--features", str(features), "--labels", str(labels), "--routine", "juggling",
        "--score-max", "10", "--epochs", "2", "--batch-size", "2", "--device", "cpu",
        "--out", str(model),
    ]) == 0  # fmt: skip

    capsys.readouterr()
    video = str(videos / VIDEOS[0])
    assert main(["score", video, "--model", str(model), *CPU_HOG, "--json", "-"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["model"] == {
        "name": "actionnet-juggling-total-seed0",
        "routine": "juggling",
        "target": "total",
        "score_max": 10.0,
        "profile": "torchvision",
        "calibrated": True,
    }
    assert 0.0 <= result["score"] <= 10.0
    assert len(result["dynamic"]) == manifest["videos"]["juggle_720p24"]["segments"]

    # One prediction path: `evaluate` on the extracted features gives, per video, what
    # `judgeapp score` prints for it, also with a window shorter than the videos.
    windowed = tmp_path / "windowed.safetensors"
    assert main([
        "train", "--features", str(features), "--labels", str(labels), "--routine", "juggling",
        "--score-max", "10", "--epochs", "2", "--batch-size", "2", "--device", "cpu",
        "--segments", "2", "--frames", "6", "--out", str(windowed),
    ]) == 0  # fmt: skip
    for head in (model, windowed):
        capsys.readouterr()
        evaluate = ["evaluate", "--model", str(head), "--features", str(features)]
        assert main([*evaluate, "--labels", str(labels), "--json", "-"]) == 0
        evaluated = json.loads(capsys.readouterr().out)
        predicted = {v["name"]: v["predicted"] for v in evaluated["videos"]}
        for name in VIDEOS:
            score = ["score", str(videos / name), "--model", str(head), *CPU_HOG]
            assert main([*score, "--json", "-"]) == 0
            scored = json.loads(capsys.readouterr().out)
            assert scored["score"] == pytest.approx(predicted[Path(name).stem], abs=1e-4)
            if head == windowed:
                assert sum(s["weight"] > 0 for s in scored["dynamic"]) == 2
                assert any("centred window" in w for w in scored["warnings"])

    # The same head on random backbones: scored, but not calibrated.
    command = ["score", video, "--model", str(model), *CPU_HOG, "--pretrained", "none"]
    assert main([*command, "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["model"]["calibrated"] is False

    # A head trained on torchvision features refuses to run on the paper profile's.
    assert main(["score", video, "--model", str(model), "--profile", "paper", *CPU_HOG]) == 1
    assert "trained on 'torchvision' features" in capsys.readouterr().err

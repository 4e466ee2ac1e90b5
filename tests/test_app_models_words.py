"""app.models_service in a coach's words, without Qt: what each file is for, which files the
settings need, and one line when there is no internet (a real socket.gaierror)."""

from __future__ import annotations

import importlib
import socket
from pathlib import Path

import pytest
from weights_helpers import own_weights_folders

from judgeapp.app import models_service
from judgeapp.app.models_service import (
    OFFLINE_LINE,
    ModelsService,
    file_purpose,
    files_to_download,
    needed_files,
    profile_words,
    settings_profile,
)
from judgeapp.core.progress import CancelToken, no_progress
from judgeapp.weights import REGISTRY
from judgeapp.weights.status import registry_status

JARGON = ("kinetics", "s3d", "i3d", "resnet", "stream", "profile", "head", "imagenet", "tflite")


@pytest.fixture(autouse=True)
def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_weights_folders(monkeypatch, tmp_path / "laptop")


def no_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A computer without internet: every name lookup fails as the real resolver does."""
    monkeypatch.delenv("JUDGEAPP_OFFLINE", raising=False)
    asked: list[str] = []

    def getaddrinfo(host, *args, **kwargs):
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_every_file_says_what_it_is_for_in_plain_words() -> None:
    for entry in REGISTRY.values():
        words = file_purpose(entry)
        assert words and words != entry.description
        assert not any(j in words.lower() for j in JARGON), words
    assert file_purpose(REGISTRY["s3d_kinetics400"]).startswith(
        "Video network: recognises movement"
    )
    assert "finds the athlete" in file_purpose(REGISTRY["yolo"])
    assert profile_words("torchvision") == "standard (torchvision)"


def test_the_profile_files_are_the_profiles_own() -> None:
    from judgeapp.analysis.options import DEFAULT_PROFILE
    from judgeapp.features.profiles import get_profile

    assert models_service.DEFAULT_PROFILE == DEFAULT_PROFILE
    for name, files in models_service.PROFILE_FILES.items():
        profile = get_profile(name)
        assert files == tuple(n for n in (profile.dynamic_weights, profile.static_weights) if n)


def test_the_settings_need_only_their_profiles_files(tmp_path) -> None:
    assert needed_files("torchvision") == {
        "s3d_kinetics400",
        "resnet50_imagenet1k_v2",
        "blazepose_detector",
        "blazepose_landmark_full",
    }
    assert needed_files("paper", "yolo") == {
        "i3d_rgb_kinetics400",
        "resnet50_imagenet1k_v1",
        "yolo",
    }
    assert needed_files("vst", "hog") == {"swin3d_b_kinetics600_22k"}
    assert needed_files("torchvision", "none", pretrained=False) == frozenset()
    assert settings_profile("", "random", []) == "torchvision"
    assert settings_profile("paper", "", []) == "paper"

    statuses = registry_status("never")
    wanted = [s.entry.name for s in files_to_download(statuses, needed_files("vst", "yolo"))]
    assert wanted == ["swin3d_b_kinetics600_22k", "yolo"]
    chosen = files_to_download(statuses, needed_files("vst"), selected=["resnet50_imagenet1k_v1"])
    assert [s.entry.name for s in chosen] == ["resnet50_imagenet1k_v1"]


def test_no_internet_is_one_line_not_one_error_per_file(monkeypatch) -> None:
    asked = no_dns(monkeypatch)
    entries = [REGISTRY[n] for n in sorted(needed_files("torchvision"))]
    outcome = ModelsService().download(entries, no_progress, CancelToken())
    assert asked  # it did try the network, and the real resolver error came back
    assert outcome.paths == [] and outcome.offline
    assert outcome.message == OFFLINE_LINE and "\n" not in outcome.message
    assert "Errno" not in outcome.message and "Install from file" in outcome.message
    # The exact lines stay for the details view, one per file.
    assert len(outcome.errors) == len(entries)
    assert any("Name or service not known" in e for e in outcome.errors)


def test_the_offline_switch_tries_nothing(monkeypatch) -> None:
    downloads = importlib.import_module("judgeapp.weights.download")
    tried: list[str] = []
    monkeypatch.setattr(downloads, "download", lambda entry, *a, **k: tried.append(entry.name))
    outcome = ModelsService().download([REGISTRY["yolo"]], no_progress, CancelToken())
    assert tried == [] and outcome.offline and outcome.message == OFFLINE_LINE
    assert "JUDGEAPP_OFFLINE=1" in outcome.errors[0]


def test_a_reachable_site_that_fails_is_not_called_offline(monkeypatch) -> None:
    monkeypatch.delenv("JUDGEAPP_OFFLINE", raising=False)
    downloads = importlib.import_module("judgeapp.weights.download")

    def refuse(entry, *args, **kwargs):
        raise downloads.missing_error(entry, "download failed (HTTP 404 Not Found)")

    monkeypatch.setattr(downloads, "download", refuse)
    monkeypatch.setattr(models_service, "_reachable", lambda host, timeout_s=5.0: True)
    outcome = ModelsService().download([REGISTRY["yolo"]], no_progress, CancelToken())
    assert not outcome.offline
    assert outcome.message.startswith("1 file could not be downloaded")
    assert "HTTP 404" in outcome.errors[0]

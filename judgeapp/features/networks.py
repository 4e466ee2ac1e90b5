"""The feature networks: pretrained classifiers cut at their average pool.

Each builder constructs the classifier with random weights (never asking torchvision for its
weights, which would download them), loads the given state dict with strict=True, and returns a
module mapping a normalised batch to [B, dim] features. `state_dict=None` keeps the random
initialisation (seed torch first for reproducible results).
"""

from __future__ import annotations

import torch
from torch import nn

from judgeapp.features.backbones import load_weights_strict

S3D_DIM = 1024
RESNET50_DIM = 2048
I3D_DIM = 1024


class S3DPool(nn.Module):
    """torchvision S3D up to its average pool, averaged over positions -> [B, 1024]."""

    def __init__(self, features: nn.Module, avgpool: nn.Module) -> None:
        super().__init__()
        self.features = features
        self.avgpool = avgpool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.avgpool(self.features(x)).mean(dim=(2, 3, 4))


class I3DPool(nn.Module):
    """RGB I3D's average-pool feature [B, 1024] (the logits layer is loaded but not run)."""

    def __init__(self, i3d: nn.Module) -> None:
        super().__init__()
        self.i3d = i3d

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.i3d.extract_features(x)


def s3d_features(state_dict: dict | None) -> nn.Module:
    """S3D (Kinetics-400 layout, 400 classes): [B, 3, T, 224, 224] -> [B, 1024]."""
    # torchvision.models is imported when a network is built (it costs seconds at start-up),
    # so scoring from the feature cache never pays for it.
    from torchvision.models.video import s3d

    net = s3d(weights=None, num_classes=400)
    if state_dict is not None:
        load_weights_strict(net, state_dict, "S3D (Kinetics-400)")
    return S3DPool(net.features, net.avgpool)


def resnet50_features(state_dict: dict | None) -> nn.Module:
    """ResNet-50 (ImageNet layout, 1000 classes) with fc = Identity: [B, 3, H, W] -> [B, 2048]."""
    from torchvision.models import resnet50

    net = resnet50(weights=None, num_classes=1000)
    if state_dict is not None:
        load_weights_strict(net, state_dict, "ResNet-50 (ImageNet)")
    net.fc = nn.Identity()
    return net


def i3d_features(state_dict: dict | None) -> nn.Module:
    """RGB I3D (Kinetics-400, the authors' i3d_rgb.pth layout): [B, 3, T, 224, 224] -> [B, 1024]."""
    from judgeapp.features.i3d import InceptionI3d  # imported here: only the paper profile needs it

    net = InceptionI3d(num_classes=400)
    if state_dict is not None:
        load_weights_strict(net, state_dict, "I3D (Kinetics-400, RGB)")
    return I3DPool(net)

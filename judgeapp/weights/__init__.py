"""The registry of pretrained files: lookup, download, verification, model packs; the
installed trained heads.

Typical use: `load_state_dict(profile.dynamic_weights, allow_download=False)` for a backbone,
`resolve("yolo")` for a path another library loads itself (`resolve("blazepose_detector")`,
`resolve("blazepose_landmark_full")` for the pose models), `resolve_head(model, profile)` for
the trained head an analysis scores with; `site_weights_dir()` is the installation's own
weights folder.
"""

from judgeapp.weights.download import download, download_many, offline, sharing_archives
from judgeapp.weights.head_resolver import HeadChoice, resolve_head
from judgeapp.weights.heads import InstalledHead, heads_dir, install_head
from judgeapp.weights.loading import load_state_dict, read_state_dict, resolve
from judgeapp.weights.packs import install, pack
from judgeapp.weights.registry import REGISTRY, ArchiveSource, WeightsFile, get_weights_file
from judgeapp.weights.store import check_file, site_weights_dir, target_path, weights_dir

__all__ = [
    "REGISTRY",
    "ArchiveSource",
    "HeadChoice",
    "InstalledHead",
    "WeightsFile",
    "check_file",
    "download",
    "download_many",
    "get_weights_file",
    "heads_dir",
    "install",
    "install_head",
    "load_state_dict",
    "offline",
    "pack",
    "read_state_dict",
    "resolve",
    "resolve_head",
    "sharing_archives",
    "site_weights_dir",
    "target_path",
    "weights_dir",
]

"""The registry of pretrained files: lookup, download, verification, model packs; the
installed trained heads.

Typical use: `load_state_dict(profile.dynamic_weights, allow_download=False)` for a backbone,
`resolve("yolo")` for a path another library loads itself (`resolve("blazepose_detector")`,
`resolve("blazepose_landmark_full")` for the pose models), `installed_heads()` for the heads
model packs installed; `site_weights_dir()` is the installation's own weights folder.
"""

from judgeapp.weights.download import download, download_many, offline, sharing_archives
from judgeapp.weights.heads import InstalledHead, heads_dir, install_head, installed_heads
from judgeapp.weights.loading import load_state_dict, read_state_dict, resolve
from judgeapp.weights.packs import install, pack
from judgeapp.weights.registry import REGISTRY, ArchiveSource, WeightsFile, get_weights_file
from judgeapp.weights.store import check_file, site_weights_dir, target_path, weights_dir

__all__ = [
    "REGISTRY",
    "ArchiveSource",
    "InstalledHead",
    "WeightsFile",
    "check_file",
    "download",
    "download_many",
    "get_weights_file",
    "heads_dir",
    "install",
    "install_head",
    "installed_heads",
    "load_state_dict",
    "offline",
    "pack",
    "read_state_dict",
    "resolve",
    "sharing_archives",
    "site_weights_dir",
    "target_path",
    "weights_dir",
]

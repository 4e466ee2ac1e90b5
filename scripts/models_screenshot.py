"""Render the Models window to docs/models-window.png, offscreen and offline, at 900x640.

    python scripts/models_screenshot.py [--out docs/models-window.png]

A scratch home folder stands in for the user's, so the paths read ~/.cache/judgeapp/weights.
The window shows a fresh offline laptop right after installing a model pack that holds the
paper profile's I3D file (random weights in the authors' format here: that entry has no
published size or hash, so the pack proves it loads and the window rightly says "installed
(no published hash)") and two trained heads (random weights
saved by the real checkpoint code; their cards say they are demos, so the picture claims no
accuracy);
the other pretrained files are missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (900, 640)
HEADS = (("ball", 1), ("hoop", 2))  # routine, seed


def _make_heads(folder: Path) -> list[Path]:
    """Head checkpoints in the format `judgeapp train` writes, with random weights (demos)."""
    import dataclasses

    from judgeapp.model import random_head, save_checkpoint

    paths = []
    for routine, seed in HEADS:
        model, card = random_head("torchvision", 1024, 2048, seed=seed, routine=routine)
        card = dataclasses.replace(
            card,
            name=f"demo-{routine}-total",
            trained=True,
            trained_on="screenshot demo: random weights, not a real model",
        )
        path = folder / f"rg-{routine}.safetensors"
        save_checkpoint(path, model, card)
        paths.append(path)
    return paths


def _write_random_i3d(path: Path) -> None:
    """The authors' i3d_rgb.pth format (a torch state dict) with random weights."""
    import torch

    from judgeapp.features.i3d import InceptionI3d

    torch.manual_seed(0)
    torch.save(InceptionI3d(num_classes=400).state_dict(), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "models-window.png"))
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="judgeapp-models-shot-"))
    os.environ.update(
        HOME=str(home),
        JUDGEAPP_CACHE_DIR=str(home / ".cache" / "judgeapp"),
        TORCH_HOME=str(home / "torch"),
        JUDGEAPP_OFFLINE="1",
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    )
    os.environ.pop("JUDGEAPP_WEIGHTS_PATH", None)
    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.ui.desktop import application
    from judgeapp.ui.models_window import ModelsWindow
    from judgeapp.ui.theme import apply_theme
    from judgeapp.weights import REGISTRY, pack, target_path

    app = application()
    apply_theme(app, dark=False)
    i3d = REGISTRY["i3d_rgb_kinetics400"]
    target_path(i3d).parent.mkdir(parents=True)
    _write_random_i3d(target_path(i3d))
    made = pack(home / "pack.zip", names=[i3d.name], heads=_make_heads(home))
    target_path(i3d).unlink()

    window = ModelsWindow()
    window.resize(*SIZE)
    window.show()

    def settle() -> None:
        deadline = time.monotonic() + 30
        while window.is_busy() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()

    settle()
    window.install_pack(made)
    settle()
    window.table.selectRow(list(REGISTRY).index("resnet50_imagenet1k_v1"))
    window.heads_table.selectRow(1)
    app.processEvents()
    ok = window.grab().save(args.out)
    window.close()
    print(f"wrote {args.out}" if ok else f"could not write {args.out}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env bash
# Create .venv and install judgeapp with its test tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch/torchvision first, pinned: other builds of torchvision fail to import beside this torch.
.venv/bin/python -m pip install -q torch==2.14.1 torchvision==0.29.1
.venv/bin/python -m pip install -q -e '.[dev,cluster]'
# The desktop window needs a few X11 libraries a bare Debian/Ubuntu lacks: installed where this
# user can (root with apt-get), otherwise the command is printed. The command line needs none.
bash scripts/gui_system_libs.sh --install

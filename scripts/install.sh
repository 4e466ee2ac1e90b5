#!/usr/bin/env bash
# Create .venv and install judgeapp with its test tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch/torchvision first, pinned: other builds of torchvision fail to import beside this torch.
.venv/bin/python -m pip install -q torch==2.14.1 torchvision==0.29.1
.venv/bin/python -m pip install -q -e '.[dev,cluster]'
# The pose finder's MediaPipe BlazePose models (Apache-2.0), into the venv's own weights folder:
# taken out of the mediapipe wheel on PyPI (or npm's @mediapipe/pose tarball) and checked by
# SHA-256; mediapipe itself is not installed. Copies already there are verified and kept. A
# failure is one warning, not a failed install: judgeapp then uses its other person finders.
pose_models=(blazepose_detector blazepose_landmark_full)
pose_dir=.venv/share/judgeapp/weights
pose_err=$(mktemp)
if ! .venv/bin/judgeapp models download "${pose_models[@]}" --to "$pose_dir" 2>"$pose_err"; then
    echo "warning: BlazePose models not installed ($(grep -m1 '^error: ' "$pose_err" | sed 's/^error: //')); judgeapp uses its other person finders; retry: .venv/bin/judgeapp models download ${pose_models[*]} --to $pose_dir" >&2
fi
rm -f "$pose_err"
# The desktop window needs a few X11 libraries a bare Debian/Ubuntu lacks: installed where this
# user can (root with apt-get), otherwise the command is printed. The command line needs none.
bash scripts/gui_system_libs.sh --install

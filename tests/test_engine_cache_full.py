"""A disk too full for the OpenVINO conversion cache (issue 24, class 5): the cache only saves
the next run's conversion time, so the analysis warns and goes on, leaving nothing behind.

The full disk is real to the writer: a child process whose file-size limit (RLIMIT_FSIZE) is one
byte, so OpenVINO's own write of the converted model fails inside its C++ stream
(`basic_ios::clear`), as on a full disk.
"""

from __future__ import annotations

import json
import subprocess
import sys

from judgeapp.analysis.extraction import extract_video_features
from judgeapp.video import probe

CHILD = r"""
import json, resource, signal, sys
import numpy as np, torch
from judgeapp.features.engines import compile_openvino

class Means(torch.nn.Module):
    def forward(self, x):
        return x.float().mean(dim=(1, 2))

root = sys.argv[1]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))
runner = compile_openvino(Means(), "tiny", (8, 8, 3), root=__import__("pathlib").Path(root))
pixels = np.full((2, 8, 8, 3), 7, dtype=np.uint8)
print(json.dumps({"note": runner.cache_note, "out": runner.run(pixels).tolist()}))
"""


def test_a_conversion_that_cannot_be_cached_still_runs_and_says_so(tmp_path):
    root = tmp_path / "openvino"
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    doc = json.loads(run.stdout.strip().splitlines()[-1])
    assert doc["out"] == [[7.0, 7.0, 7.0], [7.0, 7.0, 7.0]]  # the network ran
    note = doc["note"]
    assert note.startswith(f"the converted tiny network was not cached in {root}")
    assert note.endswith("the result is complete") and "\n" not in note
    assert list(root.iterdir()) == []  # no half-written model left behind


def test_the_note_reaches_the_result_warnings(media_dir):
    """The extraction passes each backbone's engine note on, once."""
    from test_analysis_pipeline import PixelBoxes, PixelStats

    class Uncached(PixelStats):
        engine_note = "the converted s3d network was not cached in /x (EFBIG): ..."

    path = media_dir / "squats_portrait_5fps.mp4"
    features = extract_video_features(
        path, probe(path), "torchvision", Uncached(), Uncached(), PixelBoxes()
    )
    assert features.warnings.count(Uncached.engine_note) == 1

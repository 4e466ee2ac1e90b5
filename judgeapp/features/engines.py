"""Inference engines for the backbones: PyTorch (CPU or CUDA) and OpenVINO (CPU).

Most users have no NVIDIA card, and on a CPU PyTorch's eager convolutions dominate an analysis.
OpenVINO runs the same networks faster there: 1.5-1.8x on a 2-core AVX2 CPU, more where it has
AVX-512 or AMX (docs/performance.md). `choose_engine` turns the user's
`--engine auto|torch|openvino` and `--precision` into one `EngineChoice` (pure, so the choice is
testable on any machine); `apply_engine` makes a built backbone run through it.

OpenVINO models are converted once from the backbone's PixelNet (scaling and network in one
graph) and saved as IR in the user's cache folder, keyed by the weights' hash, the input shape,
the precision and the OpenVINO version, so only the first analysis pays for the conversion.
They are compiled with the precision hint set explicitly (OpenVINO's default on CPUs with
AMX / AVX-512 bf16 is bf16, which is not what a user asking for fp32 wants) and a thread count.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from judgeapp.core.errors import JudgeappError
from judgeapp.core.paths import cache_dir

ENGINES = ("auto", "torch", "openvino")
PRECISIONS = ("fp32", "fp16", "bf16")
_OV_PRECISION = {"fp32": "f32", "bf16": "bf16"}


class EngineError(JudgeappError):
    """An engine or precision this machine cannot provide."""


@dataclass(frozen=True)
class Platform:
    """What this machine offers the engines."""

    cuda: bool
    openvino: bool
    bf16: bool  # the CPU computes bf16 natively (OpenVINO's BF16 capability)


@dataclass(frozen=True)
class EngineChoice:
    """How the backbones run: engine "torch"|"openvino", precision, and torch device."""

    engine: str
    precision: str
    device: str

    @property
    def label(self) -> str:
        return f"{self.engine} {self.precision} on {self.device}"


def openvino_module():
    """The openvino package, or None where it is not installed (or cannot be imported)."""
    try:
        import openvino
    except ImportError:
        return None
    return openvino


def detect_platform() -> Platform:
    """What this machine has: a CUDA GPU, OpenVINO, native bf16 on the CPU."""
    ov = openvino_module()
    bf16 = False
    if ov is not None:
        caps = ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        bf16 = "BF16" in caps
    return Platform(cuda=torch.cuda.is_available(), openvino=ov is not None, bf16=bf16)


def choose_engine(
    engine: str, precision: str | None, device: str, platform: Platform
) -> EngineChoice:
    """The engine, precision and device for `--engine`, `--precision` and `--device`.

    auto: PyTorch on CUDA in fp16 where a GPU is present (and --device allows it), else OpenVINO
    on the CPU where it is installed, else PyTorch on the CPU. precision None is the engine's
    default: fp16 on CUDA, fp32 on a CPU. An explicit precision picks the first engine able to
    compute in it; a combination this machine cannot honour is an EngineError, never a silent
    substitute (OpenVINO itself quietly falls back to f32 on CPUs without bf16).
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if precision is not None and precision not in PRECISIONS:
        raise EngineError(f"unknown precision {precision!r}: choose one of {', '.join(PRECISIONS)}")
    if device not in ("auto", "cpu", "cuda"):
        raise EngineError(f"unknown device {device!r}: use auto, cpu or cuda")
    if device == "cuda" and not platform.cuda:
        raise EngineError("--device cuda: no CUDA GPU is available on this machine")
    gpu = platform.cuda and device != "cpu"
    if engine == "auto":
        if gpu and precision in (None, "fp16", "fp32"):
            engine = "torch"
        elif platform.openvino and device != "cuda" and (precision != "bf16" or platform.bf16):
            engine = "openvino"
        else:
            engine = "torch"
    if engine == "openvino":
        if not platform.openvino:
            raise EngineError(
                "--engine openvino: OpenVINO is not installed (pip install openvino), "
                "or use --engine torch"
            )
        if device == "cuda":
            raise EngineError("--engine openvino runs on the CPU: use --device cpu or auto")
        precision = precision or "fp32"
        if precision == "fp16":
            raise EngineError("--precision fp16 needs a CUDA GPU (--engine torch)")
        if precision == "bf16" and not platform.bf16:
            raise EngineError(
                "--precision bf16: this CPU has no native bf16 (OpenVINO would silently "
                "compute in fp32); use --precision fp32"
            )
        return EngineChoice("openvino", precision, "cpu")
    torch_device = "cuda" if gpu else "cpu"
    precision = precision or ("fp16" if torch_device == "cuda" else "fp32")
    if precision == "bf16":
        raise EngineError("--precision bf16 needs --engine openvino on a CPU with bf16")
    if precision == "fp16" and torch_device != "cuda":
        raise EngineError("--precision fp16 needs a CUDA GPU; on a CPU use fp32 (or bf16)")
    return EngineChoice("torch", precision, torch_device)


def cpu_threads() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def weights_hash(module: nn.Module) -> str:
    """SHA-256 of a module's architecture name, parameter and buffer names, shapes and values."""
    digest = hashlib.sha256(type(module).__name__.encode())
    tensors = dict(module.named_parameters())
    tensors.update(module.named_buffers())
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        digest.update(f"{name}:{tensor.dtype}:{list(tensor.shape)};".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelKey:
    """What a converted model depends on: network, weights, input shape, precision, version."""

    name: str
    weights_sha256: str
    input_shape: tuple[int, ...]  # one input, batch dimension left out (it stays dynamic)
    precision: str
    openvino_version: str

    @property
    def folder(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "_", self.name).strip("_") or "net"
        fields = f"{self.weights_sha256}|{self.input_shape}|{self.precision}|"
        fields += self.openvino_version
        return f"{slug}-{hashlib.sha256(fields.encode()).hexdigest()[:24]}"


class OpenVinoRunner:
    """A backbone's PixelNet compiled by OpenVINO for the CPU; one inference request."""

    engine = "openvino"

    def __init__(
        self,
        compiled,
        precision: str,
        converted: bool,
        prepare_s: float,
        cache_note: str | None = None,
    ) -> None:
        self.precision = precision
        self.converted = converted  # this run converted the model (not found in the cache)
        self.prepare_s = prepare_s  # seconds spent converting or reading, and compiling
        self.cache_note = cache_note  # why the conversion was not cached, if it was not
        self._request = compiled.create_infer_request()

    def run(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 channels-last pixels -> [B, dim] float32 features."""
        self._request.infer({0: np.ascontiguousarray(pixels)})
        return np.array(self._request.get_output_tensor(0).data, dtype=np.float32, copy=True)


def model_cache_dir() -> Path:
    """Where converted OpenVINO models are kept: `$JUDGEAPP_OPENVINO_CACHE_DIR` (a folder that
    several caches share: the tests convert each network once per session), else the user's
    cache folder."""
    shared = os.environ.get("JUDGEAPP_OPENVINO_CACHE_DIR")
    return Path(shared) if shared else cache_dir() / "openvino"


def _convert(ov, module: nn.Module, input_shape: tuple[int, ...]):
    example = torch.zeros((1, *input_shape), dtype=torch.uint8)
    # Tracing warns about shape checks turned into constants and about its own deprecation:
    # expected here (the input shape is fixed but for the batch), so kept off the user's screen.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return ov.convert_model(
            module, example_input=example, input=[ov.PartialShape([-1, *input_shape])]
        )


def _save(ov, model, folder: Path, key: ModelKey) -> str | None:
    """Save IR into `folder` atomically: a half-written model is never found. Returns a
    warning instead of failing where it cannot be written (a full or read-only disk: OpenVINO
    says `basic_ios::clear`): the cache only saves the next run's conversion time."""
    tmp: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        ov.save_model(model, str(tmp / "model.xml"), compress_to_fp16=False)
        meta = {**key.__dict__, "input_shape": list(key.input_shape)}
        (tmp / "key.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        try:
            tmp.rename(folder)
        except OSError:  # another process saved the same model first
            pass
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or " ".join(str(exc).split())[:120]
        return (
            f"the converted {key.name} network was not cached in {folder.parent} ({reason}): "
            "the next analysis converts it again; the result is complete"
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return None


def compile_openvino(
    module: nn.Module,
    name: str,
    input_shape: tuple[int, ...],
    precision: str = "fp32",
    threads: int | None = None,
    root: Path | None = None,
) -> OpenVinoRunner:
    """`module` (uint8 [B, *input_shape] -> features) compiled by OpenVINO for the CPU.

    Reads the converted model from the cache when present, else converts and saves it.
    """
    ov = openvino_module()
    if ov is None:
        raise EngineError("OpenVINO is not installed (pip install openvino)")
    if precision not in _OV_PRECISION:
        raise EngineError(f"OpenVINO on a CPU computes in fp32 or bf16, not {precision}")
    started = time.perf_counter()
    key = ModelKey(name, weights_hash(module), tuple(input_shape), precision, ov.__version__)
    folder = (root or model_cache_dir()) / key.folder
    core = ov.Core()
    model, converted, note = None, False, None
    if (folder / "model.xml").is_file():
        try:
            model = core.read_model(str(folder / "model.xml"))
        except RuntimeError:  # damaged: convert again
            shutil.rmtree(folder, ignore_errors=True)
    if model is None:
        model, converted = _convert(ov, module, tuple(input_shape)), True
        note = _save(ov, model, folder, key)
    config = {
        "INFERENCE_PRECISION_HINT": _OV_PRECISION[precision],
        "INFERENCE_NUM_THREADS": int(threads or cpu_threads()),
        "PERFORMANCE_HINT": "LATENCY",
    }
    compiled = core.compile_model(model, "CPU", config)
    return OpenVinoRunner(compiled, precision, converted, time.perf_counter() - started, note)


def apply_engine(backbone, choice: EngineChoice, threads: int | None = None):
    """Make `backbone` (built by a profile on choice.device) compute through `choice`."""
    if choice.engine == "openvino":
        runner = compile_openvino(
            backbone.pixel_net,
            backbone.name or type(backbone).__name__,
            backbone.example_shape,
            choice.precision,
            threads,
        )
        backbone.use_runner(runner)
    return backbone

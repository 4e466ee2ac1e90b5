"""The paper's ablations (Tables 2-4) as named head variants, run with one protocol."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from judgeapp.core.errors import JudgeappError
from judgeapp.training.runs import RunResult, SeedSummary

# Variant name -> ActionNet options that differ from the paper's head.
VARIANTS: dict[str, dict] = {
    "full": {},
    "dynamic": {"streams": ("dynamic",)},
    "static": {"streams": ("static",)},
    "average": {"pooling": "average"},
    "sau": {"pooling": "sau"},
    "temporal": {"adjacency": "temporal"},
    # Table 3's other attention variants.
    "lstm_sau": {"pooling": "lstm_sau"},
    "bilstm_sau": {"pooling": "bilstm_sau"},
    "rta": {"pooling": "rta"},
    # Table 1's baselines, on one stream each (dynamic: I3D segments, static: ResNet frames).
    **{
        f"{pooling}_{stream}": {"pooling": pooling, "streams": (stream,)}
        for pooling in ("avg_svr", "max_svr", "lstm", "bilstm")
        for stream in ("dynamic", "static")
    },
    # GDLT's head with its own published protocol (dynamic stream only).
    "gdlt": {},
}
# Variants that are another head kind than ACTION-NET (trained with that head's protocol).
HEAD_KIND_VARIANTS = {"gdlt": "gdlt"}
_STREAM_TEXT = {"dynamic": "I3D segment features", "static": "ResNet frame features"}
_BASELINE_TEXT = {
    "avg_svr": "average pooling + linear SVR",
    "max_svr": "max pooling + linear SVR",
    "lstm": "LSTM (256) + one FC layer",
    "bilstm": "Bi-LSTM (128) + one FC layer",
}
VARIANT_TEXT = {
    "full": "ACTION-NET (both streams, context-aware attention, feature graph)",
    "dynamic": "dynamic stream only",
    "static": "static stream only",
    "average": "average pooling instead of attention",
    "sau": "plain attention unit, no GCN context (SAU)",
    "temporal": "temporal adjacency exp(-|i-j|/K) (authors' code)",
    "lstm_sau": "LSTM (256) context + SAU",
    "bilstm_sau": "Bi-LSTM (128 + 128) context + SAU",
    "rta": "RTA multi-filter attention, three filters (Doughty et al. 2019)",
    **{
        f"{pooling}_{stream}": f"{text}, {_STREAM_TEXT[stream]}"
        for pooling, text in _BASELINE_TEXT.items()
        for stream in ("dynamic", "static")
    },
    "gdlt": "GDLT head with its published protocol (dynamic stream)",
}
DEFAULT_VARIANTS = "full,dynamic,static,average,sau,temporal"


def parse_variants(text: str) -> list[str]:
    """A comma-separated list of variant names, checked."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or not names:
        raise JudgeappError(
            f"unknown ablation variant {', '.join(unknown) or repr(text)}: "
            f"choose from {', '.join(VARIANTS)}"
        )
    return list(dict.fromkeys(names))


def variant_head(base: dict, variant: str) -> dict:
    """The head options of `variant` on top of `base` (none for another head kind)."""
    if variant in HEAD_KIND_VARIANTS:
        return {}
    return {**base, **VARIANTS[variant]}


def variant_kind(variant: str) -> str:
    """The head kind a variant trains: "actionnet", or "gdlt"."""
    return HEAD_KIND_VARIANTS.get(variant, "actionnet")


@dataclass
class VariantResult:
    """One variant's runs over all seeds."""

    variant: str
    summary: SeedSummary

    def _mean(self, attr: str) -> float:
        values = [getattr(r.test.metrics, attr) for r in self.summary.runs if r.test is not None]
        return sum(values) / len(values) if values else math.nan

    def to_dict(self) -> dict:
        return {
            "variant": self.variant,
            "description": VARIANT_TEXT[self.variant],
            **self.summary.to_dict(),
            "test_pearson_mean": None if math.isnan(p := self._mean("pearson")) else p,
            "test_mae_mean": None if math.isnan(m := self._mean("mae")) else m,
            "test_n": next((r.test.metrics.n for r in self.summary.runs if r.test), None),
        }


def run_variants(
    variants: list[str], train_variant: Callable[[str, int], RunResult], seeds: list[int]
) -> list[VariantResult]:
    """Train every variant with every seed through `train_variant(variant, seed)`."""
    results = []
    for variant in variants:
        runs = [train_variant(variant, seed) for seed in seeds]
        results.append(VariantResult(variant, SeedSummary.of(runs)))
    return results


def _pm(values: tuple[float, float], several: bool) -> str:
    mean, std = values
    if math.isnan(mean):
        return "-"
    return f"{mean:.3f} ± {std:.3f}" if several else f"{mean:.3f}"


def format_ablation_table(results: list[VariantResult]) -> str:
    """Variant, validation and test Spearman (mean ± std over seeds), test Pearson and MAE."""
    several = any(len(r.summary.runs) > 1 for r in results)
    width = 17 if several else 9
    name_width = max(10, *(len(r.variant) for r in results))
    lines = [
        f"{'variant':<{name_width}} {'val rho':>{width}} {'test rho':>{width}} {'Pearson':>8} "
        f"{'MAE':>6}  description"
    ]
    for r in results:
        pearson, mae = r._mean("pearson"), r._mean("mae")
        lines.append(
            f"{r.variant:<{name_width}} {_pm(r.summary.val, several):>{width}} "
            f"{_pm(r.summary.test, several):>{width}} "
            f"{'-' if math.isnan(pearson) else f'{pearson:.3f}':>8} "
            f"{'-' if math.isnan(mae) else f'{mae:.2f}':>6}  {VARIANT_TEXT[r.variant]}"
        )
    return "\n".join(lines)


def with_svr_c(config, c: float):
    """`config` (a TrainConfig) with the linear SVRs' C; a bad C is one line naming the option."""
    try:
        return dataclasses.replace(config, svr_c=c)
    except ValueError as exc:
        raise JudgeappError(f"--svr-c: {exc}") from None

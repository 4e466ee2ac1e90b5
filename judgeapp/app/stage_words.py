"""Every stage a user waits for during an analysis, in words, with counts and seconds."""

from __future__ import annotations

# Every stage a user waits for, in the order they come: the analysis process starting (a fresh
# Python importing PyTorch), its networks being built (converted for OpenVINO the first time),
# then the analysis's own stages. Each has words; `stage_text` adds the count and the seconds.
START_STAGE = "start"  # the analysis process is starting
QUEUED_STAGE = "queued"  # the analysis process runs: the request is on its way to it
PREPARE_STAGE = "prepare"  # building the networks (already converted, or PyTorch)
CONVERT_STAGE = "convert"  # building the networks, converting them for the CPU engine first
STAGE_NAMES = {
    START_STAGE: "starting the analysis process",
    QUEUED_STAGE: "handing the video to the analysis process",
    PREPARE_STAGE: "preparing the networks",
    CONVERT_STAGE: (
        "preparing the networks (first time on this machine: converting for the CPU engine, "
        "about a minute)"
    ),
    "cache": "reading cached features",
    "decode": "decoding the video",
    "detect": "finding the athlete",
    "pose": "following the athlete's pose",
    "dynamic": "segments (video network)",
    "static": "athlete crops (image network)",
    "head": "scoring",
}


# Stages whose count is too coarse for a bar (a network is one step of a minute): the bar is busy.
BUSY_STAGES = frozenset({START_STAGE, QUEUED_STAGE, PREPARE_STAGE, CONVERT_STAGE})


def bar_fill(stage: str, done: int, total: int) -> tuple[int, int] | None:
    """The progress bar's (value, maximum), or None for a busy bar (no count worth a bar)."""
    if stage in BUSY_STAGES or total <= 0:
        return None
    return min(done, total), total


def first_stage(process_running: bool) -> str:
    """The stage to show the moment an analysis is asked for, before any word from it."""
    return QUEUED_STAGE if process_running else START_STAGE


def wait_text(seconds: float) -> str:
    """A wait in words: "8.2 s", "2 min 34 s"."""
    if seconds < 60:
        return f"{max(seconds, 0.0):.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def stage_text(stage: str, done: int, total: int, waited_s: float | None = None) -> str:
    """The progress words, e.g. "Analysing: finding the athlete (12 / 40)", with how long the
    user has waited so far when `waited_s` is given ("… · 35 s")."""
    name = STAGE_NAMES.get(stage, stage)
    count = f" ({done} / {total})" if total > 1 else ""
    waited = f" · {round(waited_s)} s" if waited_s is not None else ""
    return f"Analysing: {name}{count}{waited}"


def done_text(waited_s: float, finder: str = "—") -> str:
    """The status line when a result shows: the time the user waited for it (from asking to
    seeing it, not the analysis's own total)."""
    found = f"; athlete finder: {finder}" if finder != "—" else ""
    return f"Analysis done in {wait_text(waited_s)}{found}"

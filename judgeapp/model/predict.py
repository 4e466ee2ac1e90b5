"""The one path from features and a head to scores: `score_videos` (and `score_video`).

`judgeapp score`, the GUI, batch scoring and `evaluate` all call it, so a video gets the same
number whichever way it is scored. The head sees each video through the window its card
records (`card_window`): the paper's centred 26 segments / 80 frames, or the whole video.
Batches of videos are packed into fixed-size windows with masks; a padded position is masked
out exactly, so a video's score does not depend on the other videos of its batch beyond float
rounding (about 1e-7 of the range).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from judgeapp.model.card import ModelCard
from judgeapp.model.head import ActionNet
from judgeapp.model.windows import RG_FRAMES, RG_SEGMENTS, PackedSplit, WindowSize

PREDICT_BATCH = 64
CENTRED = "centred"
WHOLE = "whole"


def card_window(card: ModelCard) -> WindowSize:
    """The window a head scores through, from its card.

    `protocol.window` ({"policy": "centred", "segments", "frames"} or {"policy": "whole"}) when
    the card has it; else the protocol's segments / frames (None = whole); else, for cards that
    record no protocol (untrained heads, older files), the paper's RG window.
    """
    protocol = card.protocol or {}
    window = protocol.get("window")
    if isinstance(window, dict):
        if window.get("policy") == WHOLE:
            return WindowSize(None, None)
        return WindowSize(window.get("segments"), window.get("frames"))
    return WindowSize(
        segments=protocol.get("segments", RG_SEGMENTS), frames=protocol.get("frames", RG_FRAMES)
    )


def window_record(window: WindowSize) -> dict:
    """How a model card records a window policy."""
    if window.segments is None and window.frames is None:
        return {"policy": WHOLE}
    return {"policy": CENTRED, "segments": window.segments, "frames": window.frames}


@dataclass
class Predictions:
    """Per video: the score (in score units) and the attention over its centred window.

    dynamic_attention [V, segments], static_attention [V, frames]: zero on padding.
    dynamic_start / static_start [V]: the index of the window's first instance in the video.
    """

    scores: np.ndarray
    dynamic_attention: np.ndarray
    static_attention: np.ndarray
    dynamic_start: np.ndarray
    static_start: np.ndarray

    def video_attention(self, index: int, segments: int, frames: int) -> tuple[np.ndarray, ...]:
        """Video `index`'s attention over all its `segments` / `frames` instances (zero outside
        the window the head saw)."""
        return (
            _scatter(self.dynamic_attention[index], int(self.dynamic_start[index]), segments),
            _scatter(self.static_attention[index], int(self.static_start[index]), frames),
        )


def _scatter(window: np.ndarray, start: int, length: int) -> np.ndarray:
    full = np.zeros(length, dtype=np.float32)
    take = min(len(window), length - start)
    full[start : start + take] = window[:take]
    return full


def predict_packed(
    model: ActionNet, packed: PackedSplit, score_max: float, batch_size: int = PREDICT_BATCH
) -> Predictions:
    """Centred-window predictions for every video of an already packed split."""
    was_training = model.training
    model.eval()
    scores, dyn_att, stat_att = [], [], []
    everything = torch.arange(len(packed), device=packed.device)
    try:
        with torch.inference_mode():
            for videos in everything.split(batch_size):
                dynamic, dynamic_mask, static, static_mask = packed.batch(videos, None)
                out = model(dynamic, static, dynamic_mask, static_mask)
                scores.append(out.score.double().cpu().numpy() * score_max)
                dyn_att.append(out.dynamic_attention.float().cpu().numpy())
                stat_att.append(out.static_attention.float().cpu().numpy())
    finally:
        model.train(was_training)
    dyn_start, stat_start = packed.centred_starts()
    return Predictions(
        scores=np.concatenate(scores),
        dynamic_attention=np.concatenate(dyn_att),
        static_attention=np.concatenate(stat_att),
        dynamic_start=dyn_start.cpu().numpy(),
        static_start=stat_start.cpu().numpy(),
    )


def score_videos(
    model: ActionNet,
    card: ModelCard,
    dynamic: list[np.ndarray],
    static: list[np.ndarray],
    device: str | torch.device = "cpu",
    batch_size: int = PREDICT_BATCH,
) -> Predictions:
    """Score videos (their features per stream) with a head, through its card's window."""
    packed = PackedSplit(dynamic, static, card_window(card), device)
    return predict_packed(model.to(device), packed, card.score_max, batch_size)


@dataclass(frozen=True)
class VideoScore:
    """One video's score (in [0, score_max]) and its attention over all its instances.

    window_segments / window_frames: how many instances the head saw, and from where.
    """

    score: float
    dynamic_attention: np.ndarray
    static_attention: np.ndarray
    dynamic_start: int
    static_start: int
    window_segments: int
    window_frames: int


def score_video(
    model: ActionNet, card: ModelCard, dynamic: np.ndarray, static: np.ndarray
) -> VideoScore:
    """`score_videos` for one video, on the CPU, with attention spread over the whole video."""
    predictions = score_videos(model, card, [dynamic], [static])
    dyn_att, stat_att = predictions.video_attention(0, len(dynamic), len(static))
    window = card_window(card)
    return VideoScore(
        score=float(min(max(predictions.scores[0], 0.0), card.score_max)),
        dynamic_attention=dyn_att,
        static_attention=stat_att,
        dynamic_start=int(predictions.dynamic_start[0]),
        static_start=int(predictions.static_start[0]),
        window_segments=min(window.segments or len(dynamic), len(dynamic)),
        window_frames=min(window.frames or len(static), len(static)),
    )

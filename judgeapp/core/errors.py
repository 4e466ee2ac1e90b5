"""Errors a user can act on. Their message is one line that names the file and the problem."""

from __future__ import annotations


class JudgeappError(Exception):
    """Base of all expected failures; the CLI prints `error: <message>` and exits 1."""


class VideoError(JudgeappError):
    """A video is missing, empty, corrupt, truncated or in a format we cannot decode."""


class CheckpointError(JudgeappError):
    """A head checkpoint is missing, not safetensors, or has the wrong content."""


class WeightsError(JudgeappError):
    """A pretrained weights file is missing, corrupt or fails its hash check."""


class ProfileMismatchError(JudgeappError):
    """Features and head come from different feature profiles."""


class Cancelled(JudgeappError):
    """The user cancelled a long operation; nothing partial was kept."""

"""judgeapp: score long sports routines from video with ACTION-NET and show why."""

__version__ = "0.1.0"

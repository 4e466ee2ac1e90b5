"""analyze(video) -> AnalysisResult, with progress callbacks and cancellation; no Qt."""

from judgeapp.analysis.analyze import analyze, extract_features, score_features
from judgeapp.analysis.options import DEFAULT_PROFILE, AnalysisOptions

__all__ = ["DEFAULT_PROFILE", "AnalysisOptions", "analyze", "extract_features", "score_features"]

"""The three indices: method, figures with their inputs, drill-down, trends, comparison."""

from evaluation.domain.indices.explain import (
    Move,
    Standing,
    TrendPoint,
    compare,
    explain_change,
    trend,
)
from evaluation.domain.indices.method import (
    IndexFigure,
    IndexSpec,
    KpiInput,
    KpiScoring,
    Leaf,
    Method,
    compute_index,
    parse_method,
)

__all__ = [
    "IndexFigure",
    "IndexSpec",
    "KpiInput",
    "KpiScoring",
    "Leaf",
    "Method",
    "Move",
    "Standing",
    "TrendPoint",
    "compare",
    "compute_index",
    "explain_change",
    "parse_method",
    "trend",
]

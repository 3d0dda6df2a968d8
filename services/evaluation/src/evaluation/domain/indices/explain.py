"""Reading index figures: what moved one, trends, and communities side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from evaluation.domain.indices.method import IndexFigure


@dataclass(frozen=True)
class Move:
    """How much one leaf (a survey dimension or a KPI) moved the index, in points."""

    kind: str
    code: str
    points: float  # change of the leaf's contribution; all moves add up to the change
    score_before: float | None
    score_after: float | None


def explain_change(before: IndexFigure, after: IndexFigure) -> list[Move]:
    """The leaves that moved the index from ``before`` to ``after``, biggest first.

    The points of all moves add up exactly to ``after.value − before.value``: a leaf moves
    the index both by its score and by its weight (e.g. a KPI with no data last month).
    """
    if before.index != after.index:
        raise ValueError("compare figures of the same index")
    codes = [x.code for x in after.leaves] + [
        x.code for x in before.leaves if after.leaf(x.code) is None
    ]
    moves = []
    for code in codes:
        b, a = before.leaf(code), after.leaf(code)
        leaf = a or b
        assert leaf is not None
        kind = leaf.kind
        pts = (a.points if a else 0.0) - (b.points if b else 0.0)
        moves.append(Move(kind, code, pts, b.score if b else None, a.score if a else None))
    return sorted(moves, key=lambda m: (-abs(m.points), m.code))


@dataclass(frozen=True)
class TrendPoint:
    period_key: str
    value: float | None
    change: float | None  # from the previous point with a value
    method_version: str


def trend(figures: Sequence[IndexFigure]) -> list[TrendPoint]:
    """The figures in period order with their change; a method change is visible per point."""
    out: list[TrendPoint] = []
    last: float | None = None
    for f in sorted(figures, key=lambda f: f.period):
        change: float | None = None if f.value is None or last is None else f.value - last
        out.append(TrendPoint(f.period.key, f.value, change, f.method_version))
        if f.value is not None:
            last = f.value
    return out


@dataclass(frozen=True)
class Standing:
    community_id: str
    value: float
    rank: int  # 1 is best; equal values share a rank
    versus_mean: float  # points above (+) or below (−) the mean of those compared


def compare(figures: Sequence[IndexFigure], min_coverage: float = 0.5) -> list[Standing]:
    """Communities side by side for one index and period (a district officer's view).

    Figures from different periods, indices or method versions are refused: they are not
    comparable. Figures with less than ``min_coverage`` of their weight measured are left
    out rather than ranked on a fraction of the method.
    """
    if len({(f.index, f.period, f.method_version) for f in figures}) > 1:
        raise ValueError("only figures of one index, period and method can be compared")
    usable = [f for f in figures if f.value is not None and f.coverage >= min_coverage]
    if not usable:
        return []
    mean = fmean(f.value for f in usable if f.value is not None)
    ordered = sorted(usable, key=lambda f: (-(f.value or 0.0), f.community_id))
    out: list[Standing] = []
    for i, f in enumerate(ordered):
        assert f.value is not None
        rank = out[-1].rank if out and abs(out[-1].value - f.value) < 1e-9 else i + 1
        out.append(Standing(f.community_id, f.value, rank, f.value - mean))
    return out

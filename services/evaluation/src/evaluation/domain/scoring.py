"""Scoring survey answers: reverse items, item means, ACSI normalisation, reliability.

ACSI-style normalisation (the American Customer Satisfaction Index reports its latent
scores the same way) turns item means on any scale into 0–100::

    score = Σ (x̄ᵢ − lowᵢ) · wᵢ / (highᵢ − lowᵢ) × 100,   Σ wᵢ = 1

which for Likert 1–5 items is the issue's ``Σ (x̄ᵢ − 1)·wᵢ / (5 − 1) × 100``. A dimension's
score gives its items equal weights; the index method then weighs the dimensions, which
is the same formula over all items with ``wᵢ = W_dimension / items in it``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, pvariance

from evaluation.domain.surveys.answers import Answer, scored_value
from evaluation.domain.surveys.model import Question, Section


@dataclass(frozen=True)
class ItemStat:
    question_id: str
    dimension: str
    n: int
    mean: float  # of scored values (reverse-scoring applied)
    low: float
    high: float

    @property
    def normalised(self) -> float:
        return (self.mean - self.low) / (self.high - self.low) * 100


@dataclass(frozen=True)
class DimensionScore:
    """One dimension of one index over a set of responses."""

    index: str
    dimension: str
    items: tuple[ItemStat, ...]
    response_ids: tuple[str, ...]  # the responses that answered at least one item
    score: float  # 0–100
    alpha: float | None  # Cronbach's α over the complete responses, if computable

    @property
    def respondents(self) -> int:
        return len(self.response_ids)


def acsi(items: Iterable[tuple[float, float, float, float]]) -> float:
    """``Σ (x̄ − low)·w / (high − low) × 100`` over (mean, weight, low, high), Σw normalised."""
    rows = list(items)
    total = sum(w for _, w, _, _ in rows)
    if not rows or total <= 0:
        raise ValueError("at least one item with a positive weight is needed")
    return sum((m - lo) * (w / total) / (hi - lo) for m, w, lo, hi in rows) * 100


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's α of complete rows (respondents × items); None when undefined."""
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    item_var = sum(pvariance([r[i] for r in rows]) for i in range(k))
    total_var = pvariance([sum(r) for r in rows])
    if total_var == 0:
        return None
    return k / (k - 1) * (1 - item_var / total_var)


def score_dimensions(
    sections: Sequence[Section], responses: Mapping[str, Mapping[str, Answer]]
) -> dict[tuple[str, str], DimensionScore]:
    """Every (index, dimension) measured by ``sections``, scored over ``responses``.

    ``responses`` maps a response id to its checked answers. An item nobody answered is
    left out of its dimension (and a dimension with no answered item is absent).
    """
    measured = [q for s in sections for q in s.questions if q.measure is not None]
    by_dim: dict[tuple[str, str], list[Question]] = {}
    for q in measured:
        assert q.measure is not None
        by_dim.setdefault((q.measure.index, q.measure.dimension), []).append(q)
    out: dict[tuple[str, str], DimensionScore] = {}
    for key, questions in by_dim.items():
        score = _score_dimension(key, questions, responses)
        if score is not None:
            out[key] = score
    return out


def _score_dimension(
    key: tuple[str, str], questions: list[Question], responses: Mapping[str, Mapping[str, Answer]]
) -> DimensionScore | None:
    values: dict[str, dict[str, float]] = {}  # response id -> question id -> scored
    for rid in sorted(responses):
        for q in questions:
            x = scored_value(q, responses[rid].get(q.id))
            if x is not None:
                values.setdefault(rid, {})[q.id] = x
    items = []
    for q in questions:
        xs = [v[q.id] for v in values.values() if q.id in v]
        scale = q.scale()
        if xs and scale is not None:
            items.append(ItemStat(q.id, key[1], len(xs), fmean(xs), scale[0], scale[1]))
    if not items:
        return None
    complete = [[v[q.id] for q in questions] for v in values.values() if len(v) == len(questions)]
    return DimensionScore(
        index=key[0],
        dimension=key[1],
        items=tuple(items),
        response_ids=tuple(sorted(values)),
        score=acsi((i.mean, 1.0, i.low, i.high) for i in items),
        alpha=cronbach_alpha(complete),
    )


def nps(values: Iterable[int]) -> float | None:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6); None without answers."""
    xs = list(values)
    if not xs:
        return None
    return (sum(x >= 9 for x in xs) - sum(x <= 6 for x in xs)) / len(xs) * 100

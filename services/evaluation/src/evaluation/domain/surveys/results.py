"""A survey's results question by question: how many answered, how the answers spread
over the options or the scale, the mean of a scale and the NPS of an NPS question.

Counts only what was answered: a question the skip logic hid from a respondent is not
counted as unanswered. Raw values are counted (no reverse-scoring: the reader sees what
people chose); the dimension scores (``domain.scoring``) reverse-score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from evaluation.domain.scoring import nps
from evaluation.domain.surveys.model import Question, QuestionKind, Section, Survey
from evaluation.domain.text import Text

AGREEMENT = (
    Text(zh="非常不同意", en="Strongly disagree"),
    Text(zh="不同意", en="Disagree"),
    Text(zh="一般", en="Neither"),
    Text(zh="同意", en="Agree"),
    Text(zh="非常同意", en="Strongly agree"),
)


@dataclass(frozen=True)
class Bucket:
    """One option or scale point and how many chose it (``label`` None: the number)."""

    value: str
    label: Text | None
    count: int


@dataclass(frozen=True)
class QuestionResult:
    section: Section
    question: Question
    answered: int
    buckets: tuple[Bucket, ...]
    mean: float | None
    nps: float | None


def _buckets(q: Question) -> list[tuple[str, Text | None]]:
    if q.kind is QuestionKind.LIKERT:
        return [(str(i + 1), AGREEMENT[i]) for i in range(5)]
    if q.kind is QuestionKind.NPS:
        return [(str(i), None) for i in range(11)]
    return [(o.code, o.label) for o in q.options]


def _point(value: Any) -> str:
    return str(int(value)) if isinstance(value, int | float) else str(value)


def question_results(
    survey: Survey, responses: Iterable[Mapping[str, Any]]
) -> list[QuestionResult]:
    answers = list(responses)
    out = []
    for section, q in survey.questions():
        given = [a[q.id] for a in answers if a.get(q.id) not in (None, "", [])]
        counts: dict[str, int] = {}
        for value in given:
            for v in value if isinstance(value, list) else [value]:
                counts[_point(v)] = counts.get(_point(v), 0) + 1
        numbers = [float(v) for v in given if isinstance(v, int | float)]
        scaled = q.kind in (QuestionKind.LIKERT, QuestionKind.NPS)
        out.append(
            QuestionResult(
                section=section,
                question=q,
                answered=len(given),
                buckets=tuple(Bucket(v, label, counts.get(v, 0)) for v, label in _buckets(q)),
                mean=sum(numbers) / len(numbers) if scaled and numbers else None,
                nps=nps(int(v) for v in numbers) if q.kind is QuestionKind.NPS else None,
            )
        )
    return out

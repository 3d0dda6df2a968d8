"""Checking a response against its survey: types, skip logic, required questions.

The answers arrive as JSON values keyed by question id: an option code for a single
choice, a list of codes for a multiple choice, an integer for Likert and NPS, a string for
open text. A question hidden by skip logic must not be answered (the app would not have
shown it, so an answer is a client error, not something to keep silently); a visible
required question must be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluation.domain.surveys.model import Condition, Question, QuestionKind, Survey

Answer = str | int | float | list[str]


@dataclass(frozen=True)
class AnswerProblem(Exception):
    """Why a response was refused; ``code`` is the stable problem code."""

    code: str
    question_id: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.code}: {self.en}"


@dataclass(frozen=True)
class CheckedResponse:
    """The answers kept (visible questions only), normalised."""

    answers: dict[str, Answer]
    hidden: frozenset[str]

    def value(self, question_id: str) -> Answer | None:
        return self.answers.get(question_id)


def check_response(survey: Survey, raw: Mapping[str, Any]) -> CheckedResponse:
    unknown = sorted(set(raw) - {q.id for _, q in survey.questions()})
    if unknown:
        raise AnswerProblem(
            "evaluation.unknown_question", unknown[0], "问卷中没有这道题。", "No such question."
        )
    kept: dict[str, Answer] = {}
    hidden: set[str] = set()
    for section in survey.sections:
        section_visible = holds(section.show_if, kept)
        for q in section.questions:
            given = raw.get(q.id)
            if not (section_visible and holds(q.show_if, kept)):
                hidden.add(q.id)
                if _present(given):
                    raise AnswerProblem(
                        "evaluation.answer_to_hidden_question",
                        q.id,
                        "根据前面的回答，这道题无需作答。",
                        "This question does not apply given the earlier answers.",
                    )
                continue
            if not _present(given):
                if q.required:
                    raise AnswerProblem(
                        "evaluation.answer_missing",
                        q.id,
                        "这道题必须作答。",
                        "This question needs an answer.",
                    )
                continue
            kept[q.id] = _normalise(q, given)
    return CheckedResponse(kept, frozenset(hidden))


def holds(conditions: tuple[Condition, ...], answers: Mapping[str, Answer]) -> bool:
    """Whether every condition holds on the answers given so far (unanswered fails)."""
    return all(_holds(c, answers.get(c.question)) for c in conditions)


def _holds(c: Condition, value: Answer | None) -> bool:
    if c.op == "answered":
        return value is not None
    if value is None:
        return False
    match c.op:
        case "equals":
            return _same(value, c.value)
        case "not_equals":
            return not _same(value, c.value)
        case "in":
            return isinstance(c.value, list) and str(value) in c.value
        case "not_in":
            return isinstance(c.value, list) and str(value) not in c.value
        case "includes":
            return isinstance(value, list) and c.value in value
        case "gte" | "lte":
            if not isinstance(value, int | float) or not isinstance(c.value, int | float):
                return False
            return value >= c.value if c.op == "gte" else value <= c.value
    return False


def _same(value: Answer, expected: object) -> bool:
    if isinstance(value, int | float) and isinstance(expected, int | float):
        return float(value) == float(expected)
    return str(value) == str(expected)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _normalise(q: Question, value: Any) -> Answer:
    bad = AnswerProblem(
        "evaluation.answer_invalid",
        q.id,
        "这道题的回答不符合要求。",
        "The answer does not fit the question.",
    )
    match q.kind:
        case QuestionKind.SINGLE:
            if not isinstance(value, str) or q.option(value) is None:
                raise bad
            return value
        case QuestionKind.MULTIPLE:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad
            if len(set(value)) != len(value) or any(q.option(v) is None for v in value):
                raise bad
            top = q.max_choices or len(q.options)
            if not q.min_choices <= len(value) <= top:
                raise bad
            return list(value)
        case QuestionKind.LIKERT | QuestionKind.NPS:
            scale = q.scale()
            if isinstance(value, bool) or not isinstance(value, int) or scale is None:
                raise bad
            if not scale[0] <= value <= scale[1]:
                raise bad
            return value
        case _:
            if not isinstance(value, str):
                raise bad
            text = value.strip()
            if not text or len(text) > q.max_length:
                raise bad
            return text


def scored_value(q: Question, value: Answer | None) -> float | None:
    """The number an answer scores, reverse-scoring applied; None if not scored."""
    scale = q.scale()
    if scale is None or value is None:
        return None
    if q.kind is QuestionKind.SINGLE:
        option = q.option(str(value))
        if option is None or option.score is None:
            return None
        x = option.score
    elif isinstance(value, int | float):
        x = float(value)
    else:
        return None
    if q.measure is not None and q.measure.reverse:
        x = scale[0] + scale[1] - x
    return x

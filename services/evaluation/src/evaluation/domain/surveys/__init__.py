"""Surveys: the model as designed, checking a response, audience and response rates."""

from evaluation.domain.surveys.answers import (
    AnswerProblem,
    CheckedResponse,
    check_response,
    scored_value,
)
from evaluation.domain.surveys.audience import (
    NotEligible,
    Respondent,
    ResponseRate,
    is_targeted,
    reminders_due,
    response_key,
    response_rates,
    to_remind,
)
from evaluation.domain.surveys.model import (
    AnswerUnit,
    Condition,
    Measure,
    Option,
    Question,
    QuestionKind,
    Section,
    Survey,
    Targeting,
)

__all__ = [
    "AnswerProblem",
    "AnswerUnit",
    "CheckedResponse",
    "Condition",
    "Measure",
    "NotEligible",
    "Option",
    "Question",
    "QuestionKind",
    "Respondent",
    "ResponseRate",
    "Section",
    "Survey",
    "Targeting",
    "check_response",
    "is_targeted",
    "reminders_due",
    "response_key",
    "response_rates",
    "scored_value",
    "to_remind",
]

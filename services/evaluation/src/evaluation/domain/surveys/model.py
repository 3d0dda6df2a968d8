"""A survey as designed: sections of questions, skip logic, targeting, reminders.

Question kinds: single choice, multiple choice, Likert 1–5 (agreement), NPS 0–10 and open
text. Skip logic is a list of conditions on a section or question (all must hold) that
may only look at questions asked *before* it, so a survey can never loop and a person
answering it always knows what comes next. A question that measures one of the three
indices names its index and dimension, and whether it is reverse-scored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from evaluation.domain.text import Text

Code = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
INDEX_CODES = ("gain", "security", "happiness")


class QuestionKind(StrEnum):
    SINGLE = "single_choice"
    MULTIPLE = "multiple_choice"
    LIKERT = "likert5"
    NPS = "nps"
    OPEN = "open_text"


SCALE_RANGE = {QuestionKind.LIKERT: (1.0, 5.0), QuestionKind.NPS: (0.0, 10.0)}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(Frozen):
    code: str = Code
    label: Text
    score: float | None = Field(default=None, description="Value for scoring, if scored.")


Op = Literal["equals", "not_equals", "in", "not_in", "gte", "lte", "answered", "includes"]


class Condition(Frozen):
    """``question op value``: e.g. used_emergency equals yes; nps_safety lte 6."""

    question: str = Code
    op: Op
    value: str | float | list[str] | None = None


class Measure(Frozen):
    """What a scored question measures: an index, a dimension of it, reverse or not."""

    index: Literal["gain", "security", "happiness"]
    dimension: str = Code
    reverse: bool = False


class Question(Frozen):
    id: str = Code
    kind: QuestionKind
    text: Text
    required: bool = True
    options: tuple[Option, ...] = ()
    min_choices: int = Field(default=1, ge=0)
    max_choices: int | None = Field(default=None, ge=1)
    max_length: int = Field(default=1000, ge=1, le=5000)
    show_if: tuple[Condition, ...] = ()
    measure: Measure | None = None
    source: str | None = Field(default=None, max_length=200, description="Scale and item.")

    def scale(self) -> tuple[float, float] | None:
        """(lowest, highest) scored value, or None when the question is not scored."""
        if self.kind in SCALE_RANGE:
            return SCALE_RANGE[self.kind]
        if self.kind is QuestionKind.SINGLE and all(o.score is not None for o in self.options):
            scores = [o.score for o in self.options if o.score is not None]
            return (min(scores), max(scores))
        return None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


class Section(Frozen):
    id: str = Code
    title: Text
    questions: tuple[Question, ...] = Field(min_length=1)
    show_if: tuple[Condition, ...] = ()


class AnswerUnit(StrEnum):
    """Who answers once: each person, or each household (one member for all)."""

    PERSON = "person"
    HOUSEHOLD = "household"


RESIDENT_ROLES = ("resident", "tenant", "family")


class Targeting(Frozen):
    """Who is asked: people holding one of ``roles`` in one of the places named.

    The places narrow one another: a building or grid list, when given, keeps only the
    people placed there within the communities.
    """

    community_ids: tuple[str, ...] = Field(min_length=1)
    building_ids: tuple[str, ...] = ()
    grid_ids: tuple[str, ...] = ()
    roles: tuple[str, ...] = RESIDENT_ROLES


class Survey(Frozen):
    code: str = Code
    version: int = Field(default=1, ge=1)
    title: Text
    intro: Text | None = None
    sections: tuple[Section, ...] = Field(min_length=1)
    unit: AnswerUnit = AnswerUnit.PERSON
    anonymous: bool = True
    targeting: Targeting
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    reminder_days_before_close: tuple[int, ...] = Field(
        default=(3, 1), description="Days before closing on which non-respondents are reminded."
    )

    def questions(self) -> list[tuple[Section, Question]]:
        return [(s, q) for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for _, q in self.questions() if q.id == question_id), None)

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    @model_validator(mode="after")
    def _consistent(self) -> Survey:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        if any(d < 0 for d in self.reminder_days_before_close):
            raise ValueError("reminder days must not be negative")
        _check_ids(self)
        asked: dict[str, Question] = {}
        for section in self.sections:
            _check_conditions(section.show_if, asked, f"section {section.id}")
            for q in section.questions:
                _check_question(q)
                _check_conditions(q.show_if, asked, f"question {q.id}")
                asked[q.id] = q
        return self


def _check_ids(survey: Survey) -> None:
    ids = [s.id for s in survey.sections] + [q.id for _, q in survey.questions()]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"ids must be unique: {', '.join(dupes)}")


def _check_question(q: Question) -> None:
    choice = q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    if choice and len(q.options) < 2:
        raise ValueError(f"question {q.id}: a choice question needs at least two options")
    if not choice and q.options:
        raise ValueError(f"question {q.id}: only choice questions have options")
    codes = [o.code for o in q.options]
    if len(set(codes)) != len(codes):
        raise ValueError(f"question {q.id}: option codes must be unique")
    if q.kind is QuestionKind.MULTIPLE:
        top = q.max_choices or len(q.options)
        if not q.min_choices <= top <= len(q.options):
            raise ValueError(f"question {q.id}: choices must satisfy min ≤ max ≤ options")
    if q.measure is not None and q.scale() is None:
        raise ValueError(f"question {q.id}: a measured question must be scored")


def _check_conditions(conds: tuple[Condition, ...], asked: dict[str, Question], where: str) -> None:
    for c in conds:
        target = asked.get(c.question)
        if target is None:
            raise ValueError(f"{where}: a condition may only look at an earlier question")
        if c.op == "answered":
            continue
        if c.op in ("gte", "lte"):
            if target.scale() is None or not isinstance(c.value, int | float):
                raise ValueError(f"{where}: gte/lte need a scored question and a number")
        elif c.op in ("in", "not_in"):
            if not isinstance(c.value, list) or not c.value:
                raise ValueError(f"{where}: in/not_in need a list of values")
            _check_codes(target, c.value, where)
        elif c.op == "includes":
            if target.kind is not QuestionKind.MULTIPLE or not isinstance(c.value, str):
                raise ValueError(f"{where}: includes needs a multiple-choice question")
            _check_codes(target, [c.value], where)
        elif c.value is None or isinstance(c.value, list):
            raise ValueError(f"{where}: {c.op} needs one value")
        elif target.options:
            _check_codes(target, [str(c.value)], where)


def _check_codes(target: Question, values: list[str], where: str) -> None:
    known = {o.code for o in target.options}
    if target.options and not set(values) <= known:
        raise ValueError(f"{where}: condition names an option that {target.id} does not have")

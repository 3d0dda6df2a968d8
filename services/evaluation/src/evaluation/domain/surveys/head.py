"""What a list of surveys shows of each stored definition, read without the whole model.

A page of ``/api/v1/evaluation/surveys`` showed each survey's title, dates, unit and
whether it is anonymous, and validated the whole stored :class:`Survey` of every row to
get them (sections, questions, skip logic: ~0.4 ms a definition, ~8 ms of CPU a page of
20 at 100,000 surveys, ADR 0066). A stored definition was validated when the survey was
designed; the head reads those fields with the same types and defaults and ignores the
rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict

from evaluation.domain.surveys.model import AnswerUnit
from evaluation.domain.text import Text


class SurveyHead(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    title: Text
    unit: AnswerUnit = AnswerUnit.PERSON
    anonymous: bool = True
    opens_at: AwareDatetime
    closes_at: AwareDatetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def head_of(definition: dict[str, Any]) -> SurveyHead:
    """The head of a stored (already validated) survey definition."""
    return SurveyHead.model_validate(definition)

"""The three indices' questionnaires, shipped as data (``evaluation/data/questionnaires``).

A questionnaire is a survey template: the sections and questions, which published scale
each item comes from, and the index dimension it measures (reverse-scored or not). A
community admin turns it into a survey by giving it an audience and dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from evaluation.domain.surveys.model import (
    AnswerUnit,
    Question,
    Section,
    Survey,
    Targeting,
)
from evaluation.domain.text import Text

OPTION_SETS: dict[str, list[dict[str, Any]]] = {
    # MUNSH answers as the Chinese version scores them
    "yes_unsure_no": [
        {"code": "yes", "score": 2, "label": {"zh": "是", "en": "Yes"}},
        {"code": "unsure", "score": 1, "label": {"zh": "不确定", "en": "Not sure"}},
        {"code": "no", "score": 0, "label": {"zh": "否", "en": "No"}},
    ],
}


class Source(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    citation: str = Field(min_length=1)
    wording: Literal["original", "paraphrase", "structure only"]


class Dimension(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str
    en: str
    source: str

    @property
    def name(self) -> Text:
        return Text(zh=self.zh, en=self.en)


class Questionnaire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Literal["gain", "security", "happiness"]
    version: int = Field(ge=1)
    title: Text
    intro: Text | None = None
    unit: AnswerUnit = AnswerUnit.PERSON
    anonymous: bool = True
    sources: dict[str, Source]
    dimensions: dict[str, Dimension]
    sections: tuple[Section, ...]

    def measured(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions if q.measure is not None]

    def items_of(self, dimension: str) -> list[Question]:
        return [q for q in self.measured() if q.measure and q.measure.dimension == dimension]

    def survey(
        self, targeting: Targeting, opens_at: datetime, closes_at: datetime, **extra: Any
    ) -> Survey:
        return Survey(
            code=self.code,
            version=self.version,
            title=self.title,
            intro=self.intro,
            sections=self.sections,
            unit=extra.pop("unit", self.unit),
            anonymous=extra.pop("anonymous", self.anonymous),
            targeting=targeting,
            opens_at=opens_at,
            closes_at=closes_at,
            **extra,
        )

    @model_validator(mode="after")
    def _mapped(self) -> Questionnaire:
        for dim in self.dimensions.values():
            if dim.source not in self.sources:
                raise ValueError(f"dimension source {dim.source!r} is not listed in sources")
        for q in self.measured():
            assert q.measure is not None
            if q.measure.index != self.code:
                raise ValueError(f"{q.id}: measures {q.measure.index}, not {self.code}")
            if q.measure.dimension not in self.dimensions:
                raise ValueError(f"{q.id}: unknown dimension {q.measure.dimension!r}")
        empty = [d for d in self.dimensions if not self.items_of(d)]
        if empty:
            raise ValueError(f"dimensions without items: {', '.join(empty)}")
        return self


def parse_questionnaire(raw: Mapping[str, Any]) -> Questionnaire:
    """Build a questionnaire from its data file's content (option sets expanded)."""
    data = dict(raw)
    sections = []
    for section in data.get("sections", []):
        questions = []
        for q in section.get("questions", []):
            q = dict(q)
            ref = q.pop("options_ref", None)
            if ref is not None:
                q["options"] = OPTION_SETS[ref]
            questions.append(q)
        sections.append({**section, "questions": questions})
    data["sections"] = sections
    return Questionnaire.model_validate(data)

"""What ``GET /surveys/{id}/results`` answers: responses, response rates per place, each
dimension's score and α, and each question's spread of answers, every text in the
reader's language."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, Field

from evaluation.data import QUESTIONNAIRES, load_questionnaire
from evaluation.domain.scoring import score_dimensions
from evaluation.domain.surveys import Survey, Target, response_rates
from evaluation.domain.surveys.results import question_results


class DimensionRead(BaseModel):
    index: str
    dimension: str
    name: str
    score: float
    respondents: int
    alpha: float | None


class RateRead(BaseModel):
    place_type: Literal["community", "building"]
    place_id: str
    eligible: int = Field(
        description="Response keys the survey asks for there (people or households, as it "
        "is answered), from identity's placements and grants"
    )
    responded: int
    rate: float | None = Field(description="responded / eligible (at most 1); null: none asked")


class BucketRead(BaseModel):
    value: str = Field(description="The option's code or the scale point")
    label: str = Field(description="What people chose, in the reader's language")
    count: int


class QuestionRead(BaseModel):
    id: str
    section: str = Field(description="The section's title")
    text: str
    kind: Literal["single_choice", "multiple_choice", "likert5", "nps", "open_text"]
    answered: int
    buckets: list[BucketRead]
    mean: float | None = Field(description="Mean of a Likert or NPS question (as answered)")
    nps: float | None = Field(description="Net Promoter Score of an NPS question, −100…100")


class SurveyResults(BaseModel):
    survey_id: uuid.UUID
    responses: int
    dimensions: list[DimensionRead]
    by_building: dict[str, int]
    rates: list[RateRead] = Field(default_factory=list)
    questions: list[QuestionRead] = Field(default_factory=list)


@functools.lru_cache(maxsize=8)
def dimension_names(locale: str) -> Mapping[tuple[str, str], str]:
    """(index, dimension) -> the dimension's name, from the shipped questionnaires: made
    once per locale (read-only). It was made again for every leaf of every figure: a fifth
    of evaluation's CPU on a page of indices (py-spy, session 18)."""
    out = {}
    for code in QUESTIONNAIRES:
        q = load_questionnaire(code)
        out.update({(q.code, d): dim.name.get(locale) for d, dim in q.dimensions.items()})
    return MappingProxyType(out)


def _rates(rows: Sequence[Any], audience: list[Target]) -> list[RateRead]:
    eligible: dict[str, int] = {}
    for target in audience:
        if target.building_id:
            eligible[target.building_id] = eligible.get(target.building_id, 0) + 1
    responded: dict[str, int] = {}
    for _, building, _ in rows:
        if building:
            responded[building] = responded.get(building, 0) + 1
    total = response_rates({"": len(audience)}, {"": len(rows)})[0]
    out = [RateRead(place_type="community", place_id="", **_counts(total))]
    out += [
        RateRead(place_type="building", place_id=r.place_id, **_counts(r))
        for r in response_rates(eligible, responded)
    ]
    return out


def _counts(r: Any) -> dict[str, Any]:
    return {"eligible": r.eligible, "responded": r.responded, "rate": r.rate}


def build_results(
    survey_id: uuid.UUID,
    community_id: str,
    survey: Survey,
    rows: Sequence[Any],
    audience: list[Target],
    locale: str,
) -> SurveyResults:
    dims = score_dimensions(survey.sections, {f"resp:{i}": a for i, _, a in rows})
    names = dimension_names(locale)
    rates = _rates(rows, audience)
    rates[0] = rates[0].model_copy(update={"place_id": community_id})
    other = "其他维度" if not locale.lower().startswith("en") else "Other dimension"
    return SurveyResults(
        survey_id=survey_id,
        responses=len(rows),
        dimensions=[
            DimensionRead(
                index=i,
                dimension=d,
                name=names.get((i, d), other),
                score=s.score,
                respondents=s.respondents,
                alpha=s.alpha,
            )
            for (i, d), s in sorted(dims.items())
        ],
        by_building={b: r.responded for r in rates[1:] if (b := r.place_id) and r.responded},
        rates=rates,
        questions=[
            QuestionRead(
                id=r.question.id,
                section=r.section.title.get(locale),
                text=r.question.text.get(locale),
                kind=r.question.kind.value,
                answered=r.answered,
                buckets=[
                    BucketRead(
                        value=b.value,
                        label=b.label.get(locale) if b.label else b.value,
                        count=b.count,
                    )
                    for b in r.buckets
                ],
                mean=r.mean,
                nps=r.nps,
            )
            for r in question_results(survey, (a for _, _, a in rows))
        ],
    )

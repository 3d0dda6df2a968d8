"""Questionnaires (量表): the shipped scales, sending one to a person, answering, a person's
history and trend, FHIR."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from care.adapters.fhir_questionnaire import questionnaire
from care.api.deps import AssessmentsDep
from care.db.models import AssessmentRow
from care.domain import questionnaire as q
from care.usecases.assessments import SCALES, Scored, scale
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/care", tags=["questionnaires"])

Code = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
PersonId = Annotated[str, Path(min_length=1, max_length=64)]
# a scale's code in the path: an unknown one is a 404 (care.questionnaire_not_found)
ScaleCode = Annotated[str, Path(min_length=1, max_length=64)]


class OptionRead(BaseModel):
    code: str
    score: int
    text_zh: str
    text_en: str


class ItemRead(BaseModel):
    link_id: str
    text_zh: str
    text_en: str
    required: bool
    options: list[OptionRead]


class BandRead(BaseModel):
    min: int
    max: int
    code: str
    label_zh: str
    label_en: str
    meaning_zh: str
    meaning_en: str
    level: str


class ScaleRead(BaseModel):
    code: str
    version: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    higher_is_better: bool
    min: int
    max: int
    items: list[ItemRead]
    bands: list[BandRead]


class FlagRead(BaseModel):
    code: str
    label_zh: str
    label_en: str
    level: str


class ResultRead(BaseModel):
    total: int
    min: int
    max: int
    band: BandRead
    flags: list[FlagRead]
    level: str = Field(description="normal, info, warning, urgent or critical")


class AssessmentRead(BaseModel):
    id: str
    person_id: str
    questionnaire: str
    title_zh: str
    title_en: str
    status: str = Field(description="sent or answered")
    sent_by: str
    sender_name: str
    sent_at: datetime
    answered_at: datetime | None
    result: ResultRead | None = None
    answers: dict[str, str] | None = None


class AssessmentSend(BaseModel):
    questionnaire: Code = Field(examples=["phq9"])
    sender_name: str = Field(default="医生", min_length=1, max_length=64, examples=["张医生"])


class AnswersSubmit(BaseModel):
    answers: dict[str, Annotated[str, Field(max_length=16)]] = Field(
        max_length=100, description="The option code chosen per item", examples=[{"q1": "0"}]
    )


class TrendPoint(BaseModel):
    assessment_id: str
    answered_at: datetime
    total: int
    band_zh: str
    band_en: str


class TrendRead(BaseModel):
    questionnaire: str
    direction: Literal["better", "worse", "steady"]
    change: int
    words_zh: str
    words_en: str
    points: list[TrendPoint]


@router.get("/questionnaires", response_model=list[ScaleRead])
async def scales(who: CurrentCaller) -> list[ScaleRead]:
    """The scales that ship with the service (Barthel index, PHQ-9)."""
    return [_scale(d) for d in SCALES.values()]


@router.get("/questionnaires/{code}", response_model=ScaleRead)
async def one_scale(code: ScaleCode, who: CurrentCaller) -> ScaleRead:
    return _scale(scale(code))


@router.get("/questionnaires/{code}/fhir")
async def scale_fhir(code: ScaleCode, who: CurrentCaller) -> dict[str, Any]:
    """The scale as a FHIR R5 Questionnaire (option scores in ``itemWeight``)."""
    return questionnaire(scale(code))


@router.post("/people/{person_id}/assessments", status_code=201, response_model=AssessmentRead)
async def send(
    person_id: PersonId, body: AssessmentSend, who: CurrentCaller, assessments: AssessmentsDep
) -> AssessmentRead:
    row = await assessments.send(who, person_id, body.questionnaire, body.sender_name)
    return _brief(row)


@router.get("/people/{person_id}/assessments", response_model=Page[AssessmentRead])
async def history(
    person_id: PersonId,
    who: CurrentCaller,
    assessments: AssessmentsDep,
    paging: Paging,
    questionnaire: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[AssessmentRead]:
    found, total = await assessments.history(
        who, person_id, questionnaire, paging.limit, paging.offset
    )
    return Page[AssessmentRead].of([_read(s) for s in found], total, paging)


@router.get("/people/{person_id}/assessments/trend", response_model=TrendRead)
async def trend(
    person_id: PersonId,
    who: CurrentCaller,
    assessments: AssessmentsDep,
    questionnaire: Annotated[str, Query(max_length=40)],
) -> TrendRead:
    defn, t, done = await assessments.trend(who, person_id, questionnaire)
    zh, en = t.words(defn)
    points = [
        TrendPoint(
            assessment_id=str(s.row.id),
            answered_at=s.row.answered_at,
            total=s.result.total,
            band_zh=s.result.band.label.zh,
            band_en=s.result.band.label.en,
        )
        for s in done
        if s.result is not None and s.row.answered_at is not None
    ]
    return TrendRead(
        questionnaire=defn.code, direction=t.direction.value, change=t.change, words_zh=zh,
        words_en=en, points=points,
    )  # fmt: skip


@router.get("/assessments", response_model=Page[AssessmentRead])
async def mine(
    who: CurrentCaller,
    assessments: AssessmentsDep,
    paging: Paging,
    status: Annotated[Literal["sent", "answered"] | None, Query()] = None,
) -> Page[AssessmentRead]:
    """The assessments of the people the caller may see them for (results are read
    through the person's history or the assessment itself)."""
    rows, total = await assessments.mine(who, status, paging)
    return Page[AssessmentRead].of([_brief(r) for r in rows], total, paging)


@router.get("/assessments/{assessment_id}", response_model=AssessmentRead)
async def read(
    assessment_id: uuid.UUID, who: CurrentCaller, assessments: AssessmentsDep
) -> AssessmentRead:
    s = await assessments.read(who, assessment_id)
    return _read(s, answers=True)


@router.post("/assessments/{assessment_id}/answers", response_model=AssessmentRead)
async def answer(
    assessment_id: uuid.UUID, body: AnswersSubmit, who: CurrentCaller, assessments: AssessmentsDep
) -> AssessmentRead:
    """Answered by the person or a guardian; scored at once with the band's meaning."""
    return _read(await assessments.answer(who, assessment_id, body.answers), answers=True)


@router.get("/assessments/{assessment_id}/fhir")
async def response_fhir(
    assessment_id: uuid.UUID, who: CurrentCaller, assessments: AssessmentsDep
) -> dict[str, Any]:
    """The response as a FHIR R5 Bundle: QuestionnaireResponse and score Observation."""
    return await assessments.fhir(who, assessment_id)


def _band(b: q.Band) -> BandRead:
    return BandRead(
        min=b.min, max=b.max, code=b.code, label_zh=b.label.zh, label_en=b.label.en,
        meaning_zh=b.meaning.zh, meaning_en=b.meaning.en, level=b.level.value,
    )  # fmt: skip


def _scale(d: q.Definition) -> ScaleRead:
    return ScaleRead(
        code=d.code, version=d.version, title_zh=d.title.zh, title_en=d.title.en,
        description_zh=d.description.zh, description_en=d.description.en,
        higher_is_better=d.higher_is_better, min=d.scoring.min, max=d.scoring.max,
        items=[
            ItemRead(
                link_id=i.link_id, text_zh=i.text.zh, text_en=i.text.en, required=i.required,
                options=[
                    OptionRead(code=o.code, score=o.score, text_zh=o.text.zh, text_en=o.text.en)
                    for o in i.options
                ],
            )
            for i in d.items
        ],
        bands=[_band(b) for b in d.bands],
    )  # fmt: skip


def _brief(r: AssessmentRow) -> AssessmentRead:
    d = scale(r.questionnaire)
    return AssessmentRead(
        id=str(r.id), person_id=r.person_id, questionnaire=r.questionnaire,
        title_zh=d.title.zh, title_en=d.title.en, status=r.status, sent_by=r.sent_by,
        sender_name=r.sender_name, sent_at=r.sent_at, answered_at=r.answered_at,
    )  # fmt: skip


def _read(s: Scored, *, answers: bool = False) -> AssessmentRead:
    out = _brief(s.row)
    if s.result is not None:
        d, res = s.defn, s.result
        out.result = ResultRead(
            total=res.total, min=d.scoring.min, max=d.scoring.max, band=_band(res.band),
            flags=[
                FlagRead(code=f.code, label_zh=f.label.zh, label_en=f.label.en,
                         level=f.level.value)
                for f in res.flags
            ],
            level=res.level.value,
        )  # fmt: skip
        if answers:
            out.answers = dict(s.answers)
    return out

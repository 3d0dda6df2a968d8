"""``/api/v1/evaluation/surveys``: design (from a shipped questionnaire or a definition),
list, read, answer once per person or household, and results by dimension.

Managers of a community design and close surveys; staff, officers and auditors of the
place read results; residents (resident, tenant, family) see the open surveys addressed
to them and answer. A resident's community, building and grid come from identity's
placement of their household, never from what the app sends.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from evaluation.api.common import (
    DEFAULTED,
    MANAGER_ROLES,
    PLACE_ID,
    CurrentPrincipal,
    Locale,
    UseCasesDep,
    community_of,
)
from evaluation.api.results import SurveyResults, build_results
from evaluation.db.models import SurveyRow
from evaluation.domain.surveys import AnswerUnit
from evaluation.domain.surveys.head import head_of
from sc_core.api import Page, Paging
from sc_core.schema import AwareInstant, JsonBounds

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-surveys"])
PlaceId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
PlaceIdItem = Annotated[str, Field(min_length=1, max_length=64, pattern=PLACE_ID)]
# A survey as the console designs it: sections > questions > options > labels, checked
# against the domain's Survey model in the use case; bounded here before that.
SurveyDefinition = Annotated[
    dict[str, Any], JsonBounds(max_keys=200, max_depth=10, max_bytes=262_144)
]


class SurveyCreate(BaseModel):
    community_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=PLACE_ID, description=DEFAULTED
    )
    questionnaire: Literal["gain", "security", "happiness"] | None = Field(
        default=None, description="One of the indices' questionnaires shipped with the service"
    )
    definition: SurveyDefinition | None = Field(
        default=None, description="A survey designed in the console (sections, questions)"
    )
    opens_at: AwareInstant | None = None
    closes_at: AwareInstant | None = None
    building_ids: list[PlaceIdItem] = Field(
        default_factory=list, max_length=200, description="Only people living in these buildings"
    )
    grid_ids: list[PlaceIdItem] = Field(
        default_factory=list, max_length=200, description="Only people living in these grids"
    )
    roles: list[Literal["resident", "tenant", "family"]] = Field(
        default_factory=list,
        max_length=3,
        description="Who of a household is asked (default: residents, tenants and family)",
    )
    anonymous: bool | None = None
    unit: AnswerUnit | None = None


class SurveySummary(BaseModel):
    """A survey as its list shows it; its questions (``definition``, ~10 KB for the
    national questionnaire) come with the survey itself: ``GET /surveys/{survey_id}``."""

    id: uuid.UUID
    community_id: str
    questionnaire: str | None
    title: str
    status: Literal["open", "closed"]
    opens_at: datetime
    closes_at: datetime
    anonymous: bool
    unit: str
    responses: int


class SurveyRead(SurveySummary):
    definition: dict[str, Any]


class ResponseCreate(BaseModel):
    answers: dict[str, Any] = Field(max_length=500)


class ResponseAck(BaseModel):
    survey_id: uuid.UUID
    submitted_at: datetime
    anonymous: bool


def _summary(row: SurveyRow, locale: str, responses: int) -> SurveySummary:
    s = head_of(row.head if row.head is not None else row.definition)
    now = datetime.now(UTC)
    status: Literal["open", "closed"] = (
        "open" if row.status == "open" and s.is_open(now) else "closed"
    )
    return SurveySummary(
        id=row.id,
        community_id=row.community_id,
        questionnaire=row.questionnaire,
        title=s.title.get(locale),
        status=status,
        opens_at=s.opens_at,
        closes_at=s.closes_at,
        anonymous=s.anonymous,
        unit=str(s.unit),
        responses=responses,
    )


def _read(row: SurveyRow, locale: str, responses: int) -> SurveyRead:
    return SurveyRead(**_summary(row, locale, responses).model_dump(), definition=row.definition)


SurveyId = Annotated[uuid.UUID, Path()]


@router.post("/surveys", response_model=SurveyRead, status_code=201)
async def create_survey(
    body: SurveyCreate, principal: CurrentPrincipal, usecases: UseCasesDep, locale: Locale
) -> SurveyRead:
    """Publish a survey to a community (optionally some of its buildings); the community
    may be left out by a caller who manages one."""
    community_id = await community_of(principal, usecases, body.community_id, MANAGER_ROLES)
    body = body.model_copy(update={"community_id": community_id})
    row = await usecases.surveys.create(principal, locale, body)
    return _read(row, locale, 0)


@router.get("/surveys", response_model=Page[SurveySummary])
async def list_surveys(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    paging: Paging,
    community_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[SurveySummary]:
    """Surveys of the caller's places (staff), or open ones addressed to the caller's home;
    each survey's questions come with the survey itself (``GET /surveys/{survey_id}``)."""
    rows, total, counts = await usecases.surveys.visible(principal, community_id, paging)
    items = [_summary(r, locale, counts.get(r.id, 0)) for r in rows]
    return Page[SurveySummary].of(items, total, paging)


@router.get("/surveys/{survey_id}", response_model=SurveyRead)
async def get_survey(
    survey_id: SurveyId, principal: CurrentPrincipal, usecases: UseCasesDep, locale: Locale
) -> SurveyRead:
    row, responses = await usecases.surveys.get(principal, locale, survey_id)
    return _read(row, locale, responses)


@router.post("/surveys/{survey_id}/close", response_model=SurveyRead)
async def close_survey(
    survey_id: SurveyId, principal: CurrentPrincipal, usecases: UseCasesDep, locale: Locale
) -> SurveyRead:
    row, responses = await usecases.surveys.close(principal, locale, survey_id)
    return _read(row, locale, responses)


@router.post("/surveys/{survey_id}/responses", response_model=ResponseAck, status_code=201)
async def answer_survey(
    survey_id: SurveyId,
    body: ResponseCreate,
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
) -> ResponseAck:
    """Answer once (per person, or per household as the survey says)."""
    sid, at, anonymous = await usecases.surveys.answer(principal, locale, survey_id, body.answers)
    return ResponseAck(survey_id=sid, submitted_at=at, anonymous=anonymous)


@router.get("/surveys/{survey_id}/results", response_model=SurveyResults)
async def survey_results(
    survey_id: SurveyId, principal: CurrentPrincipal, usecases: UseCasesDep, locale: Locale
) -> SurveyResults:
    """Responses and response rates per place (against the people or households the
    survey asks, from identity's placements and grants), scores by dimension (ACSI 0–100,
    Cronbach's α) and each question's spread of answers."""
    row, survey, rows, audience = await usecases.surveys.responses(principal, locale, survey_id)
    return build_results(row.id, row.community_id, survey, rows, audience, locale)

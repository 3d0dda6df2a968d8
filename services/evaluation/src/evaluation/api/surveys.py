"""``/api/v1/evaluation/surveys``: design (from a shipped questionnaire or a definition),
list, read, answer once per person or household, and results by dimension.

Managers of a community design and close surveys; staff, officers and auditors of the
place read results; residents (resident, tenant, family) see the open surveys addressed
to them and answer. A resident's community, building and grid come from identity's
placement of their household, never from what the app sends.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, Field, ValidationError
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from evaluation.api.common import (
    MANAGER_ROLES,
    RESIDENT_ROLES,
    VIEWER_ROLES,
    CurrentPrincipal,
    Locale,
    ensure_viewer,
    problem,
)
from evaluation.data import QUESTIONNAIRES, load_questionnaire
from evaluation.db.models import HouseholdPlace, ResponseRow, SurveyRow
from evaluation.domain.scoring import score_dimensions
from evaluation.domain.surveys import (
    AnswerProblem,
    AnswerUnit,
    NotEligible,
    Respondent,
    Survey,
    Targeting,
    check_response,
    response_key,
)
from sc_core.api import Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth.principal import Principal
from sc_core.auth.scope import scope_clause

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-surveys"])
PlaceId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class SurveyCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    questionnaire: Literal["gain", "security", "happiness"] | None = Field(
        default=None, description="One of the indices' questionnaires shipped with the service"
    )
    definition: dict[str, Any] | None = Field(
        default=None, description="A survey designed in the console (sections, questions)"
    )
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    building_ids: list[str] = Field(default_factory=list, max_length=200)
    anonymous: bool | None = None
    unit: AnswerUnit | None = None


class SurveyRead(BaseModel):
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
    definition: dict[str, Any]


class ResponseCreate(BaseModel):
    answers: dict[str, Any] = Field(max_length=500)


class ResponseAck(BaseModel):
    survey_id: uuid.UUID
    submitted_at: datetime
    anonymous: bool


class DimensionRead(BaseModel):
    index: str
    dimension: str
    name: str
    score: float
    respondents: int
    alpha: float | None


class SurveyResults(BaseModel):
    survey_id: uuid.UUID
    responses: int
    dimensions: list[DimensionRead]
    by_building: dict[str, int]


def dimension_names(locale: str) -> dict[tuple[str, str], str]:
    """(index, dimension) -> the dimension's name, from the shipped questionnaires."""
    out = {}
    for code in QUESTIONNAIRES:
        q = load_questionnaire(code)
        out.update({(q.code, d): dim.name.get(locale) for d, dim in q.dimensions.items()})
    return out


def _survey_of(row: SurveyRow) -> Survey:
    return Survey.model_validate(row.definition)


def _read(row: SurveyRow, locale: str, responses: int) -> SurveyRead:
    s = _survey_of(row)
    now = datetime.now(UTC)
    status: Literal["open", "closed"] = (
        "open" if row.status == "open" and s.is_open(now) else "closed"
    )
    return SurveyRead(
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
        definition=row.definition,
    )


def _invalid(locale: str, errors: list[str]) -> Exception:
    return problem(
        422,
        "evaluation.survey_invalid",
        "问卷设计有误，请检查题目、选项、跳题条件和起止时间。",
        "The survey design is invalid: check its questions, options, skip logic and dates.",
        locale,
        errors=errors[:20],
    )


@router.post("/surveys", response_model=SurveyRead, status_code=201)
async def create_survey(
    body: SurveyCreate, principal: CurrentPrincipal, uow: UnitOfWorkDep, locale: Locale
) -> SurveyRead:
    """Publish a survey to a community (optionally some of its buildings)."""
    ensure_viewer(principal, locale, body.community_id, roles=MANAGER_ROLES)
    if (body.questionnaire is None) == (body.definition is None):
        raise problem(
            400,
            "evaluation.survey_source",
            "请选择一份内置问卷，或提供自行设计的问卷（二者选一）。",
            "Give either a shipped questionnaire or a designed survey, not both or neither.",
            locale,
        )
    now = datetime.now(UTC)
    opens, closes = body.opens_at or now, body.closes_at or (now + timedelta(days=30))
    targeting = Targeting(community_ids=(body.community_id,), building_ids=tuple(body.building_ids))
    try:
        if body.questionnaire is not None:
            extra: dict[str, Any] = {}
            if body.anonymous is not None:
                extra["anonymous"] = body.anonymous
            if body.unit is not None:
                extra["unit"] = body.unit
            survey = load_questionnaire(body.questionnaire).survey(
                targeting, opens, closes, **extra
            )
        else:
            raw = {"opens_at": opens, "closes_at": closes, **(body.definition or {})}
            raw["targeting"] = targeting.model_dump()
            survey = Survey.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(locale, [str(e.get("msg")) for e in exc.errors()]) from None
    row = SurveyRow(
        community_id=body.community_id,
        questionnaire=body.questionnaire,
        definition=survey.model_dump(mode="json"),
        created_by=principal.subject,
    )
    uow.session.add(row)
    await uow.session.flush()
    await uow.commit()
    return _read(row, locale, 0)


def _visible(principal: Principal, households: list[HouseholdPlace]) -> Any:
    staff = scope_clause(principal, community_col=SurveyRow.community_id, roles=VIEWER_ROLES)
    mine = [h.community_id for h in households]
    if not mine:
        return staff
    return or_(staff, and_(SurveyRow.community_id.in_(mine), SurveyRow.status == "open"))


async def _households(uow: UnitOfWorkDep, principal: Principal) -> list[HouseholdPlace]:
    ids = sorted(principal.scope_ids("household", frozenset(RESIDENT_ROLES)))
    if not ids:
        return []
    rows = await uow.session.scalars(
        select(HouseholdPlace).where(
            HouseholdPlace.household_id.in_(ids), HouseholdPlace.status == "active"
        )
    )
    return list(rows)


async def _counts(uow: UnitOfWorkDep, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await uow.session.execute(
        select(ResponseRow.survey_id, func.count())
        .where(ResponseRow.survey_id.in_(ids))
        .group_by(ResponseRow.survey_id)
    )
    return {sid: n for sid, n in rows.all()}


@router.get("/surveys", response_model=Page[SurveyRead])
async def list_surveys(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
    paging: Paging,
    community_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[SurveyRead]:
    """Surveys of the caller's places (staff), or open ones addressed to the caller's home."""
    households = await _households(uow, principal)
    query = select(SurveyRow).where(_visible(principal, households))
    if community_id is not None:
        query = query.where(SurveyRow.community_id == community_id)
    query = query.order_by(SurveyRow.community_id, SurveyRow.created_at.desc(), SurveyRow.id)
    rows, total = await fetch_page(uow.session, query, paging)
    counts = await _counts(uow, [r.id for r in rows])
    return Page[SurveyRead].of([_read(r, locale, counts.get(r.id, 0)) for r in rows], total, paging)


async def _get(
    uow: UnitOfWorkDep, principal: Principal, survey_id: uuid.UUID, locale: str
) -> tuple[SurveyRow, list[HouseholdPlace]]:
    households = await _households(uow, principal)
    row = await uow.session.scalar(
        select(SurveyRow).where(SurveyRow.id == survey_id, _visible(principal, households))
    )
    if row is None:
        raise problem(
            404, "evaluation.survey_not_found", "没有找到这份问卷。", "No such survey.", locale
        )
    return row, households


SurveyId = Annotated[uuid.UUID, Path()]


@router.get("/surveys/{survey_id}", response_model=SurveyRead)
async def get_survey(
    survey_id: SurveyId, principal: CurrentPrincipal, uow: UnitOfWorkDep, locale: Locale
) -> SurveyRead:
    row, _ = await _get(uow, principal, survey_id, locale)
    return _read(row, locale, (await _counts(uow, [row.id])).get(row.id, 0))


@router.post("/surveys/{survey_id}/close", response_model=SurveyRead)
async def close_survey(
    survey_id: SurveyId, principal: CurrentPrincipal, uow: UnitOfWorkDep, locale: Locale
) -> SurveyRead:
    row, _ = await _get(uow, principal, survey_id, locale)
    ensure_viewer(principal, locale, row.community_id, roles=MANAGER_ROLES)
    row.status = "closed"
    await uow.commit()
    return _read(row, locale, (await _counts(uow, [row.id])).get(row.id, 0))


@router.post("/surveys/{survey_id}/responses", response_model=ResponseAck, status_code=201)
async def answer_survey(
    survey_id: SurveyId,
    body: ResponseCreate,
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
) -> ResponseAck:
    """Answer once (per person, or per household as the survey says)."""
    row, households = await _get(uow, principal, survey_id, locale)
    survey = _survey_of(row)
    now = datetime.now(UTC)
    if row.status != "open" or not survey.is_open(now):
        raise problem(
            409,
            "evaluation.survey_closed",
            "这份问卷目前不在填写期内。",
            "This survey is not open for answers.",
            locale,
        )
    home = next((h for h in households if h.community_id == row.community_id), None)
    if home is None:
        raise problem(
            403,
            "evaluation.not_targeted",
            "这份问卷不面向您。",
            "This survey is not addressed to you.",
            locale,
        )
    who = Respondent(
        person_id=principal.subject,
        roles=frozenset(principal.roles) & frozenset(RESIDENT_ROLES),
        community_id=home.community_id,
        building_id=home.building_id,
        grid_id=home.grid_id,
        household_id=home.household_id,
    )
    try:
        key = response_key(survey, who)
        checked = check_response(survey, body.answers)
    except NotEligible as exc:
        raise problem(403, exc.code, exc.zh, exc.en, locale) from None
    except AnswerProblem as exc:
        raise problem(422, exc.code, exc.zh, exc.en, locale, question_id=exc.question_id) from None
    if survey.anonymous:
        key = "anon:" + request.app.state.cipher.blind_index(f"{row.id}|{key}", "survey")
    response = ResponseRow(
        survey_id=row.id,
        respondent_key=key,
        community_id=home.community_id,
        building_id=home.building_id,
        household_id=None if survey.anonymous else home.household_id,
        answers=dict(checked.answers),
        anonymous=survey.anonymous,
        submitted_at=now,
    )
    uow.session.add(response)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise problem(
            409,
            "evaluation.already_answered",
            "您（或您家）已经填写过这份问卷。"
            if survey.unit is AnswerUnit.HOUSEHOLD
            else "您已经填写过这份问卷。",
            "Your household has already answered this survey."
            if survey.unit is AnswerUnit.HOUSEHOLD
            else "You have already answered this survey.",
            locale,
        ) from None
    await uow.commit()
    return ResponseAck(survey_id=row.id, submitted_at=now, anonymous=survey.anonymous)


@router.get("/surveys/{survey_id}/results", response_model=SurveyResults)
async def survey_results(
    survey_id: SurveyId, principal: CurrentPrincipal, uow: UnitOfWorkDep, locale: Locale
) -> SurveyResults:
    """Scores by dimension (ACSI 0–100, Cronbach's α) and responses per building."""
    row, _ = await _get(uow, principal, survey_id, locale)
    ensure_viewer(principal, locale, row.community_id)
    survey = _survey_of(row)
    rows = (
        await uow.session.execute(
            select(ResponseRow.id, ResponseRow.building_id, ResponseRow.answers).where(
                ResponseRow.survey_id == row.id
            )
        )
    ).all()
    dims = score_dimensions(survey.sections, {f"resp:{i}": a for i, _, a in rows})
    names = dimension_names(locale)
    by_building: dict[str, int] = {}
    for _, building, _ in rows:
        if building:
            by_building[building] = by_building.get(building, 0) + 1
    return SurveyResults(
        survey_id=row.id,
        responses=len(rows),
        dimensions=[
            DimensionRead(
                index=i,
                dimension=d,
                name=names.get((i, d), "其他维度" if locale != "en" else "Other dimension"),
                score=s.score,
                respondents=s.respondents,
                alpha=s.alpha,
            )
            for (i, d), s in sorted(dims.items())
        ],
        by_building=by_building,
    )

"""Surveys: managers publish and close them in their communities; staff, officers and
auditors of the place read them and their results; residents see the open ones addressed
to their home and answer once (per person or per household; anonymous answers keyed by a
blind index). Each in one unit of work with its scope check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, with_expression

from evaluation.data import load_questionnaire
from evaluation.db.models import PLACES, ResponseRow, SurveyRow
from evaluation.domain.surveys import (
    AnswerProblem,
    AnswerUnit,
    NotEligible,
    Respondent,
    Survey,
    Target,
    Targeting,
    check_response,
    response_key,
)
from evaluation.usecases.access import (
    MANAGER_ROLES,
    RESIDENT_ROLES,
    VIEWER_ROLES,
    ensure_viewer,
    problem,
)
from evaluation.usecases.audience import stored_key, targets
from sc_core.api import PageParams, fetch_page
from sc_core.auth.principal import Principal
from sc_core.auth.scope import scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.places import HouseholdPlace
from sc_core.privacy import FieldCipher

if TYPE_CHECKING:
    from evaluation.api.surveys import SurveyCreate


def survey_of(row: SurveyRow) -> Survey:
    return Survey.model_validate(row.definition)


def _invalid(locale: str, errors: list[str]) -> Exception:
    return problem(
        422,
        "evaluation.survey_invalid",
        "问卷设计有误，请检查题目、选项、跳题条件和起止时间。",
        "The survey design is invalid: check its questions, options, skip logic and dates.",
        locale,
        errors=errors[:20],
    )


def _visible(principal: Principal, households: list[HouseholdPlace]) -> Any:
    staff = scope_clause(principal, community_col=SurveyRow.community_id, roles=VIEWER_ROLES)
    mine = [h.community_id for h in households]
    if not mine:
        return staff
    return or_(staff, and_(SurveyRow.community_id.in_(mine), SurveyRow.status == "open"))


async def _households(uow: UnitOfWork, principal: Principal) -> list[HouseholdPlace]:
    ids = sorted(principal.scope_ids("household", frozenset(RESIDENT_ROLES)))
    if not ids:
        return []
    h = PLACES.households.c
    rows = await uow.session.execute(
        select(PLACES.households).where(h.household_id.in_(ids), h.status == "active")
    )
    return [
        HouseholdPlace(
            r.household_id, r.community_id, r.building_id, r.unit_id, r.room_id, r.grid_id, r.status
        )
        for r in rows
    ]


async def _counts(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await uow.session.execute(
        select(ResponseRow.survey_id, func.count())
        .where(ResponseRow.survey_id.in_(ids))
        .group_by(ResponseRow.survey_id)
    )
    return {sid: n for sid, n in rows.all()}


async def _get(
    uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID, locale: str
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


class Surveys:
    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher  # anonymous answers: a blind index of who answered (HMAC, keyed)

    async def create(self, principal: Principal, locale: str, body: SurveyCreate) -> SurveyRow:
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
        try:
            targeting = Targeting(
                community_ids=(body.community_id,),
                building_ids=tuple(body.building_ids),
                grid_ids=tuple(body.grid_ids),
                **({"roles": tuple(body.roles)} if body.roles else {}),
            )
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
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.session.flush()
            await uow.commit()
        return row

    async def visible(
        self, principal: Principal, community_id: str | None, paging: PageParams
    ) -> tuple[list[SurveyRow], int, dict[uuid.UUID, int]]:
        """Surveys of the caller's places (staff), or open ones addressed to the caller's
        home; with how many responses each has."""
        async with self.db.uow(read_only=True) as uow:
            households = await _households(uow, principal)
            # each row's head, not its questions: decoding every definition's JSON was
            # ~70 % of a page's time (py-spy, ADR 0072)
            head = SurveyRow.definition.op("-", return_type=JSONB)(literal("sections"))
            query = (
                select(SurveyRow)
                .options(defer(SurveyRow.definition), with_expression(SurveyRow.head, head))
                .where(_visible(principal, households))
            )
            if community_id is not None:
                query = query.where(SurveyRow.community_id == community_id)
            query = query.order_by(
                SurveyRow.community_id, SurveyRow.created_at.desc(), SurveyRow.id
            )
            rows, total = await fetch_page(uow.session, query, paging)
            counts = await _counts(uow, [r.id for r in rows])
            return list(rows), total, counts

    async def get(
        self, principal: Principal, locale: str, survey_id: uuid.UUID
    ) -> tuple[SurveyRow, int]:
        async with self.db.uow(read_only=True) as uow:
            row, _ = await _get(uow, principal, survey_id, locale)
            return row, (await _counts(uow, [row.id])).get(row.id, 0)

    async def close(
        self, principal: Principal, locale: str, survey_id: uuid.UUID
    ) -> tuple[SurveyRow, int]:
        async with self.db.uow() as uow:
            row, _ = await _get(uow, principal, survey_id, locale)
            ensure_viewer(principal, locale, row.community_id, roles=MANAGER_ROLES)
            row.status = "closed"
            await uow.commit()
            return row, (await _counts(uow, [row.id])).get(row.id, 0)

    async def answer(
        self, principal: Principal, locale: str, survey_id: uuid.UUID, answers: dict[str, Any]
    ) -> tuple[uuid.UUID, datetime, bool]:
        """Answer once (per person, or per household as the survey says): the survey's id,
        when, and whether the answer is anonymous."""
        async with self.db.uow() as uow:
            row, households = await _get(uow, principal, survey_id, locale)
            survey = survey_of(row)
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
                checked = check_response(survey, answers)
            except NotEligible as exc:
                raise problem(403, exc.code, exc.zh, exc.en, locale) from None
            except AnswerProblem as exc:
                raise problem(
                    422, exc.code, exc.zh, exc.en, locale, question_id=exc.question_id
                ) from None
            key = stored_key(self.cipher, row.id, survey, key)
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
                household = survey.unit is AnswerUnit.HOUSEHOLD
                raise problem(
                    409,
                    "evaluation.already_answered",
                    "您（或您家）已经填写过这份问卷。" if household else "您已经填写过这份问卷。",
                    "Your household has already answered this survey."
                    if household
                    else "You have already answered this survey.",
                    locale,
                ) from None
            await uow.commit()
            return row.id, now, survey.anonymous

    async def responses(
        self, principal: Principal, locale: str, survey_id: uuid.UUID
    ) -> tuple[SurveyRow, Survey, list[Any], list[Target]]:
        """The survey, its responses (id, building, answers) and its audience (the
        response keys it asks for, by building), for its results."""
        async with self.db.uow(read_only=True) as uow:
            row, _ = await _get(uow, principal, survey_id, locale)
            ensure_viewer(principal, locale, row.community_id)
            rows = (
                await uow.session.execute(
                    select(ResponseRow.id, ResponseRow.building_id, ResponseRow.answers).where(
                        ResponseRow.survey_id == row.id
                    )
                )
            ).all()
            survey = survey_of(row)
            return row, survey, list(rows), await targets(uow, survey)

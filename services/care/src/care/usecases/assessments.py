"""Questionnaires (量表): the shipped scales, a doctor sends one to a person, the person
(or a guardian) answers it, it is scored with its band's meaning; an urgent or critical
result (PHQ-9 question 9 above 0) tells the doctor at once; history, trend and FHIR.
Reads go through consent on ``assessments``; answers and results are encrypted."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.bundle import Bundle
from sqlalchemy import func, select

from care.adapters.fhir import fhir_id
from care.adapters.fhir_questionnaire import questionnaire_response, score_observation
from care.db.models import AssessmentRow
from care.domain import consent as c
from care.domain import questionnaire as q
from care.domain.notices import assessment_flag_notice, assessment_sent_notice
from care.usecases.common import authorise, load, not_found, now_utc, send
from care.usecases.people import visible_people
from sc_contracts.events import AssessmentScoredV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, NotFound, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page

SCALES: dict[str, q.Definition] = {d.code: d for d in q.shipped()}


def scale(code: str) -> q.Definition:
    found = SCALES.get(code)
    if found is None:
        raise Problem(
            404, "care.questionnaire_not_found", "No such questionnaire", zh="没有这个量表"
        )
    return found


def assessment_not_found() -> Problem:
    return Problem(404, "care.assessment_not_found", "No such assessment", zh="没有这个量表评估")


@dataclass(frozen=True)
class Scored:
    """An assessment row with its definition and, once answered, its result."""

    row: AssessmentRow
    defn: q.Definition
    result: q.Result | None
    answers: Mapping[str, str]


def _result(defn: q.Definition, row: AssessmentRow) -> tuple[q.Result | None, dict[str, str]]:
    if row.answers is None:
        return None, {}
    answers: dict[str, str] = json.loads(row.answers)
    return q.score(defn, answers), answers


def scored(row: AssessmentRow) -> Scored:
    defn = scale(row.questionnaire)
    result, answers = _result(defn, row)
    return Scored(row, defn, result, answers)


def response_resources(s: Scored) -> list[dict[str, Any]]:
    """The QuestionnaireResponse and its score Observation (nothing while unanswered)."""
    r = s.row
    if s.result is None or r.answered_at is None:
        return []
    rid = str(r.id)
    return [
        questionnaire_response(s.defn, r.person_id, s.answers, r.answered_at, rid),
        score_observation(s.defn, r.person_id, s.result, r.answered_at, rid),
    ]


async def person_resources(uow: UnitOfWork, person_id: str) -> list[dict[str, Any]]:
    """Every answered assessment of a person as FHIR resources (their Bundle's part)."""
    rows = (
        await uow.session.execute(
            select(AssessmentRow)
            .where(AssessmentRow.person_id == person_id, AssessmentRow.status == "answered")
            .order_by(AssessmentRow.answered_at)
        )
    ).scalars()
    return [res for row in rows for res in response_resources(scored(row))]


class Assessments:
    def __init__(self, db: Database, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.clock = clock

    async def send(self, who: Caller, person_id: str, code: str, sender_name: str) -> AssessmentRow:
        """A doctor whose consent covers the person's assessments sends a scale."""
        defn = scale(code)
        if not who.principal.has_role("doctor"):
            raise Forbidden(
                "auth.forbidden", "Only a doctor sends a questionnaire", zh="只有医生可以发送量表"
            )
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.ASSESSMENTS, action="care.assessment.send")
            row = AssessmentRow(
                id=uuid.uuid4(), person_id=person_id, community_id=record.row.community_id,
                questionnaire=defn.code, version=defn.version, sent_by=who.subject,
                sender_name=sender_name, sent_at=self.clock(), status="sent",
            )  # fmt: skip
            uow.session.add(row)
            p = record.row
            users = [u for u in (p.user_id, *(p.guardians or [])) if u]
            notice = assessment_sent_notice(str(row.id), p.name, sender_name, defn, users)
            if notice is not None:
                await send(uow, notice, p.community_id, str(row.id))
            await uow.audit(
                who, "care.assessment.send", "care_assessment", str(row.id),
                community_id=p.community_id, detail={"questionnaire": defn.code},
            )  # fmt: skip
            await uow.commit()
            return row

    async def answer(
        self, who: Caller, assessment_id: uuid.UUID, answers: Mapping[str, str]
    ) -> Scored:
        """The person, or a guardian acting for them, answers; scored at once, and an
        urgent or critical result tells the doctor who sent it (once: one request id)."""
        async with self.db.uow() as uow:
            row = await uow.session.get(AssessmentRow, assessment_id, with_for_update=True)
            record = await load(uow, row.person_id) if row is not None else None
            if row is None or record is None:
                raise assessment_not_found()
            now = self.clock()
            basis = c.visible_categories(record.subject, record.grants, who.subject, now).basis
            if basis not in (c.Basis.SELF, c.Basis.GUARDIAN):
                await uow.audit(
                    who, "care.assessment.answer", "care_assessment", str(row.id),
                    community_id=row.community_id, outcome="denied",
                )  # fmt: skip
                await uow.commit()
                raise assessment_not_found()
            if row.status != "sent":
                raise Problem(
                    409, "care.assessment_answered", "This questionnaire is already answered",
                    zh="该量表已经填写过了",
                )  # fmt: skip
            defn = scale(row.questionnaire)
            try:
                result = q.score(defn, answers)
            except q.AnswerError as exc:
                raise Problem(422, exc.code, exc.en, zh=exc.zh) from None
            row.answers = json.dumps(dict(answers), sort_keys=True)
            row.result = json.dumps(
                {"total": result.total, "band": result.band.code,
                 "flags": [f.code for f in result.flags], "level": result.level.value}
            )  # fmt: skip
            row.status, row.answered_by, row.answered_at = "answered", who.subject, now
            flag = assessment_flag_notice(str(row.id), record.row.name, defn, result, [row.sent_by])
            if flag is not None:
                await send(uow, flag, row.community_id, str(row.id))
            await uow.publish(
                AssessmentScoredV1(
                    assessment_id=str(row.id), person_id=row.person_id,
                    community_id=row.community_id, questionnaire=row.questionnaire,
                    sent_by=row.sent_by, answered_at=now,
                ),
                key=row.person_id,
            )  # fmt: skip
            flagged = "yes" if flag is not None else "no"
            await uow.audit(
                who, "care.assessment.answer", "care_assessment", str(row.id),
                community_id=row.community_id, detail={"flagged": flagged},
            )  # fmt: skip
            await uow.commit()
            return Scored(row, defn, result, dict(answers))

    async def read(self, who: Caller, assessment_id: uuid.UUID) -> Scored:
        async with self.db.uow() as uow:
            row = await uow.session.get(AssessmentRow, assessment_id)
            record = await load(uow, row.person_id) if row is not None else None
            if row is None or record is None:
                raise assessment_not_found()
            try:
                await authorise(
                    uow, who, record, c.Category.ASSESSMENTS, action="care.assessment.read"
                )
            except NotFound:  # refused (and audited as such)
                raise assessment_not_found() from None
            await uow.commit()
            return scored(row)

    async def fhir(self, who: Caller, assessment_id: uuid.UUID) -> dict[str, Any]:
        """The response as a FHIR R5 ``collection`` Bundle: the QuestionnaireResponse and
        its score Observation, validated."""
        s = await self.read(who, assessment_id)
        resources = response_resources(s)
        if not resources:
            raise Problem(
                409, "care.assessment_unanswered", "This questionnaire is not answered yet",
                zh="该量表尚未填写",
            )  # fmt: skip
        bundle = {
            "resourceType": "Bundle",
            "id": fhir_id("Bundle", f"assessment/{s.row.id}"),
            "type": "collection",
            "timestamp": self.clock().isoformat(),
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
        }
        Bundle.model_validate(bundle)
        return bundle

    async def history(
        self, who: Caller, person_id: str, code: str | None, limit: int, offset: int
    ) -> tuple[list[Scored], int]:
        """A person's assessments, newest first (consent on ``assessments``)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.ASSESSMENTS, action="care.assessment.list")
            query = select(AssessmentRow).where(AssessmentRow.person_id == person_id)
            if code is not None:
                query = query.where(AssessmentRow.questionnaire == scale(code).code)
            total = (
                await uow.session.execute(select(func.count()).select_from(query.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    query.order_by(AssessmentRow.sent_at.desc(), AssessmentRow.id)
                    .limit(limit).offset(offset)
                )
            ).scalars().all()  # fmt: skip
            await uow.commit()
            return [scored(r) for r in rows], int(total)

    async def trend(
        self, who: Caller, person_id: str, code: str
    ) -> tuple[q.Definition, q.Trend, list[Scored]]:
        """The totals of one scale over time and the direction in the scale's own sense."""
        defn = scale(code)
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(
                uow, who, record, c.Category.ASSESSMENTS, action="care.assessment.trend"
            )
            rows = (
                await uow.session.execute(
                    select(AssessmentRow)
                    .where(
                        AssessmentRow.person_id == person_id,
                        AssessmentRow.questionnaire == defn.code,
                        AssessmentRow.status == "answered",
                    )
                    .order_by(AssessmentRow.answered_at)
                    .limit(200)
                )
            ).scalars()
            done = [scored(r) for r in rows]
            await uow.commit()
        points = [
            (s.row.answered_at, s.result.total) for s in done if s.result and s.row.answered_at
        ]
        return defn, q.trend(defn, points), done

    async def mine(
        self, who: Caller, status: str | None, params: PageParams
    ) -> tuple[list[AssessmentRow], PageTotal]:
        """The assessments of the people whose assessments the caller may see (themselves,
        a ward, by consent: a doctor's patients too), without results: what is waiting to
        be answered (a result is read, and audited, through the person's history)."""
        async with self.db.uow(read_only=True) as uow:
            people = await visible_people(uow, who.subject, c.Category.ASSESSMENTS, self.clock())
            query = select(AssessmentRow).where(AssessmentRow.person_id.in_(people))
            if status is not None:
                query = query.where(AssessmentRow.status == status)
            return await fetch_page(
                uow.session, query.order_by(AssessmentRow.sent_at.desc(), AssessmentRow.id), params
            )

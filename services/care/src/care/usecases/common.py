"""What every care use case shares: a person's record loaded as the domain's ``Subject``
with their grants, the consent decision for a caller (audited), problems in words, and a
notice handed to the notification service through the outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from care.db.models import CarePerson, ConsentGrant
from care.domain.consent import Category, Decision, Grant, Relation, Subject, decide
from care.domain.notices import HouseholdNotice, Notice
from care.domain.records import Gender, Person
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem

STAFF_ROLES = frozenset({"doctor", "caregiver", "community_admin", "grid_worker"})


def now_utc() -> datetime:
    return datetime.now(UTC)


def problem(exc: Any, status: int = 422) -> Problem:
    """A domain error (``code``, ``zh``, ``en``) as problem+json the way the platform
    answers: ``detail`` in the reader's language, ``messages`` with both."""
    return Problem(status, exc.code, exc.en, zh=exc.zh)


def not_found() -> NotFound:
    return NotFound("care.person_not_found", "No such care record", zh="没有这个健康档案")


@dataclass(frozen=True)
class Record:
    row: CarePerson
    subject: Subject
    grants: list[Grant]

    @property
    def person(self) -> Person:
        r = self.row
        return Person(r.id, r.name, date.fromisoformat(r.birth_date), Gender(r.gender), r.address)


def grant_of(row: ConsentGrant) -> Grant:
    from care.domain.consent import Category as C

    return Grant(
        id=row.id,
        person_id=row.person_id,
        grantee=row.grantee,
        relation=Relation(row.relation),
        categories=frozenset(C(c) for c in row.categories),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        notify=row.notify,
        granted_by=row.granted_by,
        granted_as=row.granted_as,
        revoked_at=row.revoked_at,
    )


def subject_of(row: CarePerson) -> Subject:
    return Subject(
        row.id,
        date.fromisoformat(row.birth_date),
        row.user_id,
        frozenset(row.guardians or []),
        row.has_capacity,
    )


async def load(uow: UnitOfWork, person_id: str) -> Record | None:
    row = await uow.session.get(CarePerson, person_id)
    if row is None:
        return None
    grants = (
        (await uow.session.execute(select(ConsentGrant).where(ConsentGrant.person_id == person_id)))
        .scalars()
        .all()
    )
    return Record(row, subject_of(row), [grant_of(g) for g in grants])


async def authorise(
    uow: UnitOfWork,
    who: Caller,
    record: Record,
    category: Category,
    *,
    action: str,
    emergency_reason: str | None = None,
) -> Decision:
    """The consent decision for ``who`` on ``category``; refused reads are audited as
    denied and look like a missing record (nothing is learnt about who has one)."""
    emergency = bool(emergency_reason) and who.principal.has_role("doctor")
    d = decide(
        record.subject, record.grants, who.subject, category, now_utc(), emergency_doctor=emergency
    )
    detail = {"basis": d.basis.value, "category": category.value}
    if emergency_reason:
        detail["emergency_reason"] = emergency_reason[:200]
    if not d.allowed:
        await uow.audit(
            who, action, "care_person", record.row.id, community_id=record.row.community_id,
            detail=detail, outcome="denied",
        )  # fmt: skip
        await uow.commit()
        raise not_found()
    await uow.audit(
        who, action, "care_person", record.row.id, community_id=record.row.community_id,
        detail=detail,
    )  # fmt: skip
    return d


async def send(uow: UnitOfWork, notice: Notice, community_id: str, causation: str | None) -> None:
    """The notice as a ``NotificationRequestedV1`` in the outbox of this unit of work."""
    households = list(notice.household_ids) if isinstance(notice, HouseholdNotice) else []
    await uow.publish(
        NotificationRequestedV1(
            request_id=notice.request_id,
            recipients=Recipients(
                user_ids=list(notice.user_ids),
                roles_in_scope=[
                    RoleInScope(role=r, scope_type=t, scope_id=i)
                    for r, t, i in notice.roles_in_scope
                ],
                household_ids=households,
            ),
            template=notice.template,
            variables=notice.variables,
            severity=NotificationSeverity(notice.severity),
            channels=[NotificationChannel(c) for c in notice.channels],
            source_service="care",
            community_id=community_id,
            correlation_id=causation,
        ),
        key=notice.request_id,
    )


def dumps(values: dict[str, float]) -> str:
    return json.dumps(values, sort_keys=True)


def loads(text: str) -> dict[str, float]:
    out: dict[str, float] = json.loads(text)
    return out

"""What the register of disability certificates (残疾人证) shares with assistive devices
and the service hall (split from :mod:`gov_affairs.usecases.disability`): the certificate as
kept encrypted, a record's masked view, its event on ``gov.welfare.v1``, the desk's scope,
the lookups of a registered certificate, and the hall's check of an application's number
against the register (:func:`check_registered_card`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select

from gov_affairs.db.models import DisabilityRecordRow, WelfarePersonRow
from gov_affairs.domain import disability as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.certificates import mask_name
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.domain.welfare import DisabilityCard, WelfareError, parse_disability_card
from gov_affairs.usecases.welfare import OFFICE_ROLES
from sc_contracts.events import WelfareChangedV1
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import get_cipher, mask_id_number

PROGRAMME = "disability_card"  # the register's steps on gov.welfare.v1
Field = Literal["certificate_number", "name", "id_number", "phone"]


def today_in_china() -> date:
    return datetime.now(CHINA).date()


def refused(exc: WelfareError | d.DisabilityError, status: int = 422) -> Problem:
    return Problem(status, exc.code, exc.message, zh=exc.zh)


@dataclass(frozen=True)
class Certificate:
    number: str
    category: str
    grade: int

    @classmethod
    def of(cls, card: DisabilityCard, number: str) -> Certificate:
        return cls(number.strip().upper(), card.category, card.grade)

    def dump(self) -> str:
        return json.dumps({"number": self.number, "category": self.category, "grade": self.grade})


def certificate_of(person: WelfarePersonRow) -> Certificate | None:
    if not person.disability:
        return None
    raw = json.loads(person.disability)
    return Certificate(str(raw["number"]), str(raw["category"]), int(raw["grade"]))


def parse(number: str) -> Certificate:
    try:
        return Certificate.of(parse_disability_card(number), number)
    except WelfareError as exc:
        raise refused(exc) from None


@dataclass(frozen=True)
class RecordView:
    """A register entry as the desk sees it in a list: name and number masked."""

    id: uuid.UUID
    community_id: str
    grid_id: str | None
    name_masked: str
    number_masked: str
    category: str
    grade: int
    valid_until: date
    expired: bool
    version: int
    updated_at: datetime


def view(rec: DisabilityRecordRow, person: WelfarePersonRow, today: date) -> RecordView:
    cert = certificate_of(person)
    assert cert is not None  # a record is only written with its certificate
    return RecordView(
        rec.id,
        rec.community_id,
        rec.grid_id,
        mask_name(person.name),
        mask_id_number(cert.number) or "",
        cert.category,
        cert.grade,
        rec.valid_until,
        rec.valid_until < today,
        rec.version,
        rec.updated_at,
    )


def record_event(rec: DisabilityRecordRow, action: str, now: datetime) -> WelfareChangedV1:
    """A register step on ``gov.welfare.v1``: the record's id and place, never the person."""
    status = "expired" if rec.valid_until < now.astimezone(CHINA).date() else "valid"
    return WelfareChangedV1(
        beneficiary_id=str(rec.id),
        programme=PROGRAMME,
        community_id=rec.community_id,
        grid_id=rec.grid_id,
        action=action,
        status=status,
        occurred_at=now,
    )


def desk(who: Caller, community_id: str) -> None:
    p = who.principal
    if not (p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)):
        raise Problem(
            403,
            "auth.out_of_scope",
            "The disability register of this community is not yours",
            zh="你无权管理此社区的残疾人登记",
        )


def not_found() -> Problem:
    return Problem(404, "disability.not_found", "No such registration", zh="没有这条残疾人证登记")


async def person_by_id_number(
    uow: UnitOfWork, community_id: str, id_number: str
) -> WelfarePersonRow | None:
    idx = get_cipher().blind_index(id_number, "id_number")
    found: WelfarePersonRow | None = await uow.session.scalar(
        select(WelfarePersonRow).where(
            WelfarePersonRow.community_id == community_id, WelfarePersonRow.id_number_idx == idx
        )
    )
    return found


async def registered(
    uow: UnitOfWork, community_id: str, id_number: str
) -> tuple[DisabilityRecordRow, WelfarePersonRow] | None:
    """The register's entry of the holder of this ID number in this community, if any."""
    person = await person_by_id_number(uow, community_id, id_number)
    if person is None:
        return None
    rec = await uow.session.scalar(
        select(DisabilityRecordRow).where(DisabilityRecordRow.person_id == person.id)
    )
    return (rec, person) if rec is not None else None


async def check_registered_card(
    uow: UnitOfWork, community_id: str, item: ServiceItem, data: dict[str, Any], today: date
) -> None:
    """An application's 残疾人证 number (``x-kind: disability_card``) against the register:
    when its holder is registered, the number must be the registered one and still valid
    (422 in words otherwise). An unregistered holder is judged on the form, as before."""
    for name, node in item.form.get("properties", {}).items():
        value = data.get(name)
        if not (isinstance(node, dict) and node.get("x-kind") == "disability_card"):
            continue
        if not isinstance(value, str):
            continue
        try:
            card = parse_disability_card(value)
        except WelfareError:
            continue  # the form check reports it
        found = await registered(uow, community_id, card.id_number)
        if found is None:
            continue
        rec, person = found
        cert = certificate_of(person)
        if cert is None:
            continue
        try:
            d.check_card(cert.number, rec.valid_until, value, today)
        except d.DisabilityError as exc:
            raise refused(exc) from None

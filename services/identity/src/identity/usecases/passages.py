"""Passage records: stored from device-ingestion's events (the consumer 'passages'),
searched to trace a person backwards (6.1.2 d): police and community admins only, within
their communities; every search is audited, refused ones too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.access import Passage
from identity.db.register import Person
from identity.roles import PASSAGE_READERS
from identity.scope import load_scope
from sc_contracts.events import PassageRecordedV1
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.privacy import get_cipher


def _uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class PassageQuery:
    """Whom or when to trace: a person (ID number, phone, face id) or a time window."""

    id_number: str | None = None
    phone: str | None = None
    face_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    community_id: uuid.UUID | None = None
    door_id: str | None = None

    def audit_detail(self) -> dict[str, str]:
        by = [n for n in ("id_number", "phone", "face_id") if getattr(self, n)]
        since = self.since.isoformat() if self.since else ""
        until = self.until.isoformat() if self.until else ""
        return {"by": ",".join(by) or "time_window", "window": f"{since}..{until}"}


class Passages:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, uow: UnitOfWork, data: PassageRecordedV1) -> None:
        """A passage device-ingestion recorded: one row per passage_id (the consumer's
        unit of work commits it with its inbox row)."""
        await record(uow, data)

    async def search(
        self, who: Caller, wanted: PassageQuery, paging: PageParams
    ) -> tuple[list[Passage], int]:
        """The passages in the caller's communities matching ``wanted``, newest first."""
        audit = wanted.audit_detail()
        if not who.principal.has_role(*PASSAGE_READERS):
            async with self.db.uow(read_only=True) as uow:
                await uow.audit(who, "passage.search", "passage", outcome="denied", detail=audit)
                await uow.commit()
            raise Forbidden(
                "auth.forbidden",
                "Only police and community admins trace passages",
                zh="只有社区民警和社区管理员可以查询通行记录",
            )
        if audit["by"] == "time_window" and not (wanted.since and wanted.until):
            raise Problem(
                422,
                "passage.query_too_broad",
                "Give an ID number, phone, face id or from+to",
                zh="请提供证件号码、手机号、人脸信息或起止时间",
            )
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PASSAGE_READERS)
            query = select(Passage).where(scope.clause(community_col=Passage.community_id))
            person = await person_filter(
                uow.session, id_number=wanted.id_number, phone=wanted.phone, face_id=wanted.face_id
            )
            filters = [] if person is None else [person]
            if wanted.since is not None:
                filters.append(Passage.occurred_at >= wanted.since)
            if wanted.until is not None:
                filters.append(Passage.occurred_at < wanted.until)
            if wanted.community_id is not None:
                filters.append(Passage.community_id == str(wanted.community_id))
            if wanted.door_id is not None:
                filters.append(Passage.door_id == wanted.door_id)
            query = query.where(*filters).order_by(Passage.occurred_at.desc())
            rows, total = await fetch_page(uow.session, query, paging)
            await uow.audit(
                who, "passage.search", "passage", detail={**audit, "results": str(total)}
            )
            await uow.commit()
            return list(rows), total


async def record(uow: UnitOfWork, data: PassageRecordedV1) -> None:
    cipher = get_cipher()
    face_idx = cipher.blind_index(data.face_id, "face_id") if data.face_id else None
    person_id = _uuid(data.person_id)
    if person_id is None and face_idx is not None:
        person_id = await uow.session.scalar(
            select(Person.id).where(Person.face_id_idx == face_idx).limit(1)
        )
    values = {
        "id": data.passage_id,
        "device_id": data.device_id,
        "door_id": data.door_id,
        "community_id": data.community_id,
        "person_id": person_id,
        "face_id": data.face_id,
        "face_id_idx": face_idx,
        "card_no": data.card_no,
        "card_idx": cipher.blind_index(data.card_no, "card") if data.card_no else None,
        "plate": data.plate,
        "pass_id": data.pass_id,
        "direction": data.direction.value,
        "method": data.method.value,
        "granted": data.granted,
        "occurred_at": data.ts,
        "recorded_at": datetime.now(UTC),
    }
    # The columns' types still apply: face_id and card_no are encrypted on the way in.
    await uow.session.execute(
        insert(Passage).values(**values).on_conflict_do_nothing(index_elements=["id"])
    )


async def person_filter(
    session: AsyncSession, *, id_number: str | None, phone: str | None, face_id: str | None
) -> ColumnElement[bool] | None:
    """Passages of the person found by ID number, phone or face id (None: no such filter)."""
    if not (id_number or phone or face_id):
        return None
    cipher = get_cipher()
    wanted = []
    if id_number:
        wanted.append(Person.id_number_idx == cipher.blind_index(id_number, "id_number"))
    if phone:
        wanted.append(Person.phone_idx == cipher.blind_index(phone, "mobile"))
    face_idxs: set[str] = set()
    if face_id:
        face_idx = cipher.blind_index(face_id, "face_id")
        face_idxs.add(face_idx)
        wanted.append(Person.face_id_idx == face_idx)
    rows = (await session.execute(select(Person.id, Person.face_id_idx).where(or_(*wanted)))).all()
    person_ids = [r[0] for r in rows]
    face_idxs |= {r[1] for r in rows if r[1]}
    parts: list[ColumnElement[bool]] = []
    if person_ids:
        parts.append(Passage.person_id.in_(person_ids))
    if face_idxs:
        parts.append(Passage.face_id_idx.in_(sorted(face_idxs)))
    return or_(*parts) if parts else Passage.id.is_(None)

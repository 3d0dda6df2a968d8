"""Passage records: stored from device-ingestion's events, searched to trace a person."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.access import Passage
from identity.db.register import Person
from sc_contracts.events import PassageRecordedV1
from sc_core.bus import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import get_cipher


def _uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


async def record(event: CloudEvent, uow: UnitOfWork | None) -> None:
    """Consumer of ``community.access.passage_recorded.v1``: one row per passage_id."""
    assert uow is not None
    data = PassageRecordedV1.model_validate(event.data)
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

"""Medicine home delivery (送药上门): a person's current medication list, delivery requests
from it, handled by the health station's staff as a case."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from care.api.deps import MedicineDep
from care.db.models import MedicationRow, MedicineRequestRow
from care.usecases.medicine import MedicationItem
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/care", tags=["medicine delivery"])

PersonId = Annotated[str, Path(min_length=1, max_length=64)]

STATUS_WORDS = {
    "requested": ("已申请", "requested"),
    "accepted": ("已受理", "accepted"),
    "out_for_delivery": ("配送中", "out for delivery"),
    "delivered": ("已送达", "delivered"),
    "cancelled": ("已取消", "cancelled"),
}


class MedicationIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, examples=["苯磺酸氨氯地平片"])
    dosage: str | None = Field(default=None, max_length=64, examples=["每日一次，每次5mg"])


class MedicationsSet(BaseModel):
    medications: list[MedicationIn] = Field(max_length=50)


class MedicationRead(BaseModel):
    name: str
    dosage: str | None


class DeliveryCreate(BaseModel):
    medicines: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=20
    )
    address: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=200)


class DeliveryRead(BaseModel):
    id: str
    person_id: str
    community_id: str
    medicines: list[str]
    address: str
    note: str | None
    status: str
    status_zh: str
    status_en: str
    requested_by: str
    handled_by: str | None
    created_at: datetime
    updated_at: datetime


@router.put("/people/{person_id}/medications", response_model=list[MedicationRead])
async def set_medications(
    person_id: PersonId, body: MedicationsSet, who: CurrentCaller, medicine: MedicineDep
) -> list[MedicationRead]:
    """A doctor sets the person's current medication list (consent on clinical)."""
    items = [MedicationItem(m.name, m.dosage) for m in body.medications]
    return [_med(r) for r in await medicine.set_list(who, person_id, items)]


@router.get("/people/{person_id}/medications", response_model=list[MedicationRead])
async def medications(
    person_id: PersonId, who: CurrentCaller, medicine: MedicineDep
) -> list[MedicationRead]:
    return [_med(r) for r in await medicine.list_of(who, person_id)]


@router.post("/people/{person_id}/medicine-requests", status_code=201, response_model=DeliveryRead)
async def request_delivery(
    person_id: PersonId, body: DeliveryCreate, who: CurrentCaller, medicine: MedicineDep
) -> DeliveryRead:
    """Delivery of medicines from the current list (anything else: ask the doctor)."""
    row = await medicine.request(who, person_id, body.medicines, body.address, body.note)
    return _read(row)


@router.get("/medicine-requests", response_model=Page[DeliveryRead])
async def deliveries(
    who: CurrentCaller,
    medicine: MedicineDep,
    paging: Paging,
    status: Annotated[
        Literal["requested", "accepted", "out_for_delivery", "delivered", "cancelled"] | None,
        Query(),
    ] = None,
) -> Page[DeliveryRead]:
    """Staff: their communities' requests; residents: their own and their family's."""
    rows, total = await medicine.requests(who, status, paging)
    return Page[DeliveryRead].of([_read(r) for r in rows], total, paging)


@router.post("/medicine-requests/{request_id}/{action}", response_model=DeliveryRead)
async def move(
    request_id: uuid.UUID,
    action: Literal["accept", "dispatch", "deliver", "cancel"],
    who: CurrentCaller,
    medicine: MedicineDep,
) -> DeliveryRead:
    return _read(await medicine.move(who, request_id, action))


def _med(r: MedicationRow) -> MedicationRead:
    return MedicationRead(name=r.name, dosage=r.dosage)


def _read(r: MedicineRequestRow) -> DeliveryRead:
    zh, en = STATUS_WORDS.get(r.status, (r.status, r.status))
    return DeliveryRead(
        id=str(r.id), person_id=r.person_id, community_id=r.community_id,
        medicines=json.loads(r.medicines), address=r.address, note=r.note, status=r.status,
        status_zh=zh, status_en=en, requested_by=r.requested_by, handled_by=r.handled_by,
        created_at=r.created_at, updated_at=r.updated_at,
    )  # fmt: skip

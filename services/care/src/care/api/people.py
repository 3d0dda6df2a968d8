"""Care records (健康档案): open, read through consent, export as FHIR, consent grants,
devices, a doctor's ranges."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path

from care.api.deps import RecordKeeper, RecordsDep
from care.api.emergency import MAX_HEADER, decode_reason
from care.api.schemas import (
    DeviceBind,
    GrantCreate,
    GrantRead,
    RecordCreate,
    RecordRead,
    ThresholdRead,
    ThresholdSet,
)
from care.domain.views import view
from care.usecases import NewRecord
from sc_core.auth import CurrentCaller

PersonId = Annotated[str, Path(min_length=1, max_length=64)]
GrantId = Annotated[str, Path(min_length=1, max_length=200)]

router = APIRouter(prefix="/api/v1/care/people", tags=["care records"])


@router.post("", status_code=201, response_model=RecordRead)
async def open_record(body: RecordCreate, who: RecordKeeper, records: RecordsDep) -> RecordRead:
    row = await records.open(who, NewRecord(**body.model_dump()))
    return RecordRead(
        id=row.id, community_id=row.community_id, access="keeper",
        sections={"profile": _profile(row.name, row.birth_date, row.gender, row.address)},
    )  # fmt: skip


@router.get("/{person_id}", response_model=RecordRead)
async def read_record(
    person_id: PersonId,
    who: CurrentCaller,
    records: RecordsDep,
    x_emergency_reason: str | None = Header(
        default=None,
        max_length=MAX_HEADER,
        description="a doctor's emergency read: the reason, percent-encoded UTF-8 "
        "(encodeURIComponent, or RFC 8187 UTF-8''...) or plain ASCII; at most 200 characters",
    ),
) -> RecordRead:
    """What the caller's consent covers; a doctor stating an emergency
    (``X-Emergency-Reason``) reads it all, and the reason is audited."""
    reason = decode_reason(x_emergency_reason)
    record, decision = await records.read(who, person_id, reason)
    r = record.row
    shown = view({"profile": _profile(r.name, r.birth_date, r.gender, r.address)}, decision)
    return RecordRead(
        id=r.id, community_id=r.community_id, access=decision.basis.value, sections=shown
    )


@router.get("/{person_id}/fhir")
async def export(person_id: PersonId, who: CurrentCaller, records: RecordsDep) -> dict[str, Any]:
    """The record as a FHIR R5 Bundle (``collection``), validated before it leaves."""
    return await records.export(who, person_id)


@router.post("/{person_id}/grants", status_code=201, response_model=GrantRead)
async def grant(
    person_id: PersonId, body: GrantCreate, who: CurrentCaller, records: RecordsDep
) -> GrantRead:
    g = await records.grant(
        who, person_id, grantee=body.grantee, relation=body.relation.value,
        categories=[c.value for c in body.categories], valid_until=body.valid_until,
        notify=body.notify,
    )  # fmt: skip
    return GrantRead(
        id=g.id, grantee=g.grantee, relation=g.relation, categories=sorted(g.categories),
        valid_from=g.valid_from, valid_until=g.valid_until, notify=g.notify,
    )  # fmt: skip


@router.delete("/{person_id}/grants/{grant_id}", status_code=204)
async def revoke(
    person_id: PersonId, grant_id: GrantId, who: CurrentCaller, records: RecordsDep
) -> None:
    await records.revoke(who, person_id, grant_id)


@router.post("/{person_id}/devices", status_code=204)
async def bind_device(
    person_id: PersonId, body: DeviceBind, who: CurrentCaller, records: RecordsDep
) -> None:
    await records.bind_device(who, person_id, body.device_id)


@router.put("/{person_id}/thresholds", response_model=ThresholdRead)
async def set_threshold(
    person_id: PersonId, body: ThresholdSet, who: CurrentCaller, records: RecordsDep
) -> ThresholdRead:
    ranges = {name: (pair[0], pair[1]) for name, pair in body.ranges.items()}
    t = await records.set_threshold(who, person_id, body.kind.value, ranges)
    return ThresholdRead(kind=body.kind, range=t.describe(), set_by=t.set_by)


def _profile(name: str, birth: str, gender: str, address: str | None) -> dict[str, Any]:
    b = date.fromisoformat(birth)
    return {"name": name, "birth_date": b.isoformat(), "gender": gender, "address": address}

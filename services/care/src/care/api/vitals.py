"""Vital signs of a person: recorded by hand, read back (paged) through consent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from care.api.deps import VitalsDep
from care.api.schemas import VitalCreate, VitalRead
from care.db.models import VitalRow
from care.domain.vitals import SPECS, VitalKind
from care.usecases.common import loads
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

PersonId = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(prefix="/api/v1/care/people/{person_id}/vitals", tags=["vitals"])


@router.post("", status_code=201, response_model=VitalRead)
async def record(
    person_id: PersonId, body: VitalCreate, who: CurrentCaller, vitals: VitalsDep
) -> VitalRead:
    row = await vitals.record(
        who, person_id, body.kind.value, body.values, body.measured_at, body.unit
    )
    return _read(row)


@router.get("", response_model=Page[VitalRead])
async def history(
    person_id: PersonId,
    who: CurrentCaller,
    vitals: VitalsDep,
    paging: Paging,
    kind: VitalKind | None = Query(default=None),
) -> Page[VitalRead]:
    rows, total = await vitals.history(
        who, person_id, kind.value if kind else None, paging.limit, paging.offset
    )
    return Page[VitalRead].of([_read(r) for r in rows], total, paging)


def _read(r: VitalRow) -> VitalRead:
    kind = VitalKind(r.kind)
    return VitalRead(
        id=str(r.id), kind=kind, values=loads(r.values), unit=SPECS[kind].unit,
        measured_at=r.measured_at, source=r.source, device_id=r.device_id,
    )  # fmt: skip

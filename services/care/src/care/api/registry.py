"""A community's health records for its doctors and community admins (scoped, masked,
audited), and a person's reference ranges (through consent on vitals)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from care.api.deps import RecordKeeper, RegistryDep
from care.domain.consent import Category
from care.domain.thresholds import Range, Threshold
from care.domain.vitals import SPECS, VitalKind
from care.usecases.registry import Listed
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging
from sc_core.privacy.masking import mask_address, mask_name

router = APIRouter(prefix="/api/v1/care/people", tags=["care records"])


class RecordListed(BaseModel):
    """One record in a community's list: the profile in full only where the caller's
    consent covers it (``masked`` false), else the name and address masked and the birth
    date left out; nothing clinical is listed."""

    id: str
    community_id: str
    building_id: str | None
    name: str
    age: int
    gender: str
    birth_date: date | None
    address: str | None
    masked: bool
    shared: list[Category] = Field(description="what the caller's consent covers")


class ComponentRange(BaseModel):
    key: str
    name_zh: str
    name_en: str
    low: float | None
    high: float | None


class ReferenceRange(BaseModel):
    kind: VitalKind
    origin: str = Field(description="doctor (set for this person) or default (by age)")
    set_by: str | None
    unit: str
    range: str = Field(description="as people read it: 90–150/60–90, ≥93")
    components: list[ComponentRange]


@router.get("", response_model=Page[RecordListed])
async def community_records(
    who: RecordKeeper,
    registry: RegistryDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    building_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> Page[RecordListed]:
    """The community's records, newest first (doctors and community admins of the
    community); every page read is audited."""
    listed, total = await registry.community(who, community_id, building_id, paging)
    return Page[RecordListed].of([_listed(x) for x in listed], total, paging)


@router.get("/{person_id}/ranges", response_model=list[ReferenceRange])
async def reference_ranges(
    person_id: Annotated[str, Path(max_length=64)], who: CurrentCaller, registry: RegistryDep
) -> list[ReferenceRange]:
    """The person's reference range per vital kind: the doctor's where set, else the
    default for the age; consent on vitals, audited."""
    return [_range(t) for t in await registry.ranges(who, person_id)]


def _listed(x: Listed) -> RecordListed:
    r, full = x.row, Category.PROFILE in x.shared
    return RecordListed(
        id=r.id, community_id=r.community_id, building_id=r.building_id,
        name=r.name if full else (mask_name(r.name) or "*"), age=x.age, gender=r.gender,
        birth_date=date.fromisoformat(r.birth_date) if full else None,
        address=r.address if full else mask_address(r.address), masked=not full,
        shared=sorted(x.shared),
    )  # fmt: skip


def _range(t: Threshold) -> ReferenceRange:
    spec = SPECS[t.kind]
    return ReferenceRange(
        kind=t.kind, origin=t.origin.value, set_by=t.set_by, unit=spec.unit,
        range=t.describe(),
        components=[
            ComponentRange(key=c.key, name_zh=c.name_zh, name_en=c.name_en,
                           low=t.ranges.get(c.key, Range()).low,
                           high=t.ranges.get(c.key, Range()).high)
            for c in spec.components
        ],
    )  # fmt: skip

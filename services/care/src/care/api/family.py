"""The family's view of a person's care (家人关怀, the residents' app): whose care data the
caller may read by consent, each one's latest vital signs against their ranges in words,
and their breach episodes (阈值告警) in words."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from care.api.deps import FamilyDep
from care.domain.consent import Category
from care.domain.vitals import SPECS, VitalKind
from care.usecases.common import loads
from care.usecases.family import Breach, Latest, Member
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging
from sc_core.privacy.masking import mask_name

router = APIRouter(prefix="/api/v1/care", tags=["family care"])

PersonId = Annotated[str, Path(min_length=1, max_length=64)]


class FamilyMember(BaseModel):
    """A person whose care data the caller may read: the name in full where the consent
    covers the profile, else masked; what the consent covers and on which basis."""

    id: str
    name: str
    age: int
    gender: str
    masked: bool
    basis: str = Field(description="self, guardian or grant")
    relation: str | None = Field(description="the grant's relation: family, doctor ...")
    shared: list[Category] = Field(description="what the caller's consent covers")
    until: datetime | None = Field(description="when the consent ends (none: open-ended)")


class LatestVital(BaseModel):
    id: str
    kind: VitalKind
    values: dict[str, float]
    unit: str
    measured_at: datetime
    source: str
    range: str | None = Field(description="the person's range as people read it; none: no range")
    status: str = Field(description="in_range, high, low or no_range")
    words_zh: str = Field(description="血压 152/94 mmHg，高于正常范围 90–140/60–90")
    words_en: str


class BreachRead(BaseModel):
    id: str
    kind: VitalKind
    direction: str = Field(description="high or low")
    worst_values: dict[str, float]
    unit: str
    range: str
    readings: int = Field(description="how many readings were outside during the episode")
    opened_at: datetime
    last_breach_at: datetime
    closed_at: datetime | None = Field(description="none: still outside the range")
    source: str = Field(description="manual or device")
    words_zh: str = Field(description="血压偏高：152/94 mmHg（正常范围 90–140/60–90 mmHg）")
    words_en: str


@router.get("/family", response_model=Page[FamilyMember])
async def family(who: CurrentCaller, fam: FamilyDep, paging: Paging) -> Page[FamilyMember]:
    """The people whose care data the caller may read now (self, wards, grants), by name;
    the page read is audited."""
    members, total = await fam.people(who, paging)
    return Page[FamilyMember].of([_member(m) for m in members], total, paging)


@router.get("/people/{person_id}/vitals/latest", response_model=list[LatestVital])
async def latest(person_id: PersonId, who: CurrentCaller, fam: FamilyDep) -> list[LatestVital]:
    """The latest reading of each kind against the person's range, in words (consent on
    vitals, audited); one per kind, so at most six."""
    return [_latest(x) for x in await fam.latest(who, person_id)]


@router.get("/people/{person_id}/breaches", response_model=Page[BreachRead])
async def breaches(
    person_id: PersonId, who: CurrentCaller, fam: FamilyDep, paging: Paging
) -> Page[BreachRead]:
    """Breach episodes (a reading outside the range opens one), newest first, in words
    (consent on vitals, audited)."""
    found, total = await fam.breaches(who, person_id, paging)
    return Page[BreachRead].of([_breach(b) for b in found], total, paging)


def _member(m: Member) -> FamilyMember:
    r, full = m.row, Category.PROFILE in m.decision.categories
    return FamilyMember(
        id=r.id, name=r.name if full else (mask_name(r.name) or "*"), age=m.age,
        gender=r.gender, masked=not full, basis=m.decision.basis.value, relation=m.relation,
        shared=sorted(m.decision.categories), until=m.decision.until,
    )  # fmt: skip


def _latest(x: Latest) -> LatestVital:
    r, kind = x.row, VitalKind(x.row.kind)
    return LatestVital(
        id=str(r.id), kind=kind, values=loads(r.values), unit=SPECS[kind].unit,
        measured_at=r.measured_at, source=r.source, range=x.range_text, status=x.words.status,
        words_zh=x.words.zh, words_en=x.words.en,
    )  # fmt: skip


def _breach(b: Breach) -> BreachRead:
    r, kind = b.row, VitalKind(b.row.kind)
    return BreachRead(
        id=str(r.id), kind=kind, direction=r.direction, worst_values=loads(r.worst_values),
        unit=SPECS[kind].unit, range=r.range_text, readings=r.readings, opened_at=r.opened_at,
        last_breach_at=r.last_breach_at, closed_at=r.closed_at, source=r.source,
        words_zh=b.words.zh, words_en=b.words.en,
    )  # fmt: skip

"""The family's view (家人关怀, the residents' app): the people whose care data the caller
may read by consent (themselves, their wards, those who granted them a part), each one's
latest reading per kind against its range, and their breach episodes. Every read goes
through consent and is audited; a refused one looks like a missing record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from care.db.models import CarePerson, EpisodeRow, VitalRow
from care.domain import consent as c
from care.domain.family import Words, breach_words, reading_words
from care.domain.thresholds import Direction, threshold_for
from care.domain.vitals import VitalKind, VitalReading
from care.usecases.common import authorise, load, loads, not_found, now_utc, subject_of
from care.usecases.people import MAX_PEOPLE, reachable
from care.usecases.records import doctor_thresholds
from care.usecases.registry import consent_grants
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.paging import PageParams, PageTotal, fetch_page


@dataclass(frozen=True)
class Member:
    row: CarePerson
    age: int
    decision: c.Decision  # the basis and what it covers
    relation: str | None  # the grant's relation (family, doctor ...), None for self/guardian


@dataclass(frozen=True)
class Latest:
    row: VitalRow
    range_text: str | None
    words: Words


@dataclass(frozen=True)
class Breach:
    row: EpisodeRow
    words: Words


# the people a family page considers, built once (run with {"account": ...})
MEMBERS = (
    select(CarePerson)
    .where(CarePerson.id.in_(reachable()))
    .order_by(CarePerson.name, CarePerson.id)
    .limit(MAX_PEOPLE)
)


class Family:
    def __init__(self, db: Database, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.clock = clock

    async def people(self, who: Caller, params: PageParams) -> tuple[list[Member], PageTotal]:
        """The people whose care data ``who`` may read now, by name; at most
        :data:`MAX_PEOPLE` are considered (consent decides each)."""
        me, now = who.subject, self.clock()
        # a read and its audit record: autocommit, no BEGIN/COMMIT round trips (ADR 0065)
        async with self.db.uow(read_only=True) as uow:
            rows = list(await uow.session.scalars(MEMBERS, {"account": me}))
            grants = await consent_grants(uow, [r.id for r in rows])
            members = []
            for r in rows:
                subject = subject_of(r)
                seen = c.visible_categories(subject, grants.get(r.id, []), me, now)
                if not seen.allowed:
                    continue
                relation = next(
                    (g.relation.value for g in grants.get(r.id, []) if g.id == seen.grant_id),
                    None,
                )
                members.append(Member(r, subject.age_on(now.date()), seen, relation))
            page = members[params.offset : params.offset + params.limit]
            await uow.audit(
                who, "care.family.list", "care_person", None,
                detail={"count": str(len(page)), "offset": str(params.offset)},
            )  # fmt: skip
            await uow.commit()
        return page, PageTotal(len(members))

    async def latest(self, who: Caller, person_id: str) -> list[Latest]:
        """The latest reading of each kind, with the person's range in words (consent on
        vitals, audited)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VITALS, action="care.vitals.latest")
            newest = (
                select(VitalRow.kind, func.max(VitalRow.measured_at).label("at"))
                .where(VitalRow.person_id == person_id)
                .group_by(VitalRow.kind)
                .subquery()
            )
            rows = (
                await uow.session.execute(
                    select(VitalRow)
                    .join(
                        newest,
                        (VitalRow.kind == newest.c.kind) & (VitalRow.measured_at == newest.c.at),
                    )
                    .where(VitalRow.person_id == person_id)
                )
            ).scalars()
            doctor = {t.kind: t for t in await doctor_thresholds(uow, person_id)}
            await uow.commit()
        age = record.subject.age_on(self.clock().date())
        out: dict[VitalKind, Latest] = {}
        for row in rows:
            kind = VitalKind(row.kind)
            if kind in out:  # two readings at the same instant: one is enough
                continue
            t = threshold_for(kind, age, doctor)
            reading = VitalReading(person_id, kind, loads(row.values), row.measured_at)
            out[kind] = Latest(row, t.describe() if t else None, reading_words(reading, t))
        return [out[k] for k in VitalKind if k in out]

    async def breaches(
        self, who: Caller, person_id: str, params: PageParams
    ) -> tuple[list[Breach], PageTotal]:
        """Breach episodes, newest first, in words (consent on vitals, audited)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VITALS, action="care.breach.list")
            query = (
                select(EpisodeRow)
                .where(EpisodeRow.person_id == person_id)
                .order_by(EpisodeRow.opened_at.desc(), EpisodeRow.id)
            )
            rows, total = await fetch_page(uow.session, query, params)
            await uow.commit()
        out = [
            Breach(r, breach_words(VitalKind(r.kind), Direction(r.direction),
                                   loads(r.worst_values), r.range_text))
            for r in rows
        ]  # fmt: skip
        return out, total

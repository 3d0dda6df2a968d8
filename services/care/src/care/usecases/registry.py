"""A community's health records for the staff who keep them (doctors, community admins of
the community), and a person's reference ranges.

The list is scoped (the caller's communities only), masked (a name, a birth date, an
address the caller's consent does not cover are masked; nothing clinical is listed) and
audited (one record per page read). The ranges are the doctor's for this person where set,
else the defaults for the age, read through consent on vitals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from care.db.models import CarePerson, ConsentGrant
from care.domain import consent as c
from care.domain.thresholds import Threshold, default_thresholds
from care.domain.vitals import VitalKind
from care.usecases.common import authorise, grant_of, load, not_found, now_utc, subject_of
from care.usecases.records import doctor_thresholds
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden
from sc_core.paging import PageParams, PageTotal, fetch_page

KEEPERS = ("doctor", "community_admin")


@dataclass(frozen=True)
class Listed:
    row: CarePerson
    age: int
    shared: frozenset[c.Category]  # what the caller's consent covers (empty: masked)


class Registry:
    def __init__(self, db: Database, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.clock = clock

    async def community(
        self, who: Caller, community_id: str, building_id: str | None, params: PageParams
    ) -> tuple[list[Listed], PageTotal]:
        if not in_scope(who.principal, community_id=community_id, roles=KEEPERS):
            raise Forbidden(
                "auth.out_of_scope",
                "Only the community's doctors and community admins list its records",
                zh="只有本社区的医生和社区管理员可以查看健康档案列表",
            )
        query = select(CarePerson).where(CarePerson.community_id == community_id)
        if building_id is not None:
            query = query.where(CarePerson.building_id == building_id)
        query = query.order_by(CarePerson.created_at.desc(), CarePerson.id)
        now = self.clock()
        async with self.db.uow() as uow:
            rows, total = await fetch_page(uow.session, query, params)
            grants = await consent_grants(uow, [r.id for r in rows])
            listed = []
            for r in rows:
                subject = subject_of(r)
                seen = c.visible_categories(subject, grants.get(r.id, []), who.subject, now)
                shared = frozenset(seen.categories) if seen.allowed else frozenset()
                listed.append(Listed(r, subject.age_on(now.date()), shared))
            await uow.audit(
                who, "care.record.list", "care_person", None, community_id=community_id,
                detail={"count": str(len(listed)), "offset": str(params.offset),
                        "unmasked": str(sum(1 for x in listed if x.shared))},
            )  # fmt: skip
            await uow.commit()
            return listed, total

    async def ranges(self, who: Caller, person_id: str) -> list[Threshold]:
        """Every kind's range for this person: the doctor's where set, else the default for
        the age (weight has none by default)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VITALS, action="care.ranges.read")
            doctor = {t.kind: t for t in await doctor_thresholds(uow, person_id)}
            await uow.commit()
        defaults = default_thresholds(record.subject.age_on(self.clock().date()))
        merged = {**defaults, **doctor}
        return [merged[k] for k in VitalKind if k in merged]


async def consent_grants(uow: UnitOfWork, person_ids: Sequence[str]) -> dict[str, list[c.Grant]]:
    found: dict[str, list[c.Grant]] = {}
    if not person_ids:
        return found
    rows = await uow.session.execute(
        select(ConsentGrant).where(ConsentGrant.person_id.in_(list(person_ids)))
    )
    for g in rows.scalars():
        found.setdefault(g.person_id, []).append(grant_of(g))
    return found

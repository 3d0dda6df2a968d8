"""The KPI ledger in the database (the reference is ``domain.kpis.ledger.KpiLedger``).

In the consumer's transaction: the fact is inserted once per event id (a redelivered event
finds its row and changes nothing), the aggregate's row is locked, its contributions are
derived again from all its facts, and the buckets move by the difference. Figures are
therefore exact under redelivery and whatever order the events arrive in.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from evaluation.db.models import PLACES, KpiAggregate, KpiBucket, KpiFact, utcnow
from evaluation.domain.kpis import (
    ActivitySnapshot,
    AlarmSnapshot,
    CareBreach,
    CheckOnVisit,
    Contribution,
    Delivery,
    DeliveryRead,
    Fact,
    HallStep,
    LegalStep,
    PartyMeeting,
    PartyOpinionStep,
    PaymentOutcome,
    Stat,
    TrainingStep,
    WanderingMove,
    WelfareStep,
    WorkOrderBreach,
    WorkOrderRating,
    WorkOrderStep,
    derive,
)
from evaluation.domain.kpis.ledger import bucket_keys
from sc_core.db.uow import UnitOfWork

KINDS: dict[str, type[Fact]] = {
    cls.__name__: cls
    for cls in (
        WorkOrderStep,
        WorkOrderRating,
        WorkOrderBreach,
        AlarmSnapshot,
        Delivery,
        DeliveryRead,
        HallStep,
        ActivitySnapshot,
        PaymentOutcome,
        CareBreach,
        WanderingMove,
        CheckOnVisit,
        WelfareStep,
        TrainingStep,
        LegalStep,
        PartyOpinionStep,
        PartyMeeting,
    )
}
_TIMES = (
    "at",
    "due_at",
    "first_at",
    "acknowledged_at",
    "cleared_at",
    "starts_at",
    "given_at",
    "answered_at",
)


def fact_to_json(fact: Fact) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in dataclasses.asdict(fact).items()
    }


def fact_from_json(kind: str, data: Mapping[str, Any]) -> Fact:
    values = {
        k: (datetime.fromisoformat(v) if k in _TIMES and isinstance(v, str) else v)
        for k, v in data.items()
    }
    return KINDS[kind](**values)


def contribution_to_json(c: Contribution) -> dict[str, Any]:
    out = dataclasses.asdict(c)
    out["at"] = c.at.isoformat()
    out["event_ids"] = list(c.event_ids)
    return out


def contribution_from_json(data: Mapping[str, Any]) -> Contribution:
    values = dict(data)
    values["at"] = datetime.fromisoformat(values["at"])
    values["event_ids"] = tuple(values["event_ids"])
    return Contribution(**values)


async def apply_fact(uow: UnitOfWork, fact: Fact) -> bool:
    """Take one fact in; False when its event id was seen before (nothing changes)."""
    s = uow.session
    inserted = await s.scalar(
        insert(KpiFact)
        .values(
            event_id=fact.event_id,
            aggregate=fact.aggregate,
            kind=type(fact).__name__,
            community_id=fact.community_id,
            at=fact.at,
            data=fact_to_json(fact),
        )
        .on_conflict_do_nothing(index_elements=[KpiFact.event_id])
        .returning(KpiFact.event_id)
    )
    if inserted is None:
        return False
    # one aggregate at a time: the row lock orders concurrent consumers of its events
    await s.execute(
        insert(KpiAggregate)
        .values(aggregate=fact.aggregate, contributions=[])
        .on_conflict_do_nothing(index_elements=[KpiAggregate.aggregate])
    )
    row = await s.scalar(
        select(KpiAggregate).where(KpiAggregate.aggregate == fact.aggregate).with_for_update()
    )
    assert row is not None
    facts = [
        fact_from_json(kind, data)
        for kind, data in (
            await s.execute(
                select(KpiFact.kind, KpiFact.data).where(KpiFact.aggregate == fact.aggregate)
            )
        ).all()
    ]
    old = [contribution_from_json(c) for c in row.contributions]
    new = derive(facts, await _grids(uow, facts))
    await _move(uow, old, new)
    row.contributions = [contribution_to_json(c) for c in new]
    row.updated_at = utcnow()
    return True


async def _grids(uow: UnitOfWork, facts: list[Fact]) -> dict[str, str]:
    buildings = {b for f in facts if (b := getattr(f, "building_id", None))}
    if not buildings:
        return {}
    g = PLACES.building_grids.c
    rows = await uow.session.execute(
        select(g.building_id, g.grid_id).where(g.building_id.in_(sorted(buildings)))
    )
    return {b: g for b, g in rows.all() if g}


async def _move(uow: UnitOfWork, old: list[Contribution], new: tuple[Contribution, ...]) -> None:
    moves: dict[Any, Stat] = defaultdict(Stat)
    community: dict[Any, str] = {}
    for sign, group in ((-1, old), (1, new)):
        for c in group:
            stat = Stat(c.num, c.den, 1)
            for key in bucket_keys(c):
                moves[key] = moves[key] + (stat if sign > 0 else -stat)
                community[key] = c.community_id
    for key in sorted(k for k, v in moves.items() if not v.is_zero()):
        m = moves[key]
        stmt = insert(KpiBucket).values(
            kpi=key.kpi,
            scope=key.scope,
            scope_id=key.scope_id,
            service=key.service,
            period=key.period.key,
            community_id=community[key],
            num=m.num,
            den=m.den,
            n=m.n,
            updated_at=utcnow(),
        )
        await uow.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["kpi", "scope", "scope_id", "service", "period"],
                set_={
                    "num": KpiBucket.num + stmt.excluded.num,
                    "den": KpiBucket.den + stmt.excluded.den,
                    "n": KpiBucket.n + stmt.excluded.n,
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        )

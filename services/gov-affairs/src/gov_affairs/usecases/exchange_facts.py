"""The facts the exchange datasets are counted from, kept from other services' events (ids
and codes only: identity's events carry no name, ID number or phone, work-orders' and
alarm's no text the datasets use): who lives in which household with which relation and
GB/T 2261.1 sex code (the place directory says where the household is), each case's type,
state and the day it opened, each alarm's type, severity and the day it was raised, and
each community's GB/T 2260 division code (from the placement of identity's events, when
it says it).

One consumer (``exchange``) reads identity.events.v1, workorder.events.v1 and
alarm.events.v1 from their start."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.exchange import (
    ExchangeAlarmRow,
    ExchangeCaseRow,
    ExchangeCommunityRow,
    ExchangeResidentRow,
)
from gov_affairs.db.models import PLACES
from gov_affairs.domain.exchange.agreements import Dataset
from gov_affairs.domain.exchange.periods import Period, local_day
from gov_affairs.domain.exchange.records import Counted, Household, Resident
from sc_contracts.events import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    AlarmStateV1,
    PersonRegisteredV1,
    Placement,
    ResidencyEndedV1,
    ResidencyStartedV1,
    WorkOrderChangedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime


# projecting ----------------------------------------------------------------------------
async def _resident(
    uow: UnitOfWork,
    person_id: str,
    household_id: str,
    relation: str | None,
    community: str,
    on: bool,
    sex_code: str | None = None,
) -> None:
    values: dict[str, object] = {
        "community_id": community,
        "active": on,
        "updated_at": datetime.now(UTC),
    }
    update = values if relation is None else {**values, "relation": relation}
    if sex_code is not None:  # older events and move-outs do not say: the code known stays
        values = {**values, "sex_code": sex_code}
        update = {**update, "sex_code": sex_code}
    await uow.session.execute(
        insert(ExchangeResidentRow)
        .values(
            person_id=person_id,
            household_id=household_id,
            relation=relation or "family",  # moved out before known: never counted
            **values,
        )
        .on_conflict_do_update(index_elements=["person_id", "household_id"], set_=update)
    )


async def _division(uow: UnitOfWork, place: Placement) -> None:
    """The community's GB/T 2260 code when the event says it (older events do not: the
    code known stays)."""
    if place.community_division_code is None:
        return
    values = {"division_code": place.community_division_code, "updated_at": datetime.now(UTC)}
    await uow.session.execute(
        insert(ExchangeCommunityRow)
        .values(community_id=place.community_id, **values)
        .on_conflict_do_update(index_elements=["community_id"], set_=values)
    )


async def on_moved_in(event: PersonRegisteredV1 | ResidencyStartedV1, uow: UnitOfWork) -> None:
    await _division(uow, event.placement)
    await _resident(
        uow,
        event.person_id,
        event.household_id,
        event.relation.value,
        event.placement.community_id,
        True,
        event.sex_code,
    )


async def on_moved_out(event: ResidencyEndedV1, uow: UnitOfWork) -> None:
    await _division(uow, event.placement)
    await _resident(
        uow, event.person_id, event.household_id, None, event.placement.community_id, False
    )


async def on_case(event: WorkOrderChangedV1, uow: UnitOfWork) -> None:
    now = datetime.now(UTC)
    values: dict[str, object] = {
        "community_id": event.community_id,
        "case_type": event.case_type,
        "status": event.status.value,
        "updated_at": now,
    }
    opened = {"opened_on": local_day(event.occurred_at)}
    # the day it opened: when created; a case first seen later is dated by that event
    update = {**values, **opened} if event.previous_status is None else values
    await uow.session.execute(
        insert(ExchangeCaseRow)
        .values(work_order_id=event.work_order_id, **values, **opened)
        .on_conflict_do_update(index_elements=["work_order_id"], set_=update)
    )


async def on_alarm(event: AlarmStateV1, uow: UnitOfWork) -> None:
    values: dict[str, object] = {
        "community_id": event.community_id,
        "alarm_type": event.alarm_type,
        "severity": event.severity.value,
        "raised_on": local_day(event.first_at),
        "updated_at": datetime.now(UTC),
    }
    await uow.session.execute(
        insert(ExchangeAlarmRow)
        .values(alarm_id=event.alarm_id, **values)
        .on_conflict_do_update(index_elements=["alarm_id"], set_=values)
    )


def subscribe_facts(runtime: Runtime) -> None:
    consumer = runtime.consumer(name="exchange")
    consumer.on(PersonRegisteredV1)(on_moved_in)
    consumer.on(ResidencyStartedV1)(on_moved_in)
    consumer.on(ResidencyEndedV1)(on_moved_out)
    consumer.on(WorkOrderChangedV1)(on_case)
    consumer.on(AlarmRaisedV1)(on_alarm)
    consumer.on(AlarmAcknowledgedV1)(on_alarm)
    consumer.on(AlarmClearedV1)(on_alarm)


# reading -------------------------------------------------------------------------------
async def divisions(uow: UnitOfWork, communities: Sequence[str]) -> dict[str, str]:
    """community id -> its GB/T 2260 division code, for those whose code is known."""
    c = ExchangeCommunityRow
    rows = await uow.session.execute(
        select(c.community_id, c.division_code).where(c.community_id.in_(list(communities)))
    )
    return {community: code for community, code in rows.all()}


async def households(uow: UnitOfWork, communities: Sequence[str]) -> list[Household]:
    h = PLACES.households.c
    rows = await uow.session.execute(
        select(h.household_id, h.community_id, h.building_id, h.room_id, h.status).where(
            h.community_id.in_(list(communities))
        )
    )
    return [Household(r[0], r[1], r[2], r[3], r[4] == "active") for r in rows.all()]


async def residents(uow: UnitOfWork, communities: Sequence[str]) -> list[Resident]:
    r = ExchangeResidentRow
    rows = await uow.session.execute(
        select(r.household_id, r.relation, r.sex_code).where(
            r.community_id.in_(list(communities)), r.active.is_(True)
        )
    )
    return [Resident(household, relation, sex or "0") for household, relation, sex in rows.all()]


async def counted(
    uow: UnitOfWork, dataset: Dataset, communities: Sequence[str], period: Period
) -> list[Counted]:
    if dataset == Dataset.CASES:
        c = ExchangeCaseRow
        query = select(c.community_id, c.opened_on, c.case_type, c.status).where(
            c.community_id.in_(list(communities)),
            c.opened_on >= period.first,
            c.opened_on <= period.last,
        )
    else:
        a = ExchangeAlarmRow
        query = select(a.community_id, a.raised_on, a.alarm_type, a.severity).where(
            a.community_id.in_(list(communities)),
            a.raised_on >= period.first,
            a.raised_on <= period.last,
        )
    rows = await uow.session.execute(query)
    return [Counted(community, day, kind, state) for community, day, kind, state in rows.all()]

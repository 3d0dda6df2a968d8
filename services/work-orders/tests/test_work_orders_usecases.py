"""The use cases called directly, as an event handler or a job calls them: no HTTP, no
broker (only PostgreSQL). What they publish is what their outbox holds, on the topics
this service names, typed by the contract models."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sc_contracts.events import AlarmClearedV1, AlarmRaisedV1, ServiceBookingRequestedV1
from sc_core.auth import Caller, Grant, Principal
from sc_core.bus.testing import feed_longest
from sc_core.db.migrate import upgrade
from sc_core.service import Runtime
from wo_helpers import make_settings
from work_orders.api.schemas.cases import WorkOrderCreate
from work_orders.main import MIGRATIONS, build
from work_orders.usecases import UseCases


@pytest.fixture(scope="module")
async def kit(module_database_url: str) -> AsyncIterator[tuple[Runtime, UseCases]]:
    settings = make_settings(module_database_url, "127.0.0.1:1", False, "http://127.0.0.1:1/jwks")
    await upgrade(MIGRATIONS, settings.database_url)
    runtime, usecases = build(settings)
    yield runtime, usecases
    await runtime.db.dispose()


def _alarm(community: str, alarm_id: str, model: type = AlarmRaisedV1, **extra: object):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    return model.model_validate(
        {
            "alarm_id": alarm_id,
            "alarm_type": "smoke",
            "severity": "critical",
            "status": "active_unack",
            "originator_type": "device",
            "originator_id": "smoke-7",
            "community_id": community,
            "count": 1,
            "first_at": now,
            "last_at": now,
            "actions": ["open_work_order"],
            **extra,
        }
    )


async def _outbox(runtime: Runtime, key: str) -> list[tuple[str, str, str]]:
    """(topic, type, source) of what the outbox holds for ``key``, in order."""
    outbox = runtime.db.tables.outbox
    async with runtime.db.uow() as uow:
        rows = await uow.session.execute(
            select(outbox.c.topic, outbox.c.headers)
            .where(outbox.c.key == key)
            .order_by(outbox.c.seq)
        )
        return [(r.topic, r.headers["ce_type"], r.headers["ce_source"]) for r in rows]


async def test_a_resident_opens_a_case_through_the_use_case(kit: tuple[Runtime, UseCases]) -> None:
    runtime, usecases = kit
    household = f"hh-{uuid.uuid4().hex[:6]}"
    resident = Caller(
        Principal(
            "res-1",
            "user",
            roles=frozenset({"resident"}),
            grants=(Grant("resident", "household", household),),
        ),
        address="198.51.100.7",
        request_id="req-1",
    )
    body = WorkOrderCreate(
        case_type="repair", title="漏水 Leak", community_id="c-uc", household_id=household
    )
    found = await usecases.cases.open(resident, body)
    assert found.case.status == "submitted" and found.case.source == "app"
    assert [e.action for e in found.timeline] == ["created"]
    settings = runtime.settings
    assert await _outbox(runtime, str(found.case.id)) == [
        (
            settings.topic("workorder.events.v1"),
            "community.workorder.changed.v1",
            "/services/work-orders",
        )
    ]
    audit = runtime.db.tables.outbox
    async with runtime.db.uow() as uow:
        payloads = await uow.session.scalars(
            select(audit.c.payload).where(audit.c.topic == settings.audit_topic)
        )
        records = [p.decode() for p in payloads]
    assert any(str(found.case.id) in r and "198.51.100.7" in r for r in records)


async def test_an_alarm_opens_one_case_and_its_clearing_is_written_once(
    kit: tuple[Runtime, UseCases],
) -> None:
    runtime, usecases = kit
    alarm_id = f"al-{uuid.uuid4().hex[:8]}"
    cases = usecases.cases
    for _ in range(2):  # raised again (or delivered again): still one case
        async with runtime.db.uow() as uow:
            await cases.open_from_alarm(uow, _alarm("c-uc", alarm_id))
            await uow.commit()
    cleared = _alarm("c-uc", alarm_id, AlarmClearedV1, status="cleared_unack")
    for expected in (True, False):
        async with runtime.db.uow() as uow:
            assert await cases.alarm_cleared(uow, cleared) is expected
            await uow.commit()
    async with runtime.db.uow() as uow:
        from work_orders.db.cases import lock_by_alarm, timeline

        wo = await lock_by_alarm(uow, alarm_id)
        assert wo is not None and wo.priority == "urgent" and wo.alarm_cleared_at is not None
        # an untitled alarm's case reads its type and severity in words, not codes or ids
        assert wo.title == "烟雾告警（严重）"
        assert wo.description == "烟雾告警，级别：严重，由设备上报。"
        assert wo.details["description_en"] == "Smoke alarm, critical, reported by a device."
        assert [e.action for e in await timeline(uow, wo.id)] == ["created", "alarm_cleared"]


async def test_a_booking_in_commerce_opens_a_maintenance_case_the_household_follows(
    kit: tuple[Runtime, UseCases],
) -> None:
    runtime, usecases = kit
    household, booking_id = f"hh-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    booking = ServiceBookingRequestedV1.model_validate(
        {
            "booking_id": booking_id,
            "service_point_id": str(uuid.uuid4()),
            "point_kind": "repair_station",
            "point_name": "幸福里便民维修站",
            "community_id": "c-uc",
            "building_id": "b-3",
            "household_id": household,
            "service": "厨房水龙头漏水",
            "preferred_at": "2026-12-05T14:00:00+08:00",
            "requested_by": "res-b",
            "requested_at": datetime.now(UTC),
        }
    )
    async with runtime.db.uow() as uow:
        wo = await usecases.cases.open_from_booking(uow, booking)
        await uow.commit()
    resident = Caller(
        Principal(
            "res-b",
            "user",
            roles=frozenset({"resident"}),
            grants=(Grant("resident", "household", household),),
        )
    )
    found = await usecases.cases.detail(resident, wo.id)
    case = found.case
    assert (case.case_type, case.source, case.status) == (
        "maintenance_booking",
        "booking",
        "submitted",
    )
    assert case.title == "幸福里便民维修站：厨房水龙头漏水" and case.external_ref == booking_id
    assert (case.building_id, case.household_id, case.reporter_id) == ("b-3", household, "res-b")
    assert [e.action for e in found.timeline] == ["created"]
    assert [t for _, t, _ in await _outbox(runtime, str(case.id))] == [
        "community.workorder.changed.v1"
    ]


async def test_every_consumer_takes_the_longest_valid_events(
    kit: tuple[Runtime, UseCases],
) -> None:
    """No schema-valid event is dead-lettered by a column narrower than its contract
    (issue 18): each consumer gets the longest valid event of each type it handles."""
    runtime, _ = kit
    fed = await feed_longest(runtime)
    assert ("alarms", "community.alarm.raised.v1") in fed

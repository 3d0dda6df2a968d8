"""End to end: a write in another service reaches the trail with who, what, when, from
where, outcome and trace; a record delivered twice is stored once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from audit.config import Settings
from audittools import as_event, bearer, eventually, make_record
from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Column, String, Table

from sc_core.api import RuntimeDep
from sc_core.auth import CurrentCaller
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.producer import ProducerHandle
from sc_core.db import Database
from sc_core.db.tables import new_metadata, platform_tables
from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings
from sc_devinfra.postgres import create_database, drop_database

things_metadata = new_metadata()
platform_tables(things_metadata)
things = Table(
    "things",
    things_metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
)
router = APIRouter()


@router.post("/api/v1/things", status_code=201)
async def create_thing(
    body: dict[str, str], who: CurrentCaller, runtime: RuntimeDep
) -> dict[str, str]:
    thing_id = f"thing-{uuid.uuid4().hex[:8]}"
    async with runtime.db.uow() as uow:
        await uow.session.execute(things.insert().values(id=thing_id, name=body["name"]))
        await uow.audit(who, "thing.create", "thing", thing_id, community_id="c-1")
        await uow.commit()
    return {"id": thing_id}


@pytest.fixture
async def things_client(postgres_url: str, audit_settings: Settings) -> AsyncIterator[AsyncClient]:
    """Another service ("things") that writes and audits, on its own database."""
    name = f"things_{uuid.uuid4().hex[:10]}"
    url = create_database(postgres_url, name)
    db = Database(url, platform_tables(things_metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(things_metadata.create_all)
    await db.dispose()
    settings = ServiceSettings(
        service_name="things",
        database_url=url,
        kafka_bootstrap_servers=audit_settings.kafka_bootstrap_servers,
        kafka_enable_idempotence=audit_settings.kafka_enable_idempotence,
        audit_topic=audit_settings.audit_topic,
        jwks_url=audit_settings.jwks_url,
        outbox_poll_interval_ms=50,
    )
    runtime = Runtime(settings, things_metadata)
    app = create_service_app(settings, title="things", runtime=runtime, routers=[router])
    try:
        async with (
            LifespanManager(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://things") as client,
        ):
            yield client
    finally:
        drop_database(postgres_url, name)


async def find(client: AsyncClient, issuer: LocalIssuer, **filters: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/audit-records", params=filters, headers=bearer(issuer, "auditor")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_write_in_another_service_appears_in_the_trail(
    things_client: AsyncClient, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    trace_id = uuid.uuid4().hex
    before = datetime.now(UTC)
    created = await things_client.post(
        "/api/v1/things",
        json={"name": "bench by the pond"},
        headers={
            **bearer(issuer, "property_staff"),
            # what the gateway forwards: the one address it saw (sc_core.net)
            "X-Forwarded-For": "198.51.100.23",
            "X-Request-Id": "req-trail-1",
            "traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01",
        },
    )
    assert created.status_code == 201, created.text
    thing_id = created.json()["id"]

    async def stored() -> list[dict[str, Any]]:
        return await find(audit_client, issuer, resource_id=thing_id)

    (record,) = await eventually(stored, timeout=60)
    assert record["service"] == "things"
    assert record["actor_id"] == "u-property_staff"
    assert record["actor_type"] == "user"
    assert record["actor_roles"] == ["property_staff"]
    assert record["action"] == "thing.create"
    assert (record["resource_type"], record["resource_id"]) == ("thing", thing_id)
    assert record["community_id"] == "c-1"
    assert record["outcome"] == "success"
    assert before <= datetime.fromisoformat(record["occurred_at"]) <= datetime.now(UTC)
    assert record["source_ip"] == "198.51.100.23"
    assert record["trace_id"] == trace_id
    assert record["request_id"] == "req-trail-1"

    day = record["chain_day"]
    report = await audit_client.get(
        "/api/v1/audit-records/verify", params={"day": day}, headers=bearer(issuer, "auditor")
    )
    assert report.json()["ok"] is True
    assert report.json()["records"] >= 1


async def test_a_record_delivered_twice_is_stored_once(
    audit_app: FastAPI, audit_client: AsyncClient, audit_settings: Settings, issuer: LocalIssuer
) -> None:
    twice = make_record(resource_id="twice")
    sentinel = make_record(resource_id="sentinel", occurred_at=twice.occurred_at)
    producer = ProducerHandle.from_settings(audit_settings)
    try:
        kafka = await producer.get()
        for event in (
            as_event(twice),
            as_event(twice),  # redelivered: the store finds its record id
            as_event(twice, event_id=str(uuid.uuid4())),  # re-sent under a new event id: too
            as_event(sentinel),
        ):
            await kafka.send_and_wait(
                audit_settings.audit_topic,
                value=event.body(),
                key=b"same-partition",
                headers=event.headers(),
            )
    finally:
        await producer.close()

    async def sentinel_stored() -> list[dict[str, Any]]:
        return await find(audit_client, issuer, resource_id="sentinel")

    await eventually(sentinel_stored, timeout=60)
    assert len(await find(audit_client, issuer, resource_id="twice")) == 1
    assert len(await find(audit_client, issuer, resource_id="sentinel")) == 1
    # the redelivery and the re-send under a new event id were both recognised; what else
    # the store holds now is the searches above, each audited in turn
    # (audit_record.read_sensitive), so the count of stored records is not this test's
    assert audit_app.state.usecases.records.duplicates == 2
    report = await audit_client.get(
        "/api/v1/audit-records/verify",
        params={"day": twice.occurred_at.date().isoformat()},
        headers=bearer(issuer, "auditor"),
    )
    assert report.json()["ok"] is True and report.json()["records"] >= 2

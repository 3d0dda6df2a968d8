"""Must show (issue 25 item 1): a district platform's agreement for the population dataset
per building makes the sweep publish one record on exchange.population.v1 holding no
name, ID number, phone or id of the seeded persons anywhere in the message, with the
right counts per building and a building of fewer than five residents suppressed; the
exchange is recorded with the content's SHA-256 (and a pull returns the same record); an
agreement asking for per-person data beyond what is allowed is refused; the agreement's
Kafka principal is granted the exchange topic and no internal topic (the ACL set
``sc_contracts acls`` plans from the agreements; applied to a secured broker in
test_gov_affairs_exchange_secured.py).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from gov_affairs.db.exchange import ExchangeCaseRow, ExchangeResidentRow
from gov_affairs.db.models import PLACES, WelfarePersonRow
from gov_affairs_helpers import Harness, eventually
from sc_contracts import acls
from sc_contracts.events import (
    EventData,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    PopulationSharedV1,
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderStatus,
)
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from sc_core.privacy import get_cipher

BEIJING = timedelta(hours=8)
DIVISION = "310104"  # 上海市徐汇区 (GB/T 2260)


def _admin(h: Harness) -> dict[str, str]:
    return h.issuer.bearer("admin-x", roles=["platform_admin"])


def _auditor(h: Harness) -> dict[str, str]:
    return h.issuer.bearer("auditor-x", grants=[Grant("auditor", "platform", "*")])


async def _send_all(h: Harness, events: list[tuple[EventData, str]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=h.settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        for data, key in events:
            event = CloudEvent.of(data, source="/services/test", subject=key)
            await producer.send_and_wait(
                h.topic(type(data)), event.body(), key=key.encode(), headers=event.headers()
            )
    finally:
        await producer.stop()


async def _messages(h: Harness, model: type[EventData], record_id: str) -> list[Any]:
    """The raw messages on ``model``'s topic until one carries ``record_id`` (bounded)."""
    consumer = AIOKafkaConsumer(
        h.topic(model),
        bootstrap_servers=h.settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[Any] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(record_id.encode() in m.value for m in found):
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(batch)
    finally:
        await consumer.stop()
    return found


def _whole(message: Any) -> bytes:
    headers = b"".join(k.encode() + (v or b"") for k, v in message.headers or [])
    return (message.key or b"") + headers + message.value


def _agreement(community: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recipient": {
            "code": "district-xh",
            "name": "徐汇区城市运行管理平台",
            "kind": "district_platform",
            "kafka_principal": "district-xh",
            "client_id": "svc-district-xh",
        },
        "datasets": [
            {
                "dataset": "population",
                "fields": ["households", "residents", "owners", "family", "tenants"],
            }
        ],
        "max_grade": "internal",
        "aggregation": "building",
        "frequency": "daily",
        "communities": [community],
        "valid_from": (date.today() - timedelta(days=10)).isoformat(),
    }
    body.update(changes)
    return body


async def _seed(h: Harness, community: str) -> dict[str, list[str]]:
    """Building b1: five owners' households (owner and family) and one of two tenants,
    12 residents; building b2: one household of three. Their names, ID numbers and phones
    are in the welfare register gov-affairs keeps. Returns what must never leave."""
    homes: list[tuple[str, list[HouseholdRelation]]] = [
        ("b1", [HouseholdRelation.OWNER, HouseholdRelation.FAMILY]) for _ in range(5)
    ]
    homes.append(("b1", [HouseholdRelation.TENANT, HouseholdRelation.TENANT]))
    owner, family, tenant = (
        HouseholdRelation.OWNER,
        HouseholdRelation.FAMILY,
        HouseholdRelation.TENANT,
    )
    homes.append(("b2", [owner, family, tenant]))
    secrets: dict[str, list[str]] = {"ids": [], "names": [], "id_numbers": [], "phones": []}
    events: list[tuple[EventData, str]] = []
    for n, (building, relations) in enumerate(homes):
        household = f"h-{uuid.uuid4().hex[:10]}"
        room = f"{community}-{building}-r{n}"
        secrets["ids"] += [household, room]
        place = Placement(
            community_id=community,
            building_id=f"{community}-{building}",
            unit_id=f"{community}-{building}-u1",
            room_id=room,
            community_name="幸福里社区",
            building_name=f"{building[1]}号楼",
            room_number=f"{n}01",
            community_division_code=DIVISION,
        )
        for relation in relations:
            person = f"p-{uuid.uuid4().hex[:10]}"
            secrets["ids"].append(person)
            events.append(
                (
                    PersonRegisteredV1(
                        aggregate_id=person,
                        person_id=person,
                        household_id=household,
                        relation=relation,
                        placement=place,
                        registered_by="grid-1",
                        registered_at=datetime.now(UTC),
                    ),
                    person,
                )
            )
    await _send_all(h, events)
    db = h.usecases.exchanges.db
    async with db.uow() as uow:
        for i in range(len(events)):
            number = f"11010119900301{i:03d}X"
            name, phone = f"张测试{i}号", f"139{i:08d}"
            uow.session.add(
                WelfarePersonRow(
                    community_id=community,
                    name=name,
                    id_number=number,
                    id_number_idx=get_cipher().blind_index(number, "id_number"),
                    phone=phone,
                )
            )
            secrets["names"].append(name)
            secrets["id_numbers"].append(number)
            secrets["phones"].append(phone)
        await uow.commit()

    async def known() -> bool:
        async with db.uow(read_only=True) as uow:
            people = await uow.session.scalar(
                select(func.count())
                .select_from(ExchangeResidentRow)
                .where(ExchangeResidentRow.community_id == community)
            )
            h_ = PLACES.households.c
            homes_known = await uow.session.scalar(
                select(func.count())
                .select_from(PLACES.households)
                .where(h_.community_id == community)
            )
        return people == len(events) and homes_known == len(homes)

    await eventually(known, timeout=120, what="the residents from identity's events")
    return secrets


async def test_population_leaves_per_building_desensitised_once_and_recorded(
    harness: Harness, community: str
) -> None:
    h = harness
    secrets = await _seed(h, community)
    made = await h.client.post(
        "/api/v1/exchange/agreements", json=_agreement(community), headers=_admin(h)
    )
    assert made.status_code == 201, made.text
    agreement = made.json()
    assert agreement["active"] is True
    assert agreement["topics"] == ["exchange.population.v1"]

    now = datetime.now(UTC)
    period = (now + BEIJING).date() - timedelta(days=1)
    pushed = await h.usecases.exchanges.sweep(now)
    key = f"{agreement['id']}:population:{period.isoformat()}"
    assert key in pushed
    assert await h.usecases.exchanges.sweep(now) == []  # once per agreement and period

    messages = [m for m in await _messages(h, PopulationSharedV1, key) if key.encode() in m.value]
    assert len(messages) == 1
    message = messages[0]
    assert message.key == b"district-xh"
    whole = _whole(message)
    for kind, values in secrets.items():
        for value in values:
            assert value.encode() not in whole, f"a {kind} left: {value}"
    data = json.loads(message.value)
    assert data["period"] == period.isoformat() and data["aggregation"] == "building"
    rows = {r["building_id"]: r for r in data["rows"]}
    assert set(rows) == {f"{community}-b1", f"{community}-b2"}
    b1, b2 = rows[f"{community}-b1"], rows[f"{community}-b2"]
    assert (b1["households"], b1["residents"], b1["owners"], b1["family"]) == (6, 12, 5, 5)
    assert b1["tenants"] is None and b1["suppressed"] is False  # two tenants: under five
    assert b2["suppressed"] is True
    assert [b2[k] for k in ("households", "residents", "owners", "family", "tenants")] == [None] * 5
    assert data["suppressed"] == 1
    # each row names the community's GB/T 2260 division as identity's events said it
    assert {r["division_code"] for r in data["rows"]} == {DIVISION}

    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    records = await h.client.get(
        "/api/v1/exchange/records",
        params={"agreement_id": agreement["id"]},
        headers=_auditor(h),
    )
    assert records.status_code == 200, records.text
    [record] = records.json()["items"]
    assert (record["channel"], record["period"], record["record_count"]) == (
        "push",
        period.isoformat(),
        2,
    )
    assert record["content_sha256"] == digest
    assert record["recipient"] == "district-xh"

    # the recipient's client pulls the same record over HTTPS, and that is recorded too
    client = h.issuer.bearer("svc-district-xh", kind="service")
    pulled = await h.client.get(
        "/api/v1/exchange/datasets/population",
        params={"period": period.isoformat()},
        headers=client,
    )
    assert pulled.status_code == 200, pulled.text
    assert pulled.json() == data
    again = await h.client.get(
        "/api/v1/exchange/records", params={"agreement_id": agreement["id"]}, headers=_admin(h)
    )
    channels = sorted((r["channel"], r["content_sha256"]) for r in again.json()["items"])
    assert channels == [("pull", digest), ("push", digest)]

    # another client, or a period not over yet, gets nothing
    stranger = h.issuer.bearer("svc-other", kind="service")
    refused = await h.client.get(
        "/api/v1/exchange/datasets/population",
        params={"period": period.isoformat()},
        headers=stranger,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "exchange.no_agreement"
    today = (now + BEIJING).date().isoformat()
    early = await h.client.get(
        "/api/v1/exchange/datasets/population", params={"period": today}, headers=client
    )
    assert early.status_code == 422 and early.json()["code"] == "exchange.period_not_over"

    # the principal may read the exchange topic and nothing internal
    document = await h.client.get("/api/v1/exchange/acl-agreement", headers=_admin(h))
    assert document.status_code == 200, document.text
    bindings = acls.plan(acls.Agreement.model_validate(document.json()))
    granted = {
        b.resource_name
        for b in bindings
        if b.principal == "User:district-xh"
        and b.resource_type == "TOPIC"
        and b.operation == "READ"
    }
    written = {
        (b.resource_name, b.operation)
        for b in bindings
        if b.principal == "User:district-xh"
        and b.resource_type == "TOPIC"
        and b.operation != "READ"
    }
    assert written == {("exchange.city-tasks.v1", "WRITE")}  # it sends tasks down (ADR 0042)
    assert "exchange.population.v1" in granted
    assert "identity.events.v1" not in granted and "workorder.events.v1" not in granted
    assert granted <= {
        "exchange.population.v1",
        "exchange.houses.v1",
        "exchange.cases.v1",
        "exchange.alarms.v1",
        "exchange.task-outcomes.v1",  # what became of the tasks it sends down
    }


async def test_an_agreement_beyond_what_is_allowed_is_refused_in_words(
    harness: Harness, community: str
) -> None:
    h = harness
    per_person = await h.client.post(
        "/api/v1/exchange/agreements",
        json=_agreement(community, aggregation="person", max_grade="sensitive"),
        headers=_admin(h),
    )
    assert per_person.status_code == 422
    assert per_person.json()["code"] == "exchange.grade_not_allowed"
    assert "内部" in per_person.json()["detail"]

    too_fine = await h.client.post(
        "/api/v1/exchange/agreements",
        json=_agreement(community, aggregation="person"),
        headers=_admin(h),
    )
    assert too_fine.status_code == 422
    [error] = too_fine.json()["errors"]
    assert error["field"] == "body.aggregation"
    assert "按人" in error["messages"]["zh-CN"] and "per person" in error["messages"]["en"]

    unknown = await h.client.post(
        "/api/v1/exchange/agreements",
        json=_agreement(
            community, datasets=[{"dataset": "population", "fields": ["residents", "name"]}]
        ),
        headers=_admin(h),
    )
    assert unknown.status_code == 422
    [error] = unknown.json()["errors"]
    assert error["field"] == "body.datasets.0.fields.1"
    assert "name" in error["messages"]["en"] and "residents" in error["messages"]["zh-CN"]

    no_such = await h.client.post(
        "/api/v1/exchange/agreements",
        json=_agreement(community, datasets=[{"dataset": "faces", "fields": ["count"]}]),
        headers=_admin(h),
    )
    assert no_such.status_code == 422
    assert no_such.json()["errors"][0]["field"] == "body.datasets.0.dataset"

    officer = h.issuer.bearer("officer-x", grants=[Grant("gov_officer", "community", "c-other")])
    elsewhere = await h.client.post(
        "/api/v1/exchange/agreements", json=_agreement(community), headers=officer
    )
    assert elsewhere.status_code == 403
    resident = h.resident("h-someone")
    assert (await h.client.get("/api/v1/exchange/records", headers=resident)).status_code == 403


async def test_cases_are_counted_per_community_and_day_by_type(
    harness: Harness, community: str
) -> None:
    h = harness
    now = datetime.now(UTC)
    yesterday = now - timedelta(days=1)
    events: list[tuple[EventData, str]] = []
    for n in range(7):
        case = f"wo-{uuid.uuid4().hex[:10]}"
        events.append(
            (
                WorkOrderChangedV1(
                    work_order_id=case,
                    case_type="repair" if n < 6 else "complaint",
                    action="created",
                    status=WorkOrderStatus.SUBMITTED,
                    priority=WorkOrderPriority.NORMAL,
                    community_id=community,
                    source="app",
                    reporter_id=f"acc-{n}",
                    occurred_at=yesterday,
                ),
                case,
            )
        )
    await _send_all(h, events)
    db = h.usecases.exchanges.db

    async def known() -> bool:
        async with db.uow(read_only=True) as uow:
            n = await uow.session.scalar(
                select(func.count())
                .select_from(ExchangeCaseRow)
                .where(ExchangeCaseRow.community_id == community)
            )
        return n == 7

    await eventually(known, timeout=120, what="the cases from work-orders' events")
    body = _agreement(
        community,
        recipient={
            "code": "street-1",
            "name": "某街道办",
            "kind": "street_office",
            "client_id": "svc-street-1",
        },
        datasets=[{"dataset": "cases", "fields": ["case_type", "count"]}],
        aggregation="community",
    )
    mine = h.issuer.bearer("officer-c", grants=[Grant("gov_officer", "community", community)])
    made = await h.client.post("/api/v1/exchange/agreements", json=body, headers=mine)
    assert made.status_code == 201, made.text
    # the officers of the communities covered read it; another community's do not
    listed = await h.client.get("/api/v1/exchange/agreements", headers=mine)
    assert listed.status_code == 200, listed.text
    assert [a["id"] for a in listed.json()["items"]] == [made.json()["id"]]
    other = h.issuer.bearer("officer-o", grants=[Grant("gov_officer", "community", "c-other")])
    for path in ("/api/v1/exchange/agreements", "/api/v1/exchange/records"):
        nothing = await h.client.get(path, headers=other)
        assert nothing.status_code == 200 and nothing.json()["items"] == [], nothing.text
    hidden = await h.client.get(f"/api/v1/exchange/agreements/{made.json()['id']}", headers=other)
    assert hidden.status_code == 404
    day = (yesterday + BEIJING).date().isoformat()
    pulled = await h.client.get(
        "/api/v1/exchange/datasets/cases",
        params={"period": day},
        headers=h.issuer.bearer("svc-street-1", kind="service"),
    )
    assert pulled.status_code == 200, pulled.text
    rows = {r["case_type"]: r for r in pulled.json()["rows"]}
    assert rows["repair"]["count"] == 6 and rows["repair"]["suppressed"] is False
    assert rows["complaint"]["count"] is None and rows["complaint"]["suppressed"] is True
    assert all(r["status"] is None for r in rows.values())  # not in the agreement
    assert all(r["division_code"] is None for r in rows.values())  # no code known for it
    assert b"acc-" not in pulled.content  # no reporter leaves
    records = await h.client.get("/api/v1/exchange/records", headers=mine)
    assert [(r["dataset"], r["channel"]) for r in records.json()["items"]] == [("cases", "pull")]

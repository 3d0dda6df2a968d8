"""Must show (issue 25, "Tests"): on an Apache Kafka that authenticates (SASL_SSL, SCRAM)
and authorizes (StandardAuthorizer, nothing allowed without an ACL), gov-affairs itself (its
app and runtime, as the platform's principal) publishes the population dataset of an
agreement naming a district platform's principal; that principal, with the ACLs
``sc_contracts.acls`` plans from the agreements gov-affairs holds, reads
exchange.population.v1 and finds the counts per building and no name, ID number, phone or
id of the seeded persons in any byte of any message (key, headers, value); it is refused
(TopicAuthorizationFailed) on an internal topic and on every write but the one inbound
topic its agreement grants: a task it sends down there (ADR 0042) is taken as over HTTPS
(once by its task id, a case requested), one proving another sender or none goes to the
dead-letter topic with its reason, and another principal may not write it at all.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import TopicAuthorizationFailedError, for_code
from sqlalchemy import func, select

from gov_affairs.db.exchange import ExchangeResidentRow
from gov_affairs.db.models import WelfarePersonRow
from gov_affairs.domain.exchange.records import content_hash
from gov_affairs_helpers import Harness, eventually, make_settings, start_harness
from sc_contracts import acls
from sc_contracts.admin import create_topics
from sc_contracts.events import (
    CityTaskCaseRequestedV1,
    CityTaskIssuedV1,
    CityTaskOutcomeV1,
    EventData,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    PopulationSharedV1,
    WelfareChangedV1,
)
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.privacy import get_cipher
from sc_devinfra.apache_kafka import SecuredKafka

pytestmark = [pytest.mark.apache_kafka, pytest.mark.slow]

BEIJING = timedelta(hours=8)
PLATFORM = "gov-platform"  # the services' principal (principals of this module alone)
DISTRICT = "district-xh"
READER = "city-reader"  # an integrator that only reads alarms
PASSWORDS = {
    PLATFORM: "platform-" + uuid.uuid4().hex,
    DISTRICT: "district-" + uuid.uuid4().hex,
    READER: "reader-" + uuid.uuid4().hex,
}
CLIENT = "svc-district-xh"  # the district's client at identity (client credentials)
TASKS = CityTaskIssuedV1.topic
OUTCOMES = CityTaskOutcomeV1.topic
EXCHANGE = PopulationSharedV1.topic
INTERNAL = WelfareChangedV1.topic  # the welfare register's events: never for outsiders


@pytest.fixture(scope="module")
async def secured(
    secured_kafka: SecuredKafka,
    module_database_url: str,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    """The catalogue's topics and two SCRAM principals on the secured broker; the platform's
    ACLs as an operator applies them; gov-affairs started with the platform's credentials
    and the catalogue's own topic names."""
    kafka = secured_kafka
    admin_options = kafka.admin_options()
    await create_topics(kafka.bootstrap, partitions_override=1, client_options=admin_options)
    admin = acls.admin_client(kafka.bootstrap, admin_options)
    await admin.start()
    try:
        for user, password in PASSWORDS.items():
            await acls.set_scram_credential(admin, user, password)
        platform = acls.Agreement(platform=acls.PlatformPrincipal(principal=PLATFORM))
        await acls.apply(admin, acls.plan(platform), [PLATFORM])
    finally:
        await admin.close()
    settings = make_settings(
        module_database_url,
        kafka.bootstrap,
        True,
        jwks_url,
        topic_names={},
        audit_topic="audit.records.v1",
        kafka_consumer_group=f"gov-affairs-secured-{uuid.uuid4().hex[:6]}",
        **kafka.settings(PLATFORM, PASSWORDS[PLATFORM]),
    )
    async with start_harness(settings, issuer, create=False) as h:
        yield h


def _agreement(community: str) -> dict[str, Any]:
    return {
        "recipient": {
            "code": "district-xh",
            "name": "徐汇区城市运行管理平台",
            "kind": "district_platform",
            "kafka_principal": DISTRICT,
            "client_id": CLIENT,
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


async def apply_agreements(kafka: SecuredKafka, h: Harness) -> list[acls.AclBinding]:
    """What an operator runs: the ACL document gov-affairs gives, planned and applied."""
    admin_token = h.issuer.bearer("admin-x", roles=["platform_admin"])
    document = await h.client.get("/api/v1/exchange/acl-agreement", headers=admin_token)
    assert document.status_code == 200, document.text
    agreement = acls.Agreement.model_validate(document.json())
    bindings = acls.plan(agreement)
    admin = acls.admin_client(kafka.bootstrap, kafka.admin_options())
    await admin.start()
    try:
        await acls.apply(admin, bindings, agreement.principals())
        held = await acls.describe_acls(admin, f"User:{DISTRICT}")
    finally:
        await admin.close()
    return held


async def send_as_platform(kafka: SecuredKafka, events: list[tuple[EventData, str]]) -> None:
    """Identity's events, sent as the services send them (the platform's principal)."""
    producer = AIOKafkaProducer(
        **kafka.options(PLATFORM, PASSWORDS[PLATFORM]), bootstrap_servers=kafka.bootstrap
    )
    await producer.start()
    try:
        for data, key in events:
            event = CloudEvent.of(data, source="/services/identity", subject=key)
            await producer.send_and_wait(
                type(data).topic, event.body(), key=key.encode(), headers=event.headers()
            )
    finally:
        await producer.stop()


def _whole(message: Any) -> bytes:
    headers = b"".join(k.encode() + (v or b"") for k, v in message.headers or [])
    return (message.key or b"") + headers + message.value


async def _seed(kafka: SecuredKafka, h: Harness, community: str) -> dict[str, list[str]]:
    """Building b1: six households (five owners with family, one of two tenants), twelve
    residents; building b2: one household of three. Their names, ID numbers and phones in
    the welfare register. Returns what must never leave."""
    homes = [("b1", [HouseholdRelation.OWNER, HouseholdRelation.FAMILY]) for _ in range(5)]
    homes.append(("b1", [HouseholdRelation.TENANT, HouseholdRelation.TENANT]))
    homes.append(
        ("b2", [HouseholdRelation.OWNER, HouseholdRelation.FAMILY, HouseholdRelation.TENANT])
    )
    secrets: dict[str, list[str]] = {"ids": [], "names": [], "id_numbers": [], "phones": []}
    events: list[tuple[EventData, str]] = []
    for n, (building, relations) in enumerate(homes):
        household, room = f"h-{uuid.uuid4().hex[:10]}", f"{community}-{building}-r{n}"
        secrets["ids"] += [household, room]
        place = Placement(
            community_id=community,
            building_id=f"{community}-{building}",
            unit_id=f"{community}-{building}-u1",
            room_id=room,
            community_name="幸福里社区",
            building_name=f"{building[1]}号楼",
            room_number=f"{n}01",
        )
        for relation in relations:
            person = f"p-{uuid.uuid4().hex[:10]}"
            secrets["ids"].append(person)
            registered = PersonRegisteredV1(
                aggregate_id=person,
                person_id=person,
                household_id=household,
                relation=relation,
                placement=place,
                registered_by="grid-1",
                registered_at=datetime.now(UTC),
            )
            events.append((registered, person))
    await send_as_platform(kafka, events)
    db = h.usecases.exchanges.db
    async with db.uow() as uow:
        for i in range(len(events)):
            number, name, phone = f"11010119900302{i:03d}X", f"李保密{i}号", f"138{i:08d}"
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
        return people == len(events)

    await eventually(known, timeout=120, what="the residents from identity's events")
    return secrets


async def _read_all(kafka: SecuredKafka, key: str) -> list[Any]:
    """Every message on the exchange topic, read as the district in its own group, until
    the one of ``key`` is there (bounded)."""
    reader = AIOKafkaConsumer(
        EXCHANGE,
        **kafka.options(DISTRICT, PASSWORDS[DISTRICT]),
        bootstrap_servers=kafka.bootstrap,
        group_id=f"{DISTRICT}.population",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await reader.start()
    found: list[Any] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while loop.time() < deadline and not any(key.encode() in m.value for m in found):
            for batch in (await reader.getmany(timeout_ms=500)).values():
                found.extend(batch)
        await reader.commit()  # its own group: allowed
    finally:
        await reader.stop()
    return found


async def test_a_district_reads_its_population_per_building_and_nothing_internal(
    secured: Harness, secured_kafka: SecuredKafka
) -> None:
    h, kafka = secured, secured_kafka
    community = f"c-{uuid.uuid4().hex[:10]}"
    secrets = await _seed(kafka, h, community)
    body = _agreement(community)
    admin_token = h.issuer.bearer("admin-x", roles=["platform_admin"])
    made = await h.client.post("/api/v1/exchange/agreements", json=body, headers=admin_token)
    assert made.status_code == 201, made.text
    held = await apply_agreements(kafka, h)
    assert [b.describe() for b in held] == [
        f"ALLOW User:{DISTRICT} READ on GROUP prefix {DISTRICT}.",
        f"ALLOW User:{DISTRICT} WRITE on TOPIC {TASKS}",  # tasks sent down, nothing else
        f"ALLOW User:{DISTRICT} READ on TOPIC {EXCHANGE}",
        f"ALLOW User:{DISTRICT} READ on TOPIC {OUTCOMES}",  # what became of its tasks
    ]

    # gov-affairs' sweep publishes yesterday's dataset through the secured broker
    now = datetime.now(UTC)
    period = (now + BEIJING).date() - timedelta(days=1)
    key = f"{made.json()['id']}:population:{period.isoformat()}"
    assert key in await h.usecases.exchanges.sweep(now)

    messages = await _read_all(kafka, key)
    mine = [m for m in messages if key.encode() in m.value]
    assert len(mine) == 1, [m.value[:200] for m in messages]
    for message in messages:  # every message the district can read, not only this one
        whole = _whole(message)
        for kind, values in secrets.items():
            for value in values:
                assert value.encode() not in whole, f"a {kind} left: {value}"
    data = json.loads(mine[0].value)
    assert data["aggregation"] == "building" and data["period"] == period.isoformat()
    rows = {r["building_id"]: r for r in data["rows"]}
    assert set(rows) == {f"{community}-b1", f"{community}-b2"}
    b1, b2 = rows[f"{community}-b1"], rows[f"{community}-b2"]
    assert (b1["households"], b1["residents"], b1["owners"], b1["family"]) == (6, 12, 5, 5)
    assert b1["tenants"] is None and b1["suppressed"] is False  # two tenants: under five
    assert b2["suppressed"] is True and b2["residents"] is None

    # an internal topic: its metadata is refused, so a consumer of it gets nothing
    district = kafka.options(DISTRICT, PASSWORDS[DISTRICT])
    client = AIOKafkaAdminClient(**district, bootstrap_servers=kafka.bootstrap)
    await client.start()
    try:
        assert sorted(await client.list_topics()) == sorted([EXCHANGE, OUTCOMES, TASKS])
        described = {
            t["topic"]: t["error_code"]
            for t in await client.describe_topics([EXCHANGE, INTERNAL, "identity.events.v1"])
        }
    finally:
        await client.close()
    assert described[EXCHANGE] == 0
    assert for_code(described[INTERNAL]) is TopicAuthorizationFailedError
    assert for_code(described["identity.events.v1"]) is TopicAuthorizationFailedError
    snooper = AIOKafkaConsumer(
        **district, bootstrap_servers=kafka.bootstrap, enable_auto_commit=False
    )
    await snooper.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await snooper._client._wait_on_metadata(INTERNAL)
    finally:
        await snooper.stop()

    # and it writes nowhere, not even on the topic it reads
    writer = AIOKafkaProducer(
        **district,
        bootstrap_servers=kafka.bootstrap,
        enable_idempotence=False,
        request_timeout_ms=10_000,
    )
    await writer.start()
    try:
        for topic in (EXCHANGE, INTERNAL):
            with pytest.raises(TopicAuthorizationFailedError):
                await asyncio.wait_for(writer.send_and_wait(topic, b"forged"), 60)
    finally:
        await writer.stop()


def _task(h: Harness, agreement_id: str, community: str, **changes: Any) -> CityTaskIssuedV1:
    values: dict[str, Any] = {
        "agreement_id": agreement_id,
        "sender_token": h.issuer.issue(CLIENT, kind="service"),
        "task_id": f"XH-{uuid.uuid4().hex[:8]}",
        "kind": "population_check",
        "title": "3号楼出租房屋人口核查",
        "title_en": "Population check of the rented flats of building 3",
        "description": "请于三日内完成并反馈",
        "communities": [community],
    }
    values.update(changes)
    return CityTaskIssuedV1.model_validate(values)


async def _write(kafka: SecuredKafka, user: str, tasks: list[CityTaskIssuedV1]) -> None:
    """What the district's own client does: CloudEvents on the inbound topic, as ``user``."""
    producer = AIOKafkaProducer(
        **kafka.options(user, PASSWORDS[user]),
        bootstrap_servers=kafka.bootstrap,
        request_timeout_ms=10_000,
    )
    await producer.start()
    try:
        for task in tasks:
            event = CloudEvent.of(task, source="/district-xh", subject=task.task_id)
            await asyncio.wait_for(
                producer.send_and_wait(
                    TASKS, event.body(), key=task.agreement_id.encode(), headers=event.headers()
                ),
                60,
            )
    finally:
        await producer.stop()


async def _dead_letters(kafka: SecuredKafka, task_ids: set[str]) -> dict[str, dict[str, str]]:
    """task id -> the x-dlq-* headers of its dead letter, read as the platform (bounded)."""
    reader = AIOKafkaConsumer(
        f"{TASKS}.dlq",
        **kafka.options(PLATFORM, PASSWORDS[PLATFORM]),
        bootstrap_servers=kafka.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await reader.start()
    found: dict[str, dict[str, str]] = {}
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while loop.time() < deadline and not task_ids <= set(found):
            for batch in (await reader.getmany(timeout_ms=500)).values():
                for m in batch:
                    task_id = json.loads(m.value)["task_id"]
                    found[task_id] = {
                        k: v.decode() for k, v in m.headers or [] if k.startswith("x-dlq-")
                    }
    finally:
        await reader.stop()
    return found


async def _case_requests(kafka: SecuredKafka, task_id: str) -> list[CityTaskCaseRequestedV1]:
    """The case requests of gov-affairs' task ``task_id`` on gov.city-tasks.v1, read to the
    end once one is there (bounded)."""
    reader = AIOKafkaConsumer(
        CityTaskCaseRequestedV1.topic,
        **kafka.options(PLATFORM, PASSWORDS[PLATFORM]),
        bootstrap_servers=kafka.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await reader.start()
    found: list[CityTaskCaseRequestedV1] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        drained = False  # after the first is found, read on until nothing more comes
        while loop.time() < deadline and not (found and drained):
            batches = await reader.getmany(timeout_ms=1000)
            drained = not batches
            for batch in batches.values():
                for m in batch:
                    event = CloudEvent.from_kafka(list(m.headers or []), m.value)
                    request = CityTaskCaseRequestedV1.model_validate(event.data)
                    if request.task_id == task_id:
                        found.append(request)
    finally:
        await reader.stop()
    return found


async def test_a_district_sends_a_task_down_over_kafka_and_nobody_else_can(
    secured: Harness, secured_kafka: SecuredKafka
) -> None:
    h, kafka = secured, secured_kafka
    community = f"c-{uuid.uuid4().hex[:10]}"
    admin_token = h.issuer.bearer("admin-x", roles=["platform_admin"])
    made = await h.client.post(
        "/api/v1/exchange/agreements", json=_agreement(community), headers=admin_token
    )
    assert made.status_code == 201, made.text
    agreement_id = made.json()["id"]
    await apply_agreements(kafka, h)
    admin = acls.admin_client(kafka.bootstrap, kafka.admin_options())
    await admin.start()
    try:  # an integrator that reads alarms and writes nothing
        reader_only = acls.Agreement(
            integrators=(
                acls.Integrator(principal=READER, name="某市平台", topics=("alarm.events.v1",)),
            )
        )
        await acls.apply(admin, acls.plan(reader_only), [READER])
    finally:
        await admin.close()

    good = _task(h, agreement_id, community)
    forged = _task(
        h, agreement_id, community, sender_token=h.issuer.issue("svc-other", kind="service")
    )
    expired = _task(
        h, agreement_id, community, sender_token=h.issuer.issue(CLIENT, kind="service", ttl=-600)
    )
    not_covered = _task(h, agreement_id, "c-elsewhere")
    unknown_agreement = _task(h, str(uuid.uuid4()), community)  # the district's own token
    changed = good.model_copy(update={"description": "另一段内容"})
    warning = _task(h, agreement_id, community, kind="warning", title="寒潮蓝色预警")
    # one partition (the agreement is the key): in this order
    await _write(kafka, DISTRICT, [forged, expired, not_covered, good, good, warning, changed])
    await _write(kafka, DISTRICT, [unknown_agreement])

    client = h.issuer.bearer(CLIENT, kind="service")

    async def received() -> list[dict[str, Any]]:
        listed = await h.client.get("/api/v1/exchange/tasks", headers=client)
        assert listed.status_code == 200, listed.text
        return [t for t in listed.json()["items"] if t["task_id"] == good.task_id]

    [task] = await eventually(received, timeout=120, what="the task sent down over Kafka")
    assert task["sender"] == "district-xh" and task["kind"] == "population_check"
    [item] = task["items"]
    assert (item["community_id"], item["state"]) == (community, "requested")

    # the refused ones are dead letters after one attempt (a refusal is not retried, ADR
    # 0044), each with its refusal's own code (``changed`` reuses the good task's id with
    # other content)
    refused = {
        forged.task_id: "exchange.no_agreement",  # a valid token of a client with none
        expired.task_id: "auth.token_expired",
        not_covered.task_id: "exchange.community_not_covered",
        good.task_id: "city_task.changed",
        unknown_agreement.task_id: "exchange.no_agreement",
    }
    dead = await _dead_letters(kafka, set(refused))
    assert {t: d["x-dlq-code"] for t, d in dead.items()} == refused
    assert {d["x-dlq-attempts"] for d in dead.values()} == {"1"}
    assert dead[not_covered.task_id]["x-dlq-reason"] == (
        "exchange.community_not_covered: Your exchange agreement does not cover every "
        "community the task names"
    )
    listed = await h.client.get("/api/v1/exchange/tasks", headers=client)
    assert [t["task_id"] for t in listed.json()["items"]].count(good.task_id) == 1

    # the case is asked of work-orders once (the good task came twice), as over HTTPS
    requests = await _case_requests(kafka, task["id"])
    assert [(r.community_id, r.title, r.sender) for r in requests] == [
        (community, good.title, "district-xh")
    ]

    # the warning was published at once, and the refusals of the senders a token names
    # are answered; the district reads both on its outcomes topic (forged and expired
    # name nobody: the dead letter alone)
    answered = {warning.task_id, not_covered.task_id, good.task_id, unknown_agreement.task_id}
    outcomes = AIOKafkaConsumer(
        OUTCOMES,
        **kafka.options(DISTRICT, PASSWORDS[DISTRICT]),
        bootstrap_servers=kafka.bootstrap,
        group_id=f"{DISTRICT}.outcomes",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await outcomes.start()
    told: list[dict[str, Any]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while loop.time() < deadline and not answered <= {d["task_id"] for d in told}:
            for batch in (await outcomes.getmany(timeout_ms=500)).values():
                told += [
                    d
                    for d in (json.loads(m.value) for m in batch)
                    if d["task_id"] in refused or d["task_id"] == warning.task_id
                ]
    finally:
        await outcomes.stop()
    said = {
        d["task_id"]: (d["state"], d["community_id"], d["agreement_id"], d["reason_code"])
        for d in told
    }
    assert said == {
        warning.task_id: ("published", community, agreement_id, None),
        not_covered.task_id: ("refused", "c-elsewhere", agreement_id, refused[not_covered.task_id]),
        good.task_id: ("refused", community, agreement_id, "city_task.changed"),
        unknown_agreement.task_id: ("refused", community, agreement_id, "exchange.no_agreement"),
    }
    assert len(told) == 4  # each once; nothing for forged or expired
    why = next(d for d in told if d["task_id"] == not_covered.task_id)
    assert (why["state_text"], why["state_text_en"]) == ("已拒收", "refused")
    assert why["reason_text"] == "任务所列社区不全在您的数据交换协议范围内"
    assert why["reason_text_en"].startswith("Your exchange agreement does not cover")
    # each answer is an exchange of the agreement, its hash the message's
    records = await h.client.get(
        "/api/v1/exchange/records",
        params={"agreement_id": agreement_id, "limit": 100},
        headers=admin_token,
    )
    assert records.status_code == 200, records.text
    hashes = {r["content_sha256"] for r in records.json()["items"]}
    assert {content_hash(d) for d in told} <= hashes

    # another principal may not write the inbound topic at all
    with pytest.raises(TopicAuthorizationFailedError):
        await _write(kafka, READER, [_task(h, agreement_id, community)])

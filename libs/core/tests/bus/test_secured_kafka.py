"""The platform on an Apache Kafka that authenticates (SASL_SSL) and authorizes (ACLs).

A broker started with a throwaway CA, SASL_SSL (SCRAM-SHA-512 and PLAIN) and
StandardAuthorizer (sc_devinfra's ``secured_kafka`` fixture). The platform's principal and
an integrator's are created with the tooling (`sc_contracts.acls`: SCRAM credentials, ACLs
from an agreement and the topic catalogue). The platform's own clients (sc_core's producer,
outbox relay and consumer, all configured by `kafka_client_options` from settings) produce
and consume through it; the integrator reads the topic it was granted and is refused on
another topic and on writes.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    KafkaError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    for_code,
)

from bushelpers import Happened, effect_counts, make_event, record_effect, wait_until
from sc_contracts import acls
from sc_contracts.admin import create_topics
from sc_core.bus import EventConsumer, OutboxRelay, ProducerHandle
from sc_core.db import Database
from sc_core.kafka import kafka_client_options
from sc_core.settings import ServiceSettings
from sc_devinfra.apache_kafka import PLAIN_PASSWORD, PLAIN_USER, SecuredKafka

pytestmark = [pytest.mark.apache_kafka, pytest.mark.slow]

GRANTED = "alarm.events.v1"  # external: true in the catalogue
OTHER = "workorder.events.v1"  # not for outside readers
PLATFORM_PASSWORD = "platform-" + uuid.uuid4().hex
INTEGRATOR_PASSWORD = "city-hz-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
async def provisioned(secured_kafka: SecuredKafka) -> SecuredKafka:
    """The catalogue's topics, two SCRAM principals and the agreement's ACLs, as an operator
    would set them up with `python -m sc_contracts create-topics|principal|acls apply`."""
    secured = secured_kafka
    admin_options = secured.admin_options()
    await create_topics(secured.bootstrap, partitions_override=1, client_options=admin_options)
    agreement = acls.Agreement(
        platform=acls.PlatformPrincipal(principal="platform"),
        integrators=(
            acls.Integrator(principal="city-hz", name="杭州市城市大脑", topics=(GRANTED,)),
        ),
    )
    admin = acls.admin_client(secured.bootstrap, admin_options)
    await admin.start()
    try:
        await acls.set_scram_credential(admin, "platform", PLATFORM_PASSWORD)
        await acls.set_scram_credential(admin, "city-hz", INTEGRATOR_PASSWORD)
        first = await acls.apply(admin, acls.plan(agreement), agreement.principals())
        again = await acls.apply(admin, acls.plan(agreement), agreement.principals())
        held = await acls.describe_acls(admin, "User:city-hz")
    finally:
        await admin.close()
    assert first.created and not first.deleted
    assert not again.created and not again.deleted  # applying twice changes nothing
    assert [b.describe() for b in held] == [
        "ALLOW User:city-hz READ on GROUP prefix city-hz.",
        f"ALLOW User:city-hz READ on TOPIC {GRANTED}",
    ]
    return secured


async def test_the_platform_produces_and_consumes_through_sasl_ssl_and_acls(
    provisioned: SecuredKafka, db: Database
) -> None:
    settings = ServiceSettings(
        service_name="secured-test",
        kafka_bootstrap_servers=provisioned.bootstrap,
        **provisioned.security.client_settings("platform", PLATFORM_PASSWORD),
    )
    producer = ProducerHandle.from_settings(settings)  # idempotent, acks=all
    relay = OutboxRelay(db, producer, service="secured-test", batch_size=50)
    consumer = EventConsumer(
        name="secured",
        bootstrap_servers=provisioned.bootstrap,
        topics=[GRANTED],
        topic_for=lambda _catalogue_name: GRANTED,
        group_id=f"secured-test.{uuid.uuid4().hex[:6]}",
        db=db,
        dlq_producer=producer,
        client_options=kafka_client_options(settings),
    )
    consumer.on(Happened, envelope=True)(record_effect)
    await relay.start()
    await consumer.start()
    try:
        async with db.uow() as uow:
            for i in range(20):
                await uow.publish(GRANTED, make_event(i))
            await uow.commit()

        async def all_handled() -> bool:
            return (await effect_counts(db))[1] >= 20

        await wait_until(all_handled, timeout=120)
        assert await effect_counts(db) == (20, 20)
    finally:
        await consumer.stop()
        await relay.stop()
        await producer.close()

    # ... and the integrator reads what it was granted
    integrator = provisioned.options("city-hz", INTEGRATOR_PASSWORD)
    reader = AIOKafkaConsumer(
        GRANTED,
        **integrator,
        bootstrap_servers=provisioned.bootstrap,
        group_id="city-hz.alarms",
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        seen: list[bytes] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while len(seen) < 20 and loop.time() < deadline:
            for records in (await reader.getmany(timeout_ms=1000)).values():
                seen += [dict(r.headers)["ce_type"] for r in records]
        assert seen.count(b"community.test.happened.v1") >= 20
        await reader.commit()  # its own group: allowed
    finally:
        await reader.stop()


async def test_an_integrator_is_refused_another_topic_and_every_write(
    provisioned: SecuredKafka,
) -> None:
    integrator = provisioned.options("city-hz", INTEGRATOR_PASSWORD)
    from aiokafka.admin import AIOKafkaAdminClient

    # Reading needs the topic's metadata first (its partitions and leaders): the broker
    # refuses it for any topic the integrator was not granted, and lists only the granted.
    client = AIOKafkaAdminClient(**integrator, bootstrap_servers=provisioned.bootstrap)
    await client.start()
    try:
        assert await client.list_topics() == [GRANTED]
        described = {
            t["topic"]: t["error_code"] for t in await client.describe_topics([GRANTED, OTHER])
        }
    finally:
        await client.close()
    assert described[GRANTED] == 0
    assert for_code(described[OTHER]) is TopicAuthorizationFailedError

    # a consumer of the other topic gets nothing: aiokafka waits for metadata it is refused
    snooper = AIOKafkaConsumer(
        **integrator, bootstrap_servers=provisioned.bootstrap, enable_auto_commit=False
    )
    await snooper.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await snooper._client._wait_on_metadata(OTHER)
    finally:
        await snooper.stop()

    writer = AIOKafkaProducer(
        **integrator,
        bootstrap_servers=provisioned.bootstrap,
        enable_idempotence=False,
        request_timeout_ms=10_000,
    )
    await writer.start()
    try:
        for topic in (GRANTED, OTHER):
            with pytest.raises(TopicAuthorizationFailedError):
                await asyncio.wait_for(writer.send_and_wait(topic, b"forged"), 60)
    finally:
        await writer.stop()


async def test_a_wrong_password_is_refused_and_plain_works_too(provisioned: SecuredKafka) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    wrong = AIOKafkaAdminClient(
        **provisioned.options("city-hz", "not-the-password"),
        bootstrap_servers=provisioned.bootstrap,
        request_timeout_ms=10_000,
    )
    with pytest.raises((SaslAuthenticationFailed, KafkaError)):
        await asyncio.wait_for(wrong.start(), 60)
    await wrong.close()

    plain = AIOKafkaAdminClient(
        **provisioned.options(PLAIN_USER, PLAIN_PASSWORD, mechanism="PLAIN"),
        bootstrap_servers=provisioned.bootstrap,
    )
    await plain.start()
    try:
        # authenticated, but no ACL grants it anything: it sees no topic
        assert GRANTED not in await plain.list_topics()
    finally:
        await plain.close()

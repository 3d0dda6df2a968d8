"""Messages to devices through Kafka, so that a device may be connected to any replica of
the MQTT transport (ADR 0038).

- :class:`DownlinkPublisher`: where a server-side RPC request or a shared-attribute update
  starts (device-ingestion's API, a command from another service, a firmware assignment,
  or a transport replica itself), it is sent to ``device.downlinks.v1`` as one
  ``community.device.downlink_requested.v1`` event keyed by the device.
- :class:`DownlinkListener`: each transport replica reads every partition of that topic
  from its end, with no consumer group (a broadcast: every replica sees every message),
  and hands each message to its transport, which delivers it to the device's connections
  it holds; a replica that holds none drops it (the way sc_core's revocation feed follows
  identity's topic in every replica). An RPC request delivered on a connection
  is marked ``sent`` by the replica that delivered it.

Downlinks are live: a replica that starts reads what comes after its start. An RPC request
no replica delivered stays ``queued`` for the device's HTTP long-poll until it expires; a
device that was away asks for its attributes when it connects (ThingsBoard's devices do).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from prometheus_client import Counter

from sc_contracts.events import DeviceDownlinkRequestedV1, DownlinkKind
from sc_core.bus.cloudevents import CloudEvent, InvalidEvent, decode_data
from sc_core.bus.consumer import CLIENT_STEP_SECONDS, start_client
from sc_core.bus.long_poll import (
    FETCHER_WAKE_MS,
    FOLLOWER_LONG_POLL_MS,
    POLL_TIMEOUT_MS,
    ParkedFetches,
    set_fetch_wait,
)
from sc_core.bus.producer import ProducerHandle
from sc_core.bus.steps import bounded
from sc_core.kafka import kafka_client_options
from sc_core.retry import Backoff
from sc_core.settings import ServiceSettings

log = logging.getLogger(__name__)

DOWNLINKS = Counter(
    "mqtt_downlinks_total",
    "Messages for devices read from device.downlinks.v1 by this transport, by kind and "
    "outcome (delivered: a connection here took it; elsewhere: no connection here)",
    ["kind", "outcome"],
)

#: deliver an RPC request to the device's connections here; False when none took it
RpcDelivery = Callable[[uuid.UUID, int, dict[str, Any]], Awaitable[bool]]
AttributeDelivery = Callable[[uuid.UUID, dict[str, Any]], Awaitable[bool]]
Delivered = Callable[[uuid.UUID, int], Awaitable[object]]


class DownlinkPublisher:
    """Sends messages for devices to the transport replicas."""

    def __init__(
        self, producer: ProducerHandle, topic: str, source: str, timeout: float = 10.0
    ) -> None:
        self.producer = producer
        self.topic = topic
        self.source = source
        self.timeout = timeout

    async def rpc(self, device_id: uuid.UUID, rpc_id: int, body: dict[str, Any]) -> bool:
        """Hand a server-side RPC request on; False: not delivered yet (the replica that
        delivers it marks it sent)."""
        await self._send(
            DeviceDownlinkRequestedV1(
                device_id=str(device_id),
                kind=DownlinkKind.RPC,
                rpc_id=rpc_id,
                payload=json.dumps(body, ensure_ascii=False),
            )
        )
        return False

    async def attributes(self, device_id: uuid.UUID, update: dict[str, Any]) -> None:
        await self._send(
            DeviceDownlinkRequestedV1(
                device_id=str(device_id),
                kind=DownlinkKind.ATTRIBUTES,
                payload=json.dumps(update, ensure_ascii=False),
            )
        )

    async def _send(self, data: DeviceDownlinkRequestedV1) -> None:
        """Send and wait for Kafka's acknowledgement; raises when it does not come (the
        caller logs it: an RPC request stays queued for the HTTP long-poll)."""
        event = CloudEvent.of(data, source=self.source, subject=data.device_id)
        producer = await asyncio.wait_for(self.producer.get(), self.timeout)
        await asyncio.wait_for(
            producer.send_and_wait(
                self.topic, value=event.body(), key=data.device_id.encode(), headers=event.headers()
            ),
            self.timeout,
        )


class DownlinkListener:
    """One transport replica's reader of ``device.downlinks.v1`` (every partition, no
    group, from the end); reconnects with backoff on any error."""

    def __init__(
        self,
        settings: ServiceSettings,
        topic: str,
        *,
        rpc: RpcDelivery,
        attributes: AttributeDelivery,
        delivered: Delivered,
    ) -> None:
        self.settings = settings
        self.topic = topic
        self.rpc = rpc
        self.attributes = attributes
        self.delivered = delivered
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reading = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="mqtt-downlinks")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()

    async def ready(self) -> None:
        """Reading from the end of every partition (for /readyz and tests)."""
        if self._task is None or self._task.done() or not self._reading.is_set():
            raise ConnectionError("not reading device.downlinks.v1")

    async def wait_reading(self, timeout_s: float) -> None:
        await asyncio.wait_for(self._reading.wait(), timeout_s)

    async def _close(self) -> None:
        self._reading.clear()
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            with contextlib.suppress(Exception):
                await bounded(consumer.stop(), CLIENT_STEP_SECONDS)

    async def _run(self) -> None:
        backoff = Backoff(first=0.5, cap=10.0)
        while True:
            try:
                await self._connect()
                backoff.reset()
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                wait = backoff.delay()
                log.warning("mqtt downlinks: %r; reconnecting in %.1fs", exc, wait)
                await self._close()
                await asyncio.sleep(wait)

    async def _connect(self) -> None:
        consumer = AIOKafkaConsumer(
            **kafka_client_options(self.settings),
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=None,
            client_id=f"{self.settings.service_name}-mqtt-downlinks",
            enable_auto_commit=False,
            auto_offset_reset="latest",
            consumer_timeout_ms=FETCHER_WAKE_MS,
        )
        ParkedFetches().watch(consumer)  # a lost broker's partitions fetched at once (ADR 0084)
        await start_client(consumer)
        self._consumer = consumer
        # without a group, a subscription is assigned every partition of the topic
        consumer.subscribe([self.topic])
        waited = Backoff(0.05, cap=1.0)
        deadline = asyncio.get_running_loop().time() + CLIENT_STEP_SECONDS
        while not consumer.assignment():
            if asyncio.get_running_loop().time() > deadline:
                raise ConnectionError(f"no partitions of {self.topic} (not created?)")
            await consumer.getmany(timeout_ms=100)  # drives the metadata and assignment
            await waited.sleep()
        assigned = sorted(consumer.assignment())
        await consumer.seek_to_end(*assigned)
        for tp in assigned:  # the end offsets are known: nothing published from now is missed
            await bounded(consumer.position(tp), CLIENT_STEP_SECONDS)
        # reading: idle fetches wait for a follower's long poll (a downlink completes one
        # at once; nothing else waits on this connection, ADR 0081)
        set_fetch_wait(consumer, 1, FOLLOWER_LONG_POLL_MS)
        self._reading.set()
        log.info("mqtt downlinks: reading %d partitions of %s", len(assigned), self.topic)

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=POLL_TIMEOUT_MS, max_records=500)
            for records in batches.values():
                for record in records:
                    await self._handle(record)

    async def _handle(self, record: ConsumerRecord[Any, Any]) -> None:
        try:
            data = decode_data(record.value, DeviceDownlinkRequestedV1)
            device_id = uuid.UUID(data.device_id)
            body = json.loads(data.payload)
        except (InvalidEvent, ValueError) as exc:
            log.warning(
                "mqtt downlinks: %s@%d not a downlink (%s)", record.topic, record.offset, exc
            )
            return
        kind = data.kind.value
        try:
            if data.kind is DownlinkKind.RPC and data.rpc_id is not None:
                if await self.rpc(device_id, data.rpc_id, body):
                    await self.delivered(device_id, data.rpc_id)
                    DOWNLINKS.labels(kind, "delivered").inc()
                else:
                    DOWNLINKS.labels(kind, "elsewhere").inc()
            elif data.kind is DownlinkKind.ATTRIBUTES and isinstance(body, dict):
                delivered = await self.attributes(device_id, body)
                DOWNLINKS.labels(kind, "delivered" if delivered else "elsewhere").inc()
        except Exception as exc:  # a connection gone meanwhile: the next message goes on
            log.info("mqtt downlinks: %s for %s not delivered (%s)", kind, device_id, exc)
            DOWNLINKS.labels(kind, "failed").inc()

"""The service's MQTT client: ThingsBoard's device topics in, RPC requests out.

It connects to ``MQTT_URL`` (any broker that mounts device sessions under
``<prefix>/<device id>/``, as :mod:`device_ingestion.mqtt.broker` does for the tests), and
subscribes to::

    <prefix>/+/v1/devices/me/telemetry         ThingsBoard telemetry payloads
    <prefix>/+/v1/devices/me/attributes        client attributes
    <prefix>/+/v1/devices/me/rpc/response/+    answers to RPC requests
    <prefix>/+/v1/gateway/telemetry            edge gateways: {"<device name>": [...]}

Messages are handled concurrently (bounded), each waiting for Kafka's acknowledgement.
On an external broker (``persistent=True``) the client keeps a persistent session (stable
client id, clean session off) and acknowledges a QoS 1 message only after it was handled
(paho's manual ack): a message the service had not yet put on Kafka when it crashed, or that
Kafka did not confirm, is delivered again by the broker. When Kafka does not confirm, the
client reconnects so that the broker redelivers what is unacknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

import aiomqtt

from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef
from device_ingestion.mqtt.handling import INGESTED, Verdict, handle_device_message
from device_ingestion.usecases.ingest import Ingest
from sc_core.retry import Backoff

log = logging.getLogger(__name__)

RpcResponder = Callable[[DeviceRef, int, Any], Awaitable[object]]


class MqttBridge:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str,
        password: str,
        directory: DeviceDirectory,
        ingest: Ingest,
        on_rpc_response: RpcResponder | None = None,
        prefix: str = "devices",
        shared_group: str = "",
        max_in_flight: int = 2000,
        persistent: bool = False,
        client_id: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.directory = directory
        self.ingest = ingest
        self.prefix = prefix.strip("/")
        self.shared_group = shared_group
        self.on_rpc_response = on_rpc_response
        self._slots = asyncio.Semaphore(max_in_flight)
        self._client: aiomqtt.Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self.connected = asyncio.Event()
        self.persistent = persistent
        self.client_id = client_id or f"{username}-{uuid.uuid4().hex[:8]}"

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> MqttBridge:
        parsed = urlparse(url)
        return cls(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 1883,
            username=parsed.username or kwargs.pop("username"),
            password=parsed.password or kwargs.pop("password"),
            **{k: v for k, v in kwargs.items() if k not in ("username", "password")},
        )

    def filters(self) -> list[str]:
        share = f"$share/{self.shared_group}/" if self.shared_group else ""
        base = f"{share}{self.prefix}/+"
        return [
            f"{base}/v1/devices/me/telemetry",
            f"{base}/v1/devices/me/attributes",
            f"{base}/v1/devices/me/rpc/response/+",
            f"{base}/v1/gateway/telemetry",
        ]

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run_forever(), name="mqtt-bridge")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._inflight):
            task.cancel()

    async def ready(self) -> None:
        if not self.connected.is_set():
            raise ConnectionError(f"not connected to the MQTT broker {self.host}:{self.port}")

    async def publish_rpc(self, device_id: uuid.UUID, rpc_id: int, body: dict[str, Any]) -> None:
        if self._client is None or not self.connected.is_set():
            raise ConnectionError("MQTT broker not connected")
        topic = f"{self.prefix}/{device_id}/v1/devices/me/rpc/request/{rpc_id}"
        await self._client.publish(topic, json.dumps(body).encode(), qos=1)

    async def _run_forever(self) -> None:
        backoff = Backoff(first=0.5, cap=10.0)
        while True:
            try:
                async with aiomqtt.Client(
                    self.host,
                    self.port,
                    username=self.username,
                    password=self.password,
                    identifier=self.client_id,
                    clean_session=not self.persistent,
                    max_queued_incoming_messages=50_000,
                ) as client:
                    self._client = client
                    if self.persistent:  # ack after handling, not on receipt
                        client._client.manual_ack_set(True)
                    for topic_filter in self.filters():
                        await client.subscribe(topic_filter, qos=1)
                    self.connected.set()
                    backoff.reset()
                    log.info("mqtt: connected to %s:%d", self.host, self.port)
                    async for message in client.messages:
                        await self._slots.acquire()
                        task = asyncio.create_task(self._handle(message))
                        self._inflight.add(task)
                        task.add_done_callback(self._done)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("mqtt: %s; reconnecting in %.1fs", exc, backoff.upcoming)
            finally:
                self.connected.clear()
                self._client = None
            await backoff.sleep()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._slots.release()

    async def _handle(self, message: aiomqtt.Message) -> None:
        topic = message.topic.value
        parts = topic.split("/")
        verdict = Verdict.ACCEPTED
        try:
            device_id = uuid.UUID(parts[1])
            device = await self.directory.by_id(device_id)
            rest = "/".join(parts[2:])
            if device is None:
                verdict = Verdict.INVALID
            elif rest in INGESTED:
                payload = message.payload
                raw = payload if isinstance(payload, bytes | bytearray) else str(payload).encode()
                verdict = await handle_device_message(self.ingest, device, rest, raw)
            elif rest.startswith("v1/devices/me/rpc/response/") and self.on_rpc_response:
                body = json.loads(bytes(message.payload))
                await self.on_rpc_response(device, int(parts[-1]), body)
        except (ValueError, IndexError, TypeError, UnicodeDecodeError) as exc:
            log.info("mqtt: dropped a malformed message on %s: %s", topic, exc)
        except Exception as exc:
            log.warning("mqtt: message on %s not handled: %s", topic, exc)
            verdict = Verdict.UNAVAILABLE
        if not self.persistent or self._client is None or message.qos == 0:
            return
        if verdict is Verdict.UNAVAILABLE:
            # not acknowledged: reconnect, and the broker delivers it again
            log.warning("mqtt: a message on %s was not confirmed; reconnecting", topic)
            self._client._client.disconnect()
            return
        self._client._client.ack(message.mid, message.qos)

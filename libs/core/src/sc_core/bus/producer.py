"""The Kafka producer every service uses: acks=all, idempotent unless told otherwise.

:class:`ProducerHandle` starts the producer lazily and starts a fresh one after a
failed start, so a service comes up and keeps answering while the broker is away; its
outbox relay simply retries until the broker is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaProducer

from sc_core.bus.steps import bounded
from sc_core.kafka import kafka_client_options
from sc_core.settings import ServiceSettings

log = logging.getLogger(__name__)

START_SECONDS = 30.0
"""Longest a producer may take to start (or to stop after a failed start)."""


def make_producer(
    bootstrap_servers: str,
    *,
    client_id: str,
    enable_idempotence: bool = True,
    linger_ms: int = 0,
    request_timeout_ms: int = 15000,
    client_options: Mapping[str, Any] | None = None,
) -> AIOKafkaProducer:
    """``client_options``: the connection's security, from :func:`kafka_client_options`."""
    return AIOKafkaProducer(
        **(client_options or {}),
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=enable_idempotence,
        linger_ms=linger_ms,
        request_timeout_ms=request_timeout_ms,
        max_batch_size=256 * 1024,
        retry_backoff_ms=200,
    )


class ProducerHandle:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        enable_idempotence: bool = True,
        linger_ms: int = 0,
        request_timeout_ms: int = 15000,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_options = dict(client_options or {})
        self.client_id = client_id
        self.enable_idempotence = enable_idempotence
        self.linger_ms = linger_ms
        self.request_timeout_ms = request_timeout_ms
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> ProducerHandle:
        return cls(
            settings.kafka_bootstrap_servers,
            client_id=settings.service_name,
            enable_idempotence=settings.kafka_enable_idempotence,
            linger_ms=settings.kafka_linger_ms,
            client_options=kafka_client_options(settings),
        )

    @property
    def started(self) -> bool:
        return self._producer is not None

    async def get(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        async with self._lock:
            if self._producer is None:
                producer = make_producer(
                    self.bootstrap_servers,
                    client_id=self.client_id,
                    enable_idempotence=self.enable_idempotence,
                    linger_ms=self.linger_ms,
                    request_timeout_ms=self.request_timeout_ms,
                    client_options=self.client_options,
                )
                try:
                    await bounded(producer.start(), START_SECONDS)
                except BaseException:
                    with contextlib.suppress(Exception):
                        await bounded(producer.stop(), START_SECONDS)
                    raise
                self._producer = producer
            return self._producer

    async def close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def abandon(self) -> None:
        """Drop the producer without waiting for its pending batches.

        aiokafka retries a batch for a partition whose leader is unreachable for as long
        as it lives, and ``stop()`` waits for those batches. After a failed publish we
        stop its sender task first, which fails every pending batch at once, then close
        it; the next :meth:`get` starts a fresh producer. The outbox still holds every
        unconfirmed event, so nothing is lost.
        """
        if self._producer is None:
            return
        producer, self._producer = self._producer, None
        sender = getattr(producer, "_sender", None)
        task = getattr(sender, "sender_task", None)
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        with contextlib.suppress(Exception):
            await bounded(producer.stop(), 5)

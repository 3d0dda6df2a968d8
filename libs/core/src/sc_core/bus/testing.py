"""Feeding every consumer of a service the longest valid events its contracts allow.

No schema-valid event may be dead-lettered (issue 18): a column narrower than the
contract, a text field cut short, a number out of a column's range are found here, not
in production. A service test builds its app (migrated, real PostgreSQL), then::

    fed = await feed_longest(runtime, overrides={
        "community.device.command_requested.v1": {"device_id": device.id},
    })

Each of the runtime's consumers gets, for each event type it handles, the event type's
example with every limit its contract states reached (:func:`sc_contracts.longest.longest`),
through :meth:`EventConsumer.handle_event` (the handler, its unit of work and inbox row,
no broker). A handler that fails raises here with the consumer and the type named.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sc_contracts.longest import longest
from sc_contracts.registry import get_event_spec
from sc_core.bus.cloudevents import CloudEvent


class RefusedLongest(AssertionError):
    """A consumer failed on a schema-valid event."""


async def feed_longest(
    runtime: Any, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> list[tuple[str, str]]:
    """Hand every consumer of ``runtime`` the longest valid event of each type it handles;
    ``(consumer, event type)`` for each one fed. ``overrides``: fields by event type."""
    fed: list[tuple[str, str]] = []
    for consumer in runtime.consumers:
        for event_type in consumer.event_types:
            spec = get_event_spec(event_type)
            data = longest(event_type, **(overrides or {}).get(event_type, {}))
            event = CloudEvent.of(
                spec.model.model_validate(data),
                source="/tests/longest",
                subject=str(uuid.uuid4()),
            )
            try:
                await consumer.handle_event(event, topic=spec.topic)
            except Exception as exc:
                raise RefusedLongest(
                    f"consumer {consumer.name} failed on the longest valid {event_type}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            fed.append((consumer.name, event_type))
    return fed

"""Publishing identity's events through the outbox of the caller's unit of work."""

from __future__ import annotations

from sc_contracts import get_event_spec
from sc_contracts.events import EventData
from sc_core.bus import CloudEvent
from sc_core.db.uow import UnitOfWork

SOURCE = "/services/identity"


async def emit(uow: UnitOfWork, event_type: str, data: EventData, *, key: str) -> CloudEvent:
    """Write one event to the outbox; it is published only if ``uow`` commits."""
    spec = get_event_spec(event_type)
    if not isinstance(data, spec.model):
        raise TypeError(f"{event_type} carries {spec.model.__name__}, not {type(data).__name__}")
    event = CloudEvent.create(event_type, SOURCE, data, subject=key)
    await uow.publish(spec.topic, event, key=key)
    return event

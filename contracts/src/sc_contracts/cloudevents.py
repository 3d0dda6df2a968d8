"""CloudEvents 1.0 in Kafka binary mode: the headers every message carries.

The body is the event ``data`` as JSON (``content-type: application/json``); the context
attributes travel as ``ce_*`` headers, and W3C trace context as ``traceparent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sc_contracts.registry import EventSpec, get_event_spec

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


@dataclass(frozen=True)
class HeaderSpec:
    name: str
    description: str
    required: bool
    format: str | None = None
    pattern: str | None = None


HEADERS: tuple[HeaderSpec, ...] = (
    HeaderSpec("ce_id", "Event id, unique per source; consumers dedupe on (source, id).", True),
    HeaderSpec("ce_source", "URI reference of the producer, e.g. /services/alarm.", True),
    HeaderSpec("ce_type", "Event type, e.g. community.alarm.raised.v1.", True),
    HeaderSpec("ce_specversion", "CloudEvents version, always 1.0.", True),
    HeaderSpec("ce_time", "When the occurrence happened, RFC 3339.", True, format="date-time"),
    HeaderSpec("ce_subject", "Id of the aggregate the event is about (the message key).", False),
    HeaderSpec("ce_dataschema", "URI of the data schema of ce_type.", True, format="uri"),
    HeaderSpec("content-type", "Media type of the body, application/json.", True),
    HeaderSpec(
        "traceparent", "W3C trace context of the request.", False, pattern=TRACEPARENT_PATTERN
    ),
)


@dataclass(frozen=True)
class CloudEventHeaders:
    """Context attributes of one event, as read from or written to Kafka headers."""

    id: str
    source: str
    type: str
    time: datetime
    subject: str | None = None
    dataschema: str | None = None
    traceparent: str | None = None
    specversion: str = SPEC_VERSION
    content_type: str = CONTENT_TYPE

    @property
    def spec(self) -> EventSpec:
        return get_event_spec(self.type)

    def to_kafka(self) -> list[tuple[str, bytes]]:
        """Kafka headers in a stable order; ``ce_dataschema`` defaults to the spec's URI."""
        if self.time.tzinfo is None:
            raise ValueError("ce_time must be timezone-aware")
        values: dict[str, str | None] = {
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_specversion": self.specversion,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.subject,
            "ce_dataschema": self.dataschema or self.spec.schema_uri,
            "content-type": self.content_type,
            "traceparent": self.traceparent,
        }
        return [(k, v.encode()) for k, v in values.items() if v is not None]

    @classmethod
    def from_kafka(cls, headers: Iterable[tuple[str, bytes]]) -> CloudEventHeaders:
        """Parse Kafka headers; raises ``ValueError`` naming missing required headers."""
        values: Mapping[str, str] = {k: v.decode() for k, v in headers}
        missing = [h.name for h in HEADERS if h.required and h.name not in values]
        if missing:
            raise ValueError(f"missing CloudEvents headers: {missing}")
        if values["ce_specversion"] != SPEC_VERSION:
            raise ValueError(f"unsupported ce_specversion {values['ce_specversion']}")
        time = datetime.fromisoformat(values["ce_time"])
        if time.tzinfo is None:
            raise ValueError("ce_time must carry a UTC offset")
        return cls(
            id=values["ce_id"],
            source=values["ce_source"],
            type=values["ce_type"],
            time=time,
            subject=values.get("ce_subject"),
            dataschema=values.get("ce_dataschema"),
            traceparent=values.get("traceparent"),
            content_type=values["content-type"],
        )

"""CloudEvents 1.0 in Kafka binary content mode.

Attributes travel as ``ce_*`` headers, the data as the JSON message value, the
partition key as the message key. ``traceparent``/``tracestate`` ride along as headers
(W3C trace context) so a consumer continues the producer's trace.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
_REQUIRED = ("id", "source", "type", "specversion")
_OPTIONAL = ("time", "subject", "dataschema")


class InvalidEvent(ValueError):
    """A Kafka message that is not a valid binary-mode CloudEvent."""


@dataclass
class CloudEvent:
    type: str
    source: str
    data: dict[str, Any]
    subject: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    dataschema: str | None = None
    specversion: str = SPECVERSION
    extensions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        type: str,
        source: str,
        data: BaseModel | dict[str, Any],
        *,
        subject: str | None = None,
        dataschema: str | None = None,
        id: str | None = None,
    ) -> CloudEvent:
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        if dataschema is None:
            dataschema = _schema_uri(type)
        event = cls(type=type, source=source, data=payload, subject=subject, dataschema=dataschema)
        if id is not None:
            event.id = id
        return event

    def headers(self) -> list[tuple[str, bytes]]:
        out = [
            ("ce_specversion", self.specversion.encode()),
            ("ce_id", self.id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]
        if self.subject is not None:
            out.append(("ce_subject", self.subject.encode()))
        if self.dataschema is not None:
            out.append(("ce_dataschema", self.dataschema.encode()))
        for name, value in sorted(self.extensions.items()):
            out.append((name, value.encode()))
        return out

    def body(self) -> bytes:
        return json.dumps(self.data, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_kafka(cls, headers: list[tuple[str, bytes]] | None, value: bytes | None) -> CloudEvent:
        # the hot path of every consumer (thousands of records a second): one pass over
        # the headers, no intermediate dicts, the clock read only when ce_time is absent
        attrs: dict[str, str] = {}
        ext: dict[str, str] = {}
        for name, raw in headers or ():
            if name.startswith("ce_"):
                attrs[name[3:]] = _text(raw)
            elif name == "traceparent" or name == "tracestate":
                ext[name] = _text(raw)
        type_, source, id_ = attrs.get("type"), attrs.get("source"), attrs.get("id")
        specversion = attrs.get("specversion")
        if not (type_ and source and id_ and specversion):
            missing = [a for a in _REQUIRED if not attrs.get(a)]
            raise InvalidEvent(f"missing CloudEvents attributes: {', '.join(missing)}")
        if specversion != SPECVERSION:
            raise InvalidEvent(f"unsupported specversion {specversion!r}")
        if value:
            try:
                data = _decode_json(value.decode() if isinstance(value, bytes) else value)
            except (ValueError, UnicodeDecodeError) as exc:
                raise InvalidEvent(f"body is not JSON: {exc}") from exc
            if type(data) is not dict:
                raise InvalidEvent("body must be a JSON object")
        else:
            data = {}
        stamp = attrs.get("time")
        if stamp:
            try:
                time = datetime.fromisoformat(stamp)
            except ValueError as exc:
                raise InvalidEvent(f"bad ce_time {stamp!r}") from exc
        else:
            time = datetime.now(UTC)
        return cls(
            type_,
            source,
            data,
            attrs.get("subject"),
            id_,
            time,
            attrs.get("dataschema"),
            SPECVERSION,
            ext,
        )


_decode_json = json.JSONDecoder().decode


def _text(raw: bytes | None) -> str:
    if raw is None:
        return ""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def _schema_uri(event_type: str) -> str | None:
    """The committed schema of ``event_type`` when the contracts know it."""
    try:
        from sc_contracts import get_event_spec
    except ImportError:  # pragma: no cover - contracts is a declared dependency
        return None
    try:
        return str(get_event_spec(event_type).schema_uri)
    except KeyError:
        return None

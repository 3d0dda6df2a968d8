"""CloudEvents 1.0 in Kafka binary content mode: the one codec of the platform.

Attributes travel as ``ce_*`` headers, the data as the JSON message value, the partition
key as the message key. ``traceparent``/``tracestate`` ride along as headers (W3C trace
context) so a consumer continues the producer's trace. The outbox relay, every consumer
(one by one or in batches), the telemetry hot path and the tests use this module and
nothing else to write or read an event:

- :class:`Envelope`: the context attributes (``id``, ``source``, ``type``, ``time``,
  ``subject``, ``dataschema``), read from and written to headers in one place;
- :class:`CloudEvent`: an envelope with its data as a dict (what the outbox stores);
  ``CloudEvent.of(model, source=...)`` builds one from a contract model, whose class knows
  its type (``AlarmRaisedV1.event_type``);
- :func:`decode_data` parses a message value straight into a contract model (pydantic-core
  parses and validates the JSON in one pass: faster than ``json.loads`` alone), and
  :class:`HeaderTemplate` encodes the headers many events of one request share once (the
  telemetry publisher's hot path).
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sc_contracts.events import EventData
from sc_core.bus.reasons import fields_wrong

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
_REQUIRED = ("id", "source", "type", "specversion")
_TRACE_HEADERS = ("traceparent", "tracestate")

M = TypeVar("M", bound=EventData)


class InvalidEvent(ValueError):
    """A Kafka message that is not a valid binary-mode CloudEvent (or whose data does not
    fit the contract model it was read as)."""


@dataclass(slots=True)
class Envelope:
    """The context attributes of one event, without its data."""

    type: str
    source: str
    id: str
    time: datetime
    subject: str | None = None
    dataschema: str | None = None
    specversion: str = SPECVERSION
    extensions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_headers(cls, headers: Iterable[tuple[str, bytes]] | None) -> Envelope:
        """Read the attributes from Kafka headers; :class:`InvalidEvent` when one is missing.

        The hot path of every consumer (thousands of records a second): one pass over the
        headers, no intermediate dicts, the clock read only when ``ce_time`` is absent.
        """
        attrs: dict[str, str] = {}
        ext: dict[str, str] = {}
        for name, raw in headers or ():
            if name.startswith("ce_"):
                attrs[name[3:]] = _text(raw)
            elif name in _TRACE_HEADERS:
                ext[name] = _text(raw)
        type_, source, id_ = attrs.get("type"), attrs.get("source"), attrs.get("id")
        specversion = attrs.get("specversion")
        if not (type_ and source and id_ and specversion):
            missing = [a for a in _REQUIRED if not attrs.get(a)]
            raise InvalidEvent(f"missing CloudEvents attributes: {', '.join(missing)}")
        if specversion != SPECVERSION:
            raise InvalidEvent(f"unsupported specversion {specversion!r}")
        stamp = attrs.get("time")
        if stamp:
            try:
                time = datetime.fromisoformat(stamp)
            except ValueError as exc:
                raise InvalidEvent(f"bad ce_time {stamp!r}") from exc
        else:
            time = datetime.now(UTC)
        subject, dataschema = attrs.get("subject"), attrs.get("dataschema")
        return cls(type_, source, id_, time, subject, dataschema, SPECVERSION, ext)

    def headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers in a stable order; a time without a UTC offset is refused."""
        if self.time.tzinfo is None:
            raise ValueError("ce_time must be timezone-aware")
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


@dataclass
class CloudEvent:
    """An event with its data as a dict: what the outbox stores and the relay sends."""

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
    def of(
        cls,
        data: EventData,
        *,
        source: str,
        subject: str | None = None,
        id: str | None = None,
        time: datetime | None = None,
    ) -> CloudEvent:
        """The event of a contract model: its type and schema come from the model's class."""
        model = type(data)
        event_type = vars(model).get("event_type")
        if event_type is None:
            raise ValueError(f"{model.__name__} is not a registered event type")
        event = cls(
            type=event_type,
            source=source,
            data=data.model_dump(mode="json"),
            subject=subject,
            dataschema=model.schema_uri,
        )
        if id is not None:
            event.id = id
        if time is not None:
            event.time = time
        return event

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
        """An event of ``type`` (a string): for data that is not a contract model (the
        audit record's dict); a model goes through :meth:`of`."""
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        if dataschema is None:
            dataschema = _schema_uri(type)
        event = cls(type=type, source=source, data=payload, subject=subject, dataschema=dataschema)
        if id is not None:
            event.id = id
        return event

    @property
    def envelope(self) -> Envelope:
        return Envelope(
            self.type,
            self.source,
            self.id,
            self.time,
            self.subject,
            self.dataschema,
            self.specversion,
            self.extensions,
        )

    def headers(self) -> list[tuple[str, bytes]]:
        return self.envelope.headers()

    def body(self) -> bytes:
        return encode_data(self.data)

    def parse(self, model: builtins.type[M]) -> M:
        """The data as ``model``; :class:`InvalidEvent` when it does not fit."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise InvalidEvent(f"not a {model.__name__}: {fields_wrong(exc)}") from exc

    @classmethod
    def from_kafka(cls, headers: list[tuple[str, bytes]] | None, value: bytes | None) -> CloudEvent:
        return cls.from_envelope(Envelope.from_headers(headers), value)

    @classmethod
    def from_envelope(cls, env: Envelope, value: bytes | None) -> CloudEvent:
        """The event of attributes already read and a message value (a JSON object)."""
        if value:
            try:
                data = _decode_json(value.decode() if isinstance(value, bytes) else value)
            except (ValueError, UnicodeDecodeError) as exc:
                raise InvalidEvent(f"body is not JSON: {exc}") from exc
            if type(data) is not dict:
                raise InvalidEvent("body must be a JSON object")
        else:
            data = {}
        return cls(
            env.type,
            env.source,
            data,
            env.subject,
            env.id,
            env.time,
            env.dataschema,
            env.specversion,
            env.extensions,
        )


def decode_data(value: bytes | None, model: type[M]) -> M:
    """A message value parsed and validated as ``model`` in one pass (pydantic-core);
    :class:`InvalidEvent` when it is not JSON or does not fit."""
    try:
        return model.model_validate_json(value or b"{}")
    except ValidationError as exc:
        raise InvalidEvent(f"not a {model.__name__}: {fields_wrong(exc)}") from exc


def encode_data(data: EventData | dict[str, Any]) -> bytes:
    """The message value of an event's data (compact JSON, UTF-8)."""
    if isinstance(data, BaseModel):
        return data.model_dump_json().encode()
    return _encode_json(data).encode()


class HeaderTemplate:
    """The headers many events of one type, source and time share, encoded once; each
    event adds its id and subject (the telemetry publisher sends thousands a second)::

        template = HeaderTemplate(TelemetryRecordedV1, source=..., time=received_at)
        headers = template.headers(f"{request_id}-{n}", subject=device_id)
    """

    def __init__(
        self,
        model: type[EventData],
        *,
        source: str,
        time: datetime,
        extensions: dict[str, str] | None = None,
    ) -> None:
        shared = Envelope(
            model.event_type,
            source,
            "",
            time,
            dataschema=model.schema_uri,
            extensions=dict(extensions or {}),
        ).headers()
        self._shared = [(k, v) for k, v in shared if k != "ce_id"]

    def headers(self, id: str, subject: str | None = None) -> list[tuple[str, bytes]]:
        out = [*self._shared, ("ce_id", id.encode())]
        if subject is not None:
            out.append(("ce_subject", subject.encode()))
        return out


_decode_json = json.JSONDecoder().decode
_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _text(raw: bytes | None) -> str:
    if raw is None:
        return ""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def _schema_uri(event_type: str) -> str | None:
    """The committed schema of ``event_type`` when the contracts know it."""
    from sc_contracts import get_event_spec

    try:
        return str(get_event_spec(event_type).schema_uri)
    except KeyError:
        return None

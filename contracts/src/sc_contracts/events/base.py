"""Building blocks shared by every event model.

Every event's CloudEvents ``data`` is an :class:`EventData`. Models ignore unknown fields
on read, so a consumer built against version N keeps working when a producer adds an
optional field in a later version.

Only a small set of field types is allowed, so that every model maps cleanly onto JSON
Schema and Avro (see :mod:`sc_contracts.avro`): ``str``, ``int``, ``float``, ``bool``,
``UUID``, aware ``datetime``, ``StrEnum`` subclasses, nested ``EventData`` models,
``list[...]``, ``dict[str, ...]``, the :data:`Scalar` union and ``X | None``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

Scalar = bool | int | float | str
"""A JSON scalar. ``bool`` comes first so that ``True`` never turns into ``1``."""


class EventData(BaseModel):
    """Base class of every event payload (the CloudEvents ``data``).

    Unknown fields are ignored on read (forward compatibility); instances are immutable.

    A model registered in :mod:`sc_contracts.registry` knows its CloudEvents ``type``, its
    topic in the catalogue and its ``dataschema`` (class attributes, filled from the
    registry), so code publishes and subscribes by model, never by a typed-out string::

        AlarmRaisedV1.event_type == "community.alarm.raised.v1"
        AlarmRaisedV1.topic == "alarm.events.v1"
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    """CloudEvents ``type`` (set by the registry; absent on unregistered models)."""
    topic: ClassVar[str]
    """Catalogue topic of the type (``contracts/topics.yaml``)."""
    schema_uri: ClassVar[str]
    """CloudEvents ``dataschema`` of the type."""


class Severity(StrEnum):
    """Alarm severity, most severe first (the ThingsBoard scale)."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"
    INDETERMINATE = "indeterminate"

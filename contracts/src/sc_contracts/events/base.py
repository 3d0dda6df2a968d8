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

from pydantic import BaseModel, ConfigDict

Scalar = bool | int | float | str
"""A JSON scalar. ``bool`` comes first so that ``True`` never turns into ``1``."""


class EventData(BaseModel):
    """Base class of every event payload (the CloudEvents ``data``).

    Unknown fields are ignored on read (forward compatibility); instances are immutable.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)


class Severity(StrEnum):
    """Alarm severity, most severe first (the ThingsBoard scale)."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"
    INDETERMINATE = "indeterminate"

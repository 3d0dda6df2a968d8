"""Pydantic types every service's API bodies share.

``Omittable[T]``: a field of a PATCH body that may be left out (unchanged) but never set
to ``null``. ``name: Label | None = None`` let ``{"name": null}`` through to a NOT NULL
column, a 500 from the database (issue 30.11); ``name: Omittable[Label] = None`` refuses
it as a 422 ``request.validation_failed`` whose error names the field (type
``not_null``), and the OpenAPI schema does not offer ``null`` either. A field the
client may clear (an address) stays ``X | None``.

``TimeZoneName``: an IANA time zone (``Asia/Shanghai``) that :class:`zoneinfo.ZoneInfo`
knows. A free ``str`` was stored as given and failed later where the zone was first used
(a tariff's fee on a car's exit, issue 30): anything else is a 422 whose error names the
field (type ``time_zone``).

``Day``, ``Instant`` and ``AwareInstant``: a date / date-time (with its offset) in the
years 1900-2200. A bare ``date`` took
``9999-12-31`` and a date-time ``0001-01-01T00:00:00+08:00`` (before the year 1 in UTC),
which failed in the database or in arithmetic (issue 30); the schema states the range as
``formatMinimum`` / ``formatMaximum`` and anything outside is a 422 (type ``date_range``).

``JsonObject``: a free-form JSON object (a device command's ``params``, a form's data)
with bounds: at most 64 keys per object, keys of at most 64 characters, at most 4 levels
of nesting and 16 KiB as JSON (``Annotated[dict[str, Any], JsonBounds(max_depth=8)]``
for other limits). A
``dict[str, Any]`` took anything the body size limit let through. Anything else is a 422
(type ``json_bounds``) naming the limit.

:func:`sc_core.request_bounds.unbounded_inputs` finds the inputs that lack such a bound.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue, SkipJsonSchema
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "AwareInstant",
    "Day",
    "Instant",
    "JsonBounds",
    "JsonObject",
    "Omittable",
    "TimeZoneName",
]

T = TypeVar("T")


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "not_null", "This field may be left out but not set to null (此字段可省略，不可为 null)"
        )
    return value


Omittable = Annotated[T | SkipJsonSchema[None], BeforeValidator(_refuse_null)]


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise PydanticCustomError(
            "time_zone",
            "Not a known time zone such as Asia/Shanghai (不是已知的时区，如 Asia/Shanghai)",
        ) from None
    return value


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Asia/Shanghai"]),
    AfterValidator(_time_zone),
]


FIRST_YEAR = 1900
LAST_YEAR = 2200


@dataclass(frozen=True)
class _SchemaExtra:
    """Adds keywords to the JSON schema pydantic makes for the annotated type."""

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(
        self, inner: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(inner)
        schema.update(dict(self.keywords))
        return schema


def _in_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_range",
            "A date in the years {first}-{last}",
            {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


Day = Annotated[
    date,
    AfterValidator(_in_years),
    _SchemaExtra(
        (("formatMinimum", f"{FIRST_YEAR}-01-01"), ("formatMaximum", f"{LAST_YEAR}-12-31"))
    ),
]
_INSTANT_RANGE = _SchemaExtra(
    (
        ("formatMinimum", f"{FIRST_YEAR}-01-01T00:00:00Z"),
        ("formatMaximum", f"{LAST_YEAR}-12-31T23:59:59Z"),
    )
)
Instant = Annotated[datetime, AfterValidator(_in_years), _INSTANT_RANGE]
AwareInstant = Annotated[AwareDatetime, AfterValidator(_in_years), _INSTANT_RANGE]
"""An :data:`Instant` that must carry its offset (``+08:00``, ``Z``)."""


@dataclass(frozen=True)
class JsonBounds:
    """The bounds of a free-form JSON object: ``Annotated[dict[str, Any], JsonBounds()]``."""

    max_keys: int = 64
    max_depth: int = 4
    max_bytes: int = 16_384

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found.update(maxProperties=self.max_keys, propertyNames={"maxLength": 64})
        return found

    def _too_big(self) -> PydanticCustomError:
        return PydanticCustomError(
            "json_bounds",
            "A JSON object of at most {max_keys} keys (of at most 64 characters) or items "
            "per level, {max_depth} levels and {max_bytes} bytes",
            {"max_keys": self.max_keys, "max_depth": self.max_depth, "max_bytes": self.max_bytes},
        )

    def _check(self, value: Any, depth: int) -> None:
        if not isinstance(value, dict | list):
            return
        if depth > self.max_depth:
            raise self._too_big()
        if len(value) > self.max_keys:
            raise self._too_big()
        if isinstance(value, dict):
            if any(len(k) > 64 for k in value):
                raise self._too_big()
            value = list(value.values())
        for item in value:
            self._check(item, depth + 1)

    def validate(self, value: Any) -> Any:
        self._check(value, 1)
        if len(json.dumps(value, ensure_ascii=False, default=str).encode()) > self.max_bytes:
            raise self._too_big()
        return value


JsonObject = Annotated[dict[str, Any], JsonBounds()]

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
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

__all__ = ["Omittable", "TimeZoneName"]

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

"""Pydantic types every service's API bodies share.

``Omittable[T]``: a field of a PATCH body that may be left out (unchanged) but never set
to ``null``. ``name: Label | None = None`` let ``{"name": null}`` through to a NOT NULL
column, a 500 from the database (issue 30.11); ``name: Omittable[Label] = None`` refuses
it as a 422 ``request.validation_failed`` whose error names the field (type
``not_null``), and the OpenAPI schema does not offer ``null`` either. A field the
client may clear (an address) stays ``X | None``.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

__all__ = ["Omittable"]

T = TypeVar("T")


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "not_null", "This field may be left out but not set to null (此字段可省略，不可为 null)"
        )
    return value


Omittable = Annotated[T | SkipJsonSchema[None], BeforeValidator(_refuse_null)]

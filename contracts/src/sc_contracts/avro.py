"""Avro schemas derived from the pydantic event models.

Mapping (documented in ``contracts/README.md``):

- ``str`` -> ``string``; ``int`` -> ``long``; ``float`` -> ``double``; ``bool`` -> ``boolean``
- ``UUID`` -> ``string`` with logical type ``uuid``
- ``datetime`` -> ``string`` holding an RFC 3339 date-time, marked ``"x-format": "date-time"``
  (the same text as in the JSON body, so an Avro record and the JSON ``data`` are the same
  value and no precision or offset is lost)
- ``StrEnum`` -> ``enum`` named after the class; nested models -> ``record``
- ``list[X]`` -> ``array``; ``dict[str, X]`` -> ``map``
- ``bool | int | float | str`` -> union ``["boolean", "long", "double", "string"]``
- ``X | None`` -> union ``["null", X]`` with default ``null``; other defaults are kept.
"""

from __future__ import annotations

import inspect
import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel
from pydantic_core import PydanticUndefined

from sc_contracts.registry import EventSpec

AvroSchema = Any
_PRIMITIVES: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}


def avro_schema(spec: EventSpec) -> dict[str, Any]:
    """The Avro record schema of ``spec``'s data, named after its model."""
    namespace = spec.type
    builder = _Builder(namespace)
    record = builder.record(spec.model, top_level=True)
    record["doc"] = spec.description
    record["x-event-type"] = spec.type
    record["x-dataschema"] = spec.schema_uri
    return record


class _Builder:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.defined: set[str] = set()

    def record(self, model: type[BaseModel], top_level: bool = False) -> AvroSchema:
        name = model.__name__
        if name in self.defined:
            return name
        self.defined.add(name)
        fields = []
        for field_name, info in model.model_fields.items():
            field: dict[str, Any] = {"name": field_name, "type": self.type_of(info.annotation)}
            if info.description:
                field["doc"] = info.description
            default = _default(info)
            if default is not PydanticUndefined:
                field["default"] = default
            fields.append(field)
        schema: dict[str, Any] = {"type": "record", "name": name, "fields": fields}
        if top_level:
            schema["namespace"] = self.namespace
        doc = inspect.getdoc(model)
        if doc and not top_level:
            schema["doc"] = doc
        return schema

    def type_of(self, annotation: Any) -> AvroSchema:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            return self.type_of(args[0])
        if origin in (typing.Union, types.UnionType):
            return self.union(args)
        if origin is list:
            return {"type": "array", "items": self.type_of(args[0])}
        if origin is dict:
            if args[0] is not str:
                raise TypeError(f"map keys must be str, not {args[0]!r}")
            return {"type": "map", "values": self.type_of(args[1])}
        if isinstance(annotation, type):
            return self.named_or_primitive(annotation)
        raise TypeError(f"no Avro mapping for {annotation!r}")

    def named_or_primitive(self, cls: type) -> AvroSchema:
        if issubclass(cls, Enum):
            if cls.__name__ in self.defined:
                return cls.__name__
            self.defined.add(cls.__name__)
            enum: dict[str, Any] = {
                "type": "enum",
                "name": cls.__name__,
                "symbols": [member.value for member in cls],
            }
            if doc := inspect.getdoc(cls):
                enum["doc"] = doc
            return enum
        if issubclass(cls, BaseModel):
            return self.record(cls)
        if issubclass(cls, datetime) or cls is AwareDatetime:
            return {"type": "string", "x-format": "date-time"}
        if issubclass(cls, UUID):
            return {"type": "string", "logicalType": "uuid"}
        if cls in _PRIMITIVES:
            return _PRIMITIVES[cls]
        raise TypeError(f"no Avro mapping for {cls!r}")

    def union(self, args: tuple[Any, ...]) -> list[AvroSchema]:
        has_null = type(None) in args
        branches = [self.type_of(a) for a in args if a is not type(None)]
        flat: list[AvroSchema] = []
        for branch in branches:
            flat.extend(branch if isinstance(branch, list) else [branch])
        return (["null"] if has_null else []) + flat


def _default(info: Any) -> Any:
    if info.default_factory is not None:
        value = info.default_factory()
    elif info.default is PydanticUndefined:
        return PydanticUndefined
    else:
        value = info.default
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID | datetime):
        return str(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value

"""Every value a client may send has a bound the schema states (issue 30).

An input without a bound was refused only where it hit the database: a 300-character
``community_id`` query parameter, a date in the year 9999, a free-form JSON object a
megabyte deep answered a 422 from the ``DataError`` handler at best and a 500 at worst,
and schemathesis found them one by one. :func:`unbounded_inputs` walks an OpenAPI
document (a service's ``app.openapi()``) from every operation's parameters and request
bodies and names each input without a bound, with the fix:

- a string without ``maxLength`` (an enum, a ``uuid``, a ``time``, an uploaded file, a
  raw non-JSON body and a pattern anchored at both ends without ``*``/``+``/``{n,}`` carry
  their own bound): ``max_length=`` (ids 64, names 64–200, free text 2,000–10,000);
- a ``date`` / ``date-time`` without a range: :data:`sc_core.schema.Day` /
  :data:`sc_core.schema.Instant` (1900–2200);
- an integer or number without a minimum and a maximum: ``ge=`` and ``le=``;
- an object without declared properties (``dict``, ``Any``) and without
  ``maxProperties``: a typed model, or :data:`sc_core.schema.JsonObject`;
- a value of no type (``Any``): a typed model or a bounded type.

Each service's ``tests/test_<pkg>_request_bounds.py`` asserts the list is empty.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

__all__ = ["assert_inputs_bounded", "unbounded_inputs"]

METHODS = ("get", "put", "post", "delete", "patch")
_SELF_BOUNDED_FORMATS = {"uuid", "binary", "time", "byte"}
_DATE_FORMATS = {"date", "date-time"}
_OPEN_QUANTIFIER = re.compile(r"[*+]|\{\d*,\}")

FIX = {
    "string": "a string without maxLength: add max_length= (ids 64, names 64-200, "
    "free text 2000-10000) or make it an enum/Literal",
    "date": "a date without a range: use sc_core.schema.Day (date) or "
    "sc_core.schema.Instant (date-time), 1900-2200",
    "number": "a number without a range: add ge= and le= (or gt=/lt=)",
    "object": "a free-form object: use a typed model, or sc_core.schema.JsonObject "
    "(at most 64 keys, 4 levels, 16 KiB)",
    "any": "a value of no type (Any): use a typed model or a bounded type "
    "(sc_core.schema.JsonObject / JsonValue)",
}


def _bounded_pattern(pattern: str) -> bool:
    return (
        pattern.startswith("^") and pattern.endswith("$") and not _OPEN_QUANTIFIER.search(pattern)
    )


class _Walker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas = document.get("components", {}).get("schemas", {})
        self.found: list[str] = []
        self.operation = ""

    def report(self, where: str, kind: str) -> None:
        self.found.append(f"{self.operation} {where}: {FIX[kind]}")

    def walk(self, where: str, schema: dict[str, Any], stack: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in stack:
                self.walk(where, self.schemas.get(name, {}), stack | {name})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            if key in schema:
                branches = [b for b in schema[key] if b.get("type") != "null"]
                if sorted(b.get("type", "") for b in branches) == ["number", "string"]:
                    # a Decimal: its text form is parsed and held to the number's bounds
                    branches = [b for b in branches if b.get("type") == "number"]
                for branch in branches:
                    self.walk(where, branch, stack)
                return
        if "enum" in schema or "const" in schema:
            return
        kind = schema.get("type")
        if kind == "string":
            self.string(where, schema)
        elif kind in ("integer", "number"):
            low = "minimum" in schema or "exclusiveMinimum" in schema
            high = "maximum" in schema or "exclusiveMaximum" in schema
            if not (low and high):
                self.report(where, "number")
        elif kind == "array":
            for i, item in enumerate(schema.get("prefixItems", [])):
                self.walk(f"{where}[{i}]", item, stack)
            if isinstance(schema.get("items"), dict):
                self.walk(f"{where}[]", schema["items"], stack)
        elif kind == "object" or "properties" in schema:
            self.object(where, schema, stack)
        elif kind is None:
            self.report(where, "any")

    def string(self, where: str, schema: dict[str, Any]) -> None:
        fmt = schema.get("format")
        if fmt in _DATE_FORMATS:
            if "formatMinimum" not in schema or "formatMaximum" not in schema:
                self.report(where, "date")
        elif fmt in _SELF_BOUNDED_FORMATS or "contentMediaType" in schema:
            return
        elif "maxLength" not in schema and not _bounded_pattern(schema.get("pattern", "")):
            self.report(where, "string")

    def object(self, where: str, schema: dict[str, Any], stack: frozenset[str]) -> None:
        properties = schema.get("properties", {})
        for name, sub in properties.items():
            self.walk(f"{where}.{name}", sub, stack)
        extra = schema.get("additionalProperties")
        if "maxProperties" in schema:
            if isinstance(extra, dict) and extra:
                self.walk(f"{where}.*", extra, stack)
            return
        if (extra is None and not properties) or extra is True:
            self.report(where, "object")
        elif isinstance(extra, dict):
            self.report(where, "object")
            self.walk(f"{where}.*", extra, stack)


def unbounded_inputs(document: dict[str, Any]) -> list[str]:
    """Each input of ``document``'s operations without a bound, as ``METHOD path where: fix``
    (``where`` is ``query:name``, ``path:name``, ``header:name`` or ``body.field[].field``)."""
    walker = _Walker(document)
    for path, item in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            walker.operation = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                where = f"{parameter['in']}:{parameter['name']}"
                walker.walk(where, parameter.get("schema", {}), frozenset())
            content = operation.get("requestBody", {}).get("content", {})
            for media_type, media in sorted(content.items()):
                schema = media.get("schema", {})
                raw = "json" not in media_type and "form" not in media_type
                if raw and schema.get("type") == "string":
                    continue  # a raw body (text/csv, an image): the body size limit bounds it
                walker.walk(
                    "body" if media_type.endswith("json") else f"body({media_type})",
                    schema,
                    frozenset(),
                )
    return sorted(set(walker.found))


def assert_inputs_bounded(document: dict[str, Any], known: Collection[str] = ()) -> None:
    """Fail naming every unbounded input of ``document`` but those in ``known`` (each as
    ``METHOD path where``: the part of a finding before its colon and space)."""
    found = [line for line in unbounded_inputs(document) if line.split(": ", 1)[0] not in known]
    if found:
        raise AssertionError(
            f"{len(found)} request input(s) without a bound (issue 30, see "
            "libs/core/src/sc_core/request_bounds.py):\n  " + "\n  ".join(found)
        )

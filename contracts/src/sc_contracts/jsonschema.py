"""JSON Schema (draft-07) of each event type's data, derived from its pydantic model.

Draft-07 is the JSON Schema that AsyncAPI 3.0's default schema format extends, and the
one most validators in other languages support; pydantic's ``$defs`` are therefore moved
to ``definitions``. Objects allow unknown properties, matching the models' forward
compatibility.
"""

from __future__ import annotations

from typing import Any

from sc_contracts.registry import EventSpec

DIALECT = "http://json-schema.org/draft-07/schema#"
_PYDANTIC_REF = "#/$defs/"
_DRAFT7_REF = "#/definitions/"


def json_schema(spec: EventSpec) -> dict[str, Any]:
    """The JSON Schema of ``spec``'s data, with ``$id`` = its ``dataschema`` URI."""
    schema = spec.model.model_json_schema(mode="validation", ref_template=_DRAFT7_REF + "{model}")
    definitions = schema.pop("$defs", None)
    document: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": spec.schema_uri,
        **schema,
        "description": spec.description,
        "x-event-type": spec.type,
        "x-topic": spec.topic,
    }
    if definitions:
        document["definitions"] = definitions
    _check_refs(document)
    return document


def _check_refs(node: Any) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PYDANTIC_REF):
            raise ValueError(f"unconverted reference {ref}")
        for value in node.values():
            _check_refs(value)
    elif isinstance(node, list):
        for value in node:
            _check_refs(value)

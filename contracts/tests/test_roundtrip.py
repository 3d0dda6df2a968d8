"""Each model's data survives its own JSON Schema and its own Avro schema."""

from __future__ import annotations

import io
import json
from typing import Any

import fastavro
import jsonschema
import pytest

from sc_contracts import get_event_spec, registry
from sc_contracts.avro import avro_schema
from sc_contracts.catalogue import contracts_root
from sc_contracts.examples import EXAMPLES
from sc_contracts.jsonschema import json_schema

GENERATED = contracts_root() / "generated"
TYPES = sorted(registry())


def _minimal(event_type: str) -> dict[str, Any]:
    """The example without any field that has a default."""
    model = get_event_spec(event_type).model
    data = EXAMPLES[event_type]
    return {k: v for k, v in data.items() if model.model_fields[k].is_required()}


def _variants(event_type: str) -> list[dict[str, Any]]:
    return [dict(EXAMPLES[event_type]), _minimal(event_type)]


@pytest.mark.parametrize("event_type", TYPES)
def test_json_schema_round_trip(event_type: str) -> None:
    spec = get_event_spec(event_type)
    schema = json.loads((GENERATED / f"jsonschema/{event_type}.json").read_text())
    assert schema == json_schema(spec)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    for data in _variants(event_type):
        model = spec.validate(data)
        wire = json.loads(model.model_dump_json())
        assert list(validator.iter_errors(wire)) == []
        assert spec.validate(wire) == model


@pytest.mark.parametrize("event_type", TYPES)
def test_json_schema_rejects_what_the_model_rejects(event_type: str) -> None:
    spec = get_event_spec(event_type)
    validator = jsonschema.Draft7Validator(json_schema(spec))
    required = spec.model.model_json_schema()["required"]
    for name in required:
        broken = {k: v for k, v in EXAMPLES[event_type].items() if k != name}
        assert not validator.is_valid(broken), name
    wrong_type = {**EXAMPLES[event_type], required[0]: 12345}
    assert not validator.is_valid(wrong_type)


@pytest.mark.parametrize("event_type", TYPES)
def test_avro_round_trip(event_type: str) -> None:
    spec = get_event_spec(event_type)
    schema = json.loads((GENERATED / f"avro/{event_type}.avsc").read_text())
    assert schema == avro_schema(spec)
    parsed = fastavro.parse_schema(schema, named_schemas={})
    for data in _variants(event_type):
        model = spec.validate(data)
        record = model.model_dump(mode="json")
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, parsed, record)
        buffer.seek(0)
        read = fastavro.schemaless_reader(buffer, parsed, parsed)
        assert spec.validate(read) == model
        # the Avro record is the JSON payload: same fields, same text for datetimes
        assert json.loads(json.dumps(read, default=str)) == record


def test_avro_mapping_of_field_kinds() -> None:
    fields = {
        f["name"]: f for f in avro_schema(get_event_spec("community.alarm.raised.v1"))["fields"]
    }
    assert fields["alarm_id"]["type"] == "string"
    assert "default" not in fields["alarm_id"]
    assert fields["count"]["type"] == "long"
    assert fields["rule_id"]["type"] == ["null", "string"]
    assert fields["rule_id"]["default"] is None
    assert fields["first_at"]["type"] == {"type": "string", "x-format": "date-time"}
    assert fields["severity"]["type"]["type"] == "enum"
    assert fields["details"]["type"] == {
        "type": "map",
        "values": ["boolean", "long", "double", "string"],
    }
    assert fields["details"]["default"] == {}
    audit = {
        f["name"]: f for f in avro_schema(get_event_spec("community.audit.recorded.v1"))["fields"]
    }
    assert audit["record_id"]["type"] == {"type": "string", "logicalType": "uuid"}
    assert audit["actor_roles"] == {
        "name": "actor_roles",
        "type": {"type": "array", "items": "string"},
        "doc": "Roles the actor held when acting.",
        "default": [],
    }
    note = {
        f["name"]: f
        for f in avro_schema(get_event_spec("community.notification.requested.v1"))["fields"]
    }
    assert note["locale"]["default"] == "zh-CN"
    assert note["recipients"]["type"]["type"] == "record"


def test_avro_reader_fills_defaults_for_fields_an_old_writer_lacked() -> None:
    """A consumer on the current schema reads data from a producer that omitted optionals."""
    spec = get_event_spec("community.alarm.raised.v1")
    new = avro_schema(spec)
    old = {**new, "fields": [f for f in new["fields"] if "default" not in f]}
    writer = fastavro.parse_schema(old, named_schemas={})
    reader = fastavro.parse_schema(new, named_schemas={})
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, writer, _minimal("community.alarm.raised.v1"))
    buffer.seek(0)
    read = fastavro.schemaless_reader(buffer, writer, reader)
    assert isinstance(read, dict)
    assert read["rule_id"] is None
    assert read["details"] == {}
    assert spec.validate(read).alarm_id == "alm-7f3c2a"

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from sc_contracts import check_avro_compatible, check_jsonschema_compatible
from sc_contracts.catalogue import contracts_root
from sc_contracts.compat import avro_samples, check_schema_texts

GENERATED = contracts_root() / "generated"
Schema = dict[str, Any]


def _load(rel: str) -> Schema:
    return json.loads((GENERATED / rel).read_text())


@pytest.fixture
def avro_old() -> Schema:
    return _load("avro/community.alarm.raised.v1.avsc")


@pytest.fixture
def json_old() -> Schema:
    return _load("jsonschema/community.alarm.raised.v1.json")


def _changed(schema: Schema, change: Callable[[Schema], object]) -> Schema:
    new = copy.deepcopy(schema)
    change(new)
    return new


def _field(schema: Schema, name: str) -> Schema:
    return next(f for f in schema["fields"] if f["name"] == name)


# ------------------------------------------------------------------------------ Avro


def test_avro_identical_and_optional_field_added_pass(avro_old: Schema) -> None:
    assert check_avro_compatible(avro_old, avro_old) == []
    new = _changed(
        avro_old,
        lambda s: s["fields"].append(
            {"name": "escalation_level", "type": ["null", "long"], "default": None}
        ),
    )
    assert check_avro_compatible(avro_old, new) == []
    with_default = _changed(
        avro_old,
        lambda s: s["fields"].append({"name": "source", "type": "string", "default": "rule"}),
    )
    assert check_avro_compatible(avro_old, with_default) == []


def test_avro_required_field_added_is_caught(avro_old: Schema) -> None:
    new = _changed(avro_old, lambda s: s["fields"].append({"name": "site", "type": "string"}))
    problems = check_avro_compatible(avro_old, new)
    assert len(problems) == 1
    assert problems[0].startswith("new schema cannot read data written with the old one")
    assert "site" in problems[0]


def test_avro_required_field_removed_is_caught(avro_old: Schema) -> None:
    new = _changed(avro_old, lambda s: s["fields"].remove(_field(s, "originator_id")))
    problems = check_avro_compatible(avro_old, new)
    assert len(problems) == 1
    assert problems[0].startswith("old schema cannot read data written with the new one")
    assert "originator_id" in problems[0]


def test_avro_type_changed_is_caught_both_ways(avro_old: Schema) -> None:
    new = _changed(avro_old, lambda s: _field(s, "count").update(type="string"))
    problems = check_avro_compatible(avro_old, new)
    assert len(problems) == 2
    assert any("new schema cannot read" in p for p in problems)
    assert any("old schema cannot read" in p for p in problems)


def test_avro_nested_type_change_in_a_map_union_is_caught(avro_old: Schema) -> None:
    new = _changed(
        avro_old, lambda s: _field(s, "details")["type"].update(values=["boolean", "string"])
    )
    assert check_avro_compatible(avro_old, new)


@pytest.mark.parametrize(
    ("change", "direction"),
    [
        (lambda symbols: symbols.remove("minor"), "new schema cannot read"),
        (lambda symbols: symbols.append("info"), "old schema cannot read"),
    ],
)
def test_avro_enum_change_is_caught(
    avro_old: Schema, change: Callable[[list[str]], None], direction: str
) -> None:
    new = _changed(avro_old, lambda s: change(_field(s, "severity")["type"]["symbols"]))
    problems = check_avro_compatible(avro_old, new)
    assert len(problems) == 1
    assert problems[0].startswith(direction)


def test_avro_optional_made_required_is_caught(avro_old: Schema) -> None:
    def change(s: Schema) -> None:
        field = _field(s, "rule_id")
        field["type"] = "string"
        del field["default"]

    assert check_avro_compatible(avro_old, _changed(avro_old, change))


def test_avro_invalid_schema_is_reported(avro_old: Schema) -> None:
    for broken in (
        {"type": "record", "name": "X"},
        {"type": "record", "name": "X", "fields": [{"name": "a", "type": "nonsense"}]},
    ):
        problems = check_avro_compatible(avro_old, broken)
        assert len(problems) == 1
        assert problems[0].startswith("invalid Avro schema")


def test_avro_samples_cover_every_symbol_and_branch(avro_old: Schema) -> None:
    samples = avro_samples(avro_old)
    assert {s["severity"] for s in samples} == {
        "critical",
        "major",
        "minor",
        "warning",
        "indeterminate",
    }
    assert {s["status"] for s in samples} == {
        "active_unack",
        "active_ack",
        "cleared_unack",
        "cleared_ack",
    }
    assert None in {s["rule_id"] for s in samples}
    assert any(isinstance(s["rule_id"], str) for s in samples)
    detail_types = {type(v) for s in samples for v in s["details"].values()}
    assert detail_types == {bool, int, float, str}


def test_avro_samples_for_nested_records_and_named_references() -> None:
    schema = _load("avro/community.notification.requested.v1.avsc")
    samples = avro_samples(schema)
    assert any(s["recipients"]["roles_in_scope"] for s in samples)
    assert {c for s in samples for c in s["channels"]} == {
        "inapp",
        "push",
        "sms",
        "voice",
        "speaker",
        "screen",
    }


# ----------------------------------------------------------------------- JSON Schema


def test_json_identical_and_optional_property_added_pass(json_old: Schema) -> None:
    assert check_jsonschema_compatible(json_old, json_old) == []
    new = _changed(
        json_old,
        lambda s: s["properties"].update(
            escalation_level={"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}
        ),
    )
    assert check_jsonschema_compatible(json_old, new) == []
    described = _changed(json_old, lambda s: s["properties"]["count"].update(description="new"))
    assert check_jsonschema_compatible(json_old, described) == []


def test_json_removed_property_is_caught(json_old: Schema) -> None:
    new = _changed(json_old, lambda s: s["properties"].pop("rule_id"))
    assert check_jsonschema_compatible(json_old, new) == ["$.rule_id: property removed"]


def test_json_new_required_property_is_caught(json_old: Schema) -> None:
    def change(s: Schema) -> None:
        s["properties"]["site"] = {"type": "string"}
        s["required"].append("site")

    assert check_jsonschema_compatible(json_old, _changed(json_old, change)) == [
        "$.site: new required property"
    ]


def test_json_optional_became_required_is_caught(json_old: Schema) -> None:
    new = _changed(json_old, lambda s: s["required"].append("rule_id"))
    assert check_jsonschema_compatible(json_old, new) == ["$.rule_id: property became required"]


def test_json_type_changed_is_caught(json_old: Schema) -> None:
    new = _changed(json_old, lambda s: s["properties"]["count"].update(type="string"))
    assert check_jsonschema_compatible(json_old, new) == [
        "$.count: type changed from integer to string"
    ]


def test_json_null_no_longer_accepted_is_caught(json_old: Schema) -> None:
    new = _changed(
        json_old, lambda s: s["properties"].update(rule_id={"type": "string", "maxLength": 64})
    )
    assert check_jsonschema_compatible(json_old, new) == [
        "$.rule_id: type narrowed, no longer accepts null"
    ]


def test_json_enum_narrowed_through_a_reference_is_caught(json_old: Schema) -> None:
    new = _changed(json_old, lambda s: s["definitions"]["Severity"]["enum"].remove("minor"))
    assert check_jsonschema_compatible(json_old, new) == [
        "$.severity: enum narrowed, removed ['minor']"
    ]


def test_json_enum_widened_is_caught(json_old: Schema) -> None:
    new = _changed(json_old, lambda s: s["definitions"]["AlarmStatus"]["enum"].append("muted"))
    problems = check_jsonschema_compatible(json_old, new)
    assert problems == ["$.status: enum widened, added ['muted'] (old consumers reject them)"]


def test_json_constraint_change_is_caught(json_old: Schema) -> None:
    new = _changed(json_old, lambda s: s["properties"]["count"].update(minimum=2))
    assert check_jsonschema_compatible(json_old, new) == ["$.count: minimum changed from 1 to 2"]


def test_json_nested_changes_are_caught() -> None:
    old = _load("jsonschema/community.notification.requested.v1.json")
    new = _changed(old, lambda s: s["definitions"]["RoleInScope"]["properties"].pop("scope_type"))
    assert check_jsonschema_compatible(old, new) == [
        "$.recipients.roles_in_scope[].scope_type: property removed"
    ]
    new = _changed(
        old, lambda s: s["properties"]["variables"]["additionalProperties"].update(type="integer")
    )
    assert check_jsonschema_compatible(old, new) == [
        "$.variables.*: type changed from string to integer"
    ]


def test_check_schema_texts_dispatches_on_extension(json_old: Schema, avro_old: Schema) -> None:
    text = json.dumps(json_old)
    assert check_schema_texts("x/jsonschema/a.json", text, text) == []
    assert check_schema_texts("x/avro/a.avsc", json.dumps(avro_old), json.dumps(avro_old)) == []
    assert check_schema_texts("a.json", text, "{not json")[0].startswith("unreadable schema")
    with pytest.raises(ValueError, match="not a schema"):
        check_schema_texts("a.yaml", text, text)

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from sc_contracts import check_consistency, load_catalogue, registry
from sc_contracts.catalogue import default_catalogue_path, parse_catalogue

DAY_MS = 86_400_000


def test_catalogue_loads_typed_topics_with_derived_dead_letter_topics() -> None:
    catalogue = load_catalogue()
    names = [t.name for t in catalogue.topics]
    assert len(set(names)) == len(names)
    assert names[:5] == [
        "audit.records.v1",
        "telemetry.readings.v1",
        "device.status.v1",
        "alarm.events.v1",
        "notification.requests.v1",
    ]
    alarm = catalogue.topic("alarm.events.v1")
    assert alarm.key == "alarm_id"
    assert alarm.partitions >= 1
    assert alarm.cleanup_policy == "delete"
    assert "alarm" in alarm.producers and "notification" in alarm.consumers
    assert alarm.dlq.name == "alarm.events.v1.dlq"
    assert alarm.dlq.source == "alarm.events.v1"
    assert alarm.dlq.retention_ms == 30 * DAY_MS
    assert alarm.configs == {"retention.ms": str(14 * DAY_MS), "cleanup.policy": "delete"}
    assert {"identity.events.v1", "device.commands.v1", "access.passages.v1"} <= set(names)
    assert len(catalogue.all_topic_names()) == 2 * len(names)  # each topic and its .dlq


def test_registry_and_catalogue_agree_both_ways() -> None:
    catalogue = load_catalogue()
    carried = {t for topic in catalogue.topics for t in topic.event_types}
    assert carried == set(registry())
    for spec in registry().values():
        assert spec.type in catalogue.topic(spec.topic).event_types
        assert catalogue.topic_for_event_type(spec.type).name == spec.topic
    assert {spec.topic for spec in registry().values()} == set(catalogue.by_name)
    assert check_consistency(catalogue) == []


def test_a_weeklong_consumer_outage_loses_nothing() -> None:
    catalogue = load_catalogue()
    audit = catalogue.topic("audit.records.v1")
    assert audit.retention_ms >= 30 * DAY_MS
    assert audit.dlq.retention_ms >= audit.retention_ms
    for name in ("audit.records.v1", "alarm.events.v1", "notification.requests.v1"):
        assert catalogue.topic(name).retention_ms >= 7 * DAY_MS
    for topic in catalogue.topics:
        assert topic.retention_ms >= 3 * DAY_MS


def _document() -> dict:
    return yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))


def test_consistency_reports_a_type_missing_from_the_catalogue() -> None:
    document = _document()
    document["topics"][3]["event_types"].remove("community.alarm.cleared.v1")
    problems = check_consistency(parse_catalogue(document))
    assert problems == ["community.alarm.cleared.v1: not listed under topic alarm.events.v1"]


def test_consistency_reports_unregistered_types_and_bad_keys() -> None:
    document = _document()
    document["topics"][3]["event_types"].append("community.alarm.escalated.v1")
    document["topics"][1]["key"] = "room_id"  # optional, so not a valid key
    problems = check_consistency(parse_catalogue(document))
    assert "alarm.events.v1: carries unregistered type community.alarm.escalated.v1" in problems
    assert any("key room_id" in p and "required string" in p for p in problems)


def test_consistency_reports_a_topic_missing_from_the_catalogue() -> None:
    document = _document()
    del document["topics"][2]
    problems = check_consistency(parse_catalogue(document))
    assert problems == [
        "community.device.status_changed.v1: topic device.status.v1 is not in the catalogue"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Alarm-Events"),
        ("partitions", 0),
        ("cleanup_policy", "forever"),
        ("producers", []),
        ("consumers", ["Not A Service"]),
        ("surprise", 1),
    ],
)
def test_invalid_entries_are_refused(field: str, value: object) -> None:
    document = _document()
    document["topics"][0][field] = value
    with pytest.raises(ValidationError):
        parse_catalogue(document)


@pytest.mark.parametrize(
    "changes",
    [
        {"inbound": True},  # no grade
        {"inbound": True, "external": True, "sensitivity": "internal"},  # outsiders read it
    ],
)
def test_an_inbound_topic_says_its_grade_and_is_not_read_from_outside(
    changes: dict[str, object],
) -> None:
    document = _document()
    document["topics"][0].update(changes)
    with pytest.raises(ValidationError):
        parse_catalogue(document)


def test_only_an_inbound_topic_names_no_producer() -> None:
    document = _document()
    document["topics"][0].update(producers=[], inbound=True, sensitivity="internal")
    assert parse_catalogue(document).topics[0].inbound


def test_duplicate_topics_and_types_are_refused() -> None:
    document = _document()
    document["topics"].append(dict(document["topics"][0]))
    with pytest.raises(ValidationError, match=r"twice|both"):
        parse_catalogue(document)


def test_per_topic_dlq_override_and_file_path(tmp_path: Path) -> None:
    document = _document()
    document["topics"][1]["dlq"] = {"partitions": 3, "retention_ms": 5 * DAY_MS}
    path = tmp_path / "topics.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    telemetry = load_catalogue(path).topic("telemetry.readings.v1")
    assert telemetry.dlq.partitions == 3
    assert telemetry.dlq.retention_ms == 5 * DAY_MS
    assert telemetry.dlq.configs["cleanup.policy"] == "delete"

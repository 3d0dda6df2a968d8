"""The topic catalogue (``contracts/topics.yaml``) as typed, validated objects."""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sc_contracts.registry import TOPIC_NAME_PATTERN, EventSpec, registry

DLQ_SUFFIX = ".dlq"
CleanupPolicy = Literal["delete", "compact", "compact,delete"]
# the grades of sc_core.privacy (public < internal < personal < sensitive)
Sensitivity = Literal["public", "internal", "personal", "sensitive"]
SERVICE_NAME = r"^[a-z][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeadLetterSettings(_Strict):
    """How dead-letter topics are made; ``dlq_defaults`` in the file, overridable per topic."""

    partitions: int | None = Field(default=None, ge=1)
    retention_ms: int | None = Field(default=None, ge=-1)
    cleanup_policy: CleanupPolicy | None = None


class DeadLetterTopic(_Strict):
    """Where a consumer parks a message that keeps failing: ``<topic>.dlq``."""

    name: str
    source: str
    partitions: int
    retention_ms: int
    cleanup_policy: CleanupPolicy

    @property
    def configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


class Topic(_Strict):
    """One entry of the catalogue."""

    name: str = Field(pattern=TOPIC_NAME_PATTERN.pattern)
    description: str = Field(min_length=1)
    partitions: int = Field(ge=1)
    key: str = Field(min_length=1, description="Field of the event data used as message key.")
    retention_ms: int = Field(ge=-1, description="-1 keeps messages forever.")
    cleanup_policy: CleanupPolicy
    producers: tuple[str, ...] = Field(
        default=(), description="The services that write it; none only on an inbound topic."
    )
    consumers: tuple[str, ...] = Field(min_length=1)
    event_types: tuple[str, ...] = Field(min_length=1)
    external: bool = Field(
        default=False,
        description="Meant for outside readers (city and district platforms, integrators): "
        "an agreement may grant an outside principal read access to it, and only to such "
        "topics (`python -m sc_contracts acls`).",
    )
    inbound: bool = Field(
        default=False,
        description="Written by outside principals (city and district platforms): an "
        "agreement may grant an outside principal write access to it, and only to such "
        "topics (`writes` of `python -m sc_contracts acls`); outsiders never read it.",
    )
    sensitivity: Sensitivity | None = Field(
        default=None,
        description="The highest sensitivity grade a message may hold (sc_core.privacy); "
        "required on an external topic, so that the AsyncAPI document says what an outside "
        "reader receives (x-sensitivity).",
    )
    dlq: DeadLetterTopic

    @model_validator(mode="after")
    def _external_has_a_grade(self) -> Topic:
        if (self.external or self.inbound) and self.sensitivity is None:
            raise ValueError(f"{self.name} is external or inbound: say its sensitivity grade")
        if self.external and self.inbound:
            raise ValueError(f"{self.name}: outsiders write an inbound topic, never read it")
        if not self.producers and not self.inbound:
            raise ValueError(f"{self.name}: name the services that write it")
        return self

    @field_validator("producers", "consumers")
    @classmethod
    def _service_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        bad = [n for n in names if not _is_service_name(n)]
        if bad:
            raise ValueError(f"not service names: {bad}")
        if len(set(names)) != len(names):
            raise ValueError("listed twice")
        return names

    @field_validator("event_types")
    @classmethod
    def _unique_types(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(types)) != len(types):
            raise ValueError("an event type is listed twice")
        return types

    @property
    def configs(self) -> dict[str, str]:
        """Kafka topic configs to create the topic with."""
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


class Catalogue(_Strict):
    """Every topic, in file order."""

    topics: tuple[Topic, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        names = [t.name for t in self.topics]
        if len(set(names)) != len(names):
            raise ValueError("a topic is listed twice")
        owners: dict[str, str] = {}
        for topic in self.topics:
            for event_type in topic.event_types:
                if event_type in owners:
                    raise ValueError(
                        f"{event_type} is on both {owners[event_type]} and {topic.name}"
                    )
                owners[event_type] = topic.name
        return self

    @cached_property
    def by_name(self) -> Mapping[str, Topic]:
        return {t.name: t for t in self.topics}

    def topic(self, name: str) -> Topic:
        return self.by_name[name]

    def topic_for_event_type(self, event_type: str) -> Topic:
        for topic in self.topics:
            if event_type in topic.event_types:
                return topic
        raise KeyError(event_type)

    def external_topics(self) -> list[Topic]:
        """The topics meant for outside readers."""
        return [t for t in self.topics if t.external]

    def inbound_topics(self) -> list[Topic]:
        """The topics outside principals may be granted to write."""
        return [t for t in self.topics if t.inbound]

    def all_topic_names(self) -> list[str]:
        """Every topic and its dead-letter topic."""
        return [name for t in self.topics for name in (t.name, t.dlq.name)]


def _is_service_name(name: str) -> bool:
    return re.fullmatch(SERVICE_NAME, name) is not None


def default_catalogue_path() -> Path:
    """``topics.yaml`` beside ``src/`` in a checkout, else the copy shipped in the wheel."""
    checkout = contracts_root() / "topics.yaml"
    if checkout.is_file():
        return checkout
    return Path(str(importlib.resources.files("sc_contracts").joinpath("topics.yaml")))


def contracts_root() -> Path:
    """The ``contracts/`` folder of the checkout this package is installed from."""
    return Path(__file__).resolve().parents[2]


def parse_catalogue(document: Mapping[str, object]) -> Catalogue:
    """Build a :class:`Catalogue` from the parsed YAML, deriving each dead-letter topic."""
    raw_defaults = document.get("dlq_defaults") or {}
    defaults = DeadLetterSettings.model_validate(raw_defaults)
    raw_topics = document.get("topics")
    if not isinstance(raw_topics, list):
        raise ValueError("topics.yaml: 'topics' must be a list")
    unknown = set(document) - {"dlq_defaults", "topics"}
    if unknown:
        raise ValueError(f"topics.yaml: unknown keys {sorted(unknown)}")
    topics = []
    for raw in raw_topics:
        if not isinstance(raw, dict):
            raise ValueError("topics.yaml: each topic must be a mapping")
        entry = dict(raw)
        override = DeadLetterSettings.model_validate(entry.pop("dlq", None) or {})
        entry["dlq"] = DeadLetterTopic(
            name=f"{entry.get('name')}{DLQ_SUFFIX}",
            source=str(entry.get("name")),
            partitions=override.partitions or defaults.partitions or 1,
            retention_ms=_first(override.retention_ms, defaults.retention_ms, 30 * 86_400_000),
            cleanup_policy=override.cleanup_policy or defaults.cleanup_policy or "delete",
        )
        topics.append(Topic.model_validate(entry))
    return Catalogue(topics=tuple(topics))


def _first(*values: int | None) -> int:
    for value in values:
        if value is not None:
            return value
    raise ValueError("no value")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate the topic catalogue (default: the package's ``topics.yaml``)."""
    path = path or default_catalogue_path()
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not a mapping")
    return parse_catalogue(document)


def check_consistency(
    catalogue: Catalogue, specs: Mapping[str, EventSpec] | None = None
) -> list[str]:
    """Problems between the registry and the catalogue; empty when they agree.

    Every registered type must be carried by the topic its spec names, every type the
    catalogue lists must be registered, and each topic's key must be a required, non-null
    string field of every event type it carries.
    """
    specs = registry() if specs is None else specs
    problems: list[str] = []
    for spec in specs.values():
        if spec.topic not in catalogue.by_name:
            problems.append(f"{spec.type}: topic {spec.topic} is not in the catalogue")
        elif spec.type not in catalogue.topic(spec.topic).event_types:
            problems.append(f"{spec.type}: not listed under topic {spec.topic}")
    for topic in catalogue.topics:
        for event_type in topic.event_types:
            spec = specs.get(event_type)
            if spec is None:
                problems.append(f"{topic.name}: carries unregistered type {event_type}")
                continue
            if spec.topic != topic.name:
                problems.append(f"{topic.name}: carries {event_type}, registered on {spec.topic}")
            problems.extend(_key_problems(topic, spec))
    return problems


def _key_problems(topic: Topic, spec: EventSpec) -> list[str]:
    field = spec.model.model_fields.get(topic.key)
    if field is None:
        return [f"{topic.name}: key {topic.key} is not a field of {spec.type}"]
    schema = spec.model.model_json_schema()
    prop = schema["properties"][topic.key]
    if not field.is_required() or prop.get("type") != "string":
        return [f"{topic.name}: key {topic.key} of {spec.type} must be a required string"]
    return []

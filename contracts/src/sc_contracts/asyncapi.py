"""The AsyncAPI 3.0 document: one channel per topic (and per dead-letter topic)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sc_contracts.catalogue import Catalogue, Topic
from sc_contracts.examples import EXAMPLES, example_headers
from sc_contracts.registry import EventSpec

KAFKA_BINDING_VERSION = "0.5.0"
SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


@dataclass(frozen=True)
class HeaderSpec:
    name: str
    description: str
    required: bool
    format: str | None = None
    pattern: str | None = None


HEADERS: tuple[HeaderSpec, ...] = (
    HeaderSpec("ce_id", "Event id, unique per source; consumers dedupe on (source, id).", True),
    HeaderSpec("ce_source", "URI reference of the producer, e.g. /services/alarm.", True),
    HeaderSpec("ce_type", "Event type, e.g. community.alarm.raised.v1.", True),
    HeaderSpec("ce_specversion", "CloudEvents version, always 1.0.", True),
    HeaderSpec("ce_time", "When the occurrence happened, RFC 3339.", True, format="date-time"),
    HeaderSpec("ce_subject", "Id of the aggregate the event is about (the message key).", False),
    HeaderSpec("ce_dataschema", "URI of the data schema of ce_type.", True, format="uri"),
    HeaderSpec("content-type", "Media type of the body, application/json.", True),
    HeaderSpec(
        "traceparent", "W3C trace context of the request.", False, pattern=TRACEPARENT_PATTERN
    ),
)
"""The CloudEvents Kafka binary-mode headers as the AsyncAPI document describes them. The
one codec that writes and reads them is ``sc_core.bus.cloudevents`` (its tests check that
what it writes is what this table documents)."""


def _package_version() -> str:
    try:
        return version("sc-contracts")
    except PackageNotFoundError:  # running from a source tree without metadata
        return "0.0.0"


def asyncapi_document(catalogue: Catalogue, specs: Mapping[str, EventSpec]) -> dict[str, Any]:
    """Build the AsyncAPI document; payloads reference ``jsonschema/<type>.json``."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in catalogue.topics:
        channels[topic.name] = _channel(topic)
        channels[topic.dlq.name] = _dlq_channel(topic)
        refs = [{"$ref": f"#/channels/{topic.name}/messages/{t}"} for t in topic.event_types]
        dlq_refs = [
            {"$ref": f"#/channels/{topic.dlq.name}/messages/{t}"} for t in topic.event_types
        ]
        operations[f"send.{topic.name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic.name}"},
            "messages": refs,
            "summary": _producers(topic),
            "x-services": list(topic.producers),
        }
        operations[f"receive.{topic.name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{topic.name}"},
            "messages": refs,
            "summary": f"Consumers: {', '.join(topic.consumers)}.",
            "x-services": list(topic.consumers),
        }
        operations[f"send.{topic.dlq.name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic.dlq.name}"},
            "messages": dlq_refs,
            "summary": "A consumer parks a message that kept failing after bounded retries.",
            "x-services": list(topic.consumers),
        }
    messages = {spec.type: _message(spec, catalogue.topic(spec.topic)) for spec in specs.values()}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Smart-community events",
            "version": _package_version(),
            "description": (
                "Events exchanged between smart-community services through Kafka. Every "
                "message is a CloudEvents 1.0 event in Kafka binary mode: context attributes "
                "in ce_* headers, the event data as a JSON body. Generated from sc_contracts "
                "by `python -m sc_contracts generate`; do not edit."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "kafka": {
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": (
                    "Development (`make run`): a single-node Apache Kafka on 127.0.0.1:9092, "
                    "no authentication. Elsewhere KAFKA_BOOTSTRAP_SERVERS names the brokers."
                ),
            },
            "kafka-secure": {
                "host": "kafka.example.org:9093",
                "protocol": "kafka-secure",
                "description": (
                    "A deployment's brokers over TLS (SASL_SSL; KAFKA_SSL_CAFILE, optional "
                    "client certificate, hostname verification) with SASL SCRAM-SHA-512 or "
                    "PLAIN. Each city or district platform or integrator has its own "
                    "principal, which may read only the topics its agreement grants among "
                    "the channels marked x-external (python -m sc_contracts acls) and write "
                    "only the channels marked x-inbound its agreement grants; "
                    "x-sensitivity says the highest grade a message on a channel may hold "
                    "(public, internal, personal, sensitive: sc_core.privacy)."
                ),
                "security": [
                    {"$ref": "#/components/securitySchemes/scramSha512"},
                    {"$ref": "#/components/securitySchemes/plain"},
                ],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "securitySchemes": SECURITY_SCHEMES},
    }


SECURITY_SCHEMES: dict[str, Any] = {
    "scramSha512": {
        "type": "scramSha512",
        "description": "SASL SCRAM-SHA-512 over TLS (KAFKA_SASL_MECHANISM=SCRAM-SHA-512).",
    },
    "plain": {
        "type": "plain",
        "description": "SASL PLAIN, only over TLS (KAFKA_SASL_MECHANISM=PLAIN).",
    },
}


def _channel(topic: Topic) -> dict[str, Any]:
    return {
        "address": topic.name,
        "title": topic.name,
        "description": topic.description,
        "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in topic.event_types},
        "bindings": {"kafka": _topic_binding(topic.name, topic.partitions, topic.configs)},
        "x-key": topic.key,
        "x-producers": list(topic.producers),
        "x-consumers": list(topic.consumers),
        "x-external": topic.external,
        # written by outside principals whose agreement grants it (acls `writes`)
        "x-inbound": topic.inbound,
        # the highest grade a message may hold: what an outside reader receives
        "x-sensitivity": topic.sensitivity,
    }


def _producers(topic: Topic) -> str:
    if topic.inbound:
        return "Producers: outside principals whose agreement grants it (x-inbound)."
    return f"Producers: {', '.join(topic.producers)}."


def _dlq_channel(topic: Topic) -> dict[str, Any]:
    return {
        "address": topic.dlq.name,
        "title": topic.dlq.name,
        "description": (
            f"Dead letters of {topic.name}: the original message, key and headers, plus "
            "x-dlq-* headers naming the failing consumer group and the error."
        ),
        "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in topic.event_types},
        "bindings": {
            "kafka": _topic_binding(topic.dlq.name, topic.dlq.partitions, topic.dlq.configs)
        },
    }


def _topic_binding(name: str, partitions: int, configs: Mapping[str, str]) -> dict[str, Any]:
    return {
        "topic": name,
        "partitions": partitions,
        "topicConfiguration": {
            "cleanup.policy": configs["cleanup.policy"].split(","),
            "retention.ms": int(configs["retention.ms"]),
        },
        "bindingVersion": KAFKA_BINDING_VERSION,
    }


def _message(spec: EventSpec, topic: Topic) -> dict[str, Any]:
    return {
        "name": spec.type,
        "title": spec.model.__name__,
        "summary": spec.description,
        "contentType": CONTENT_TYPE,
        "headers": _headers(spec),
        "payload": {"$ref": f"./jsonschema/{spec.type}.json"},
        "correlationId": {
            "description": "CloudEvents id of the event.",
            "location": "$message.header#/ce_id",
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"The event data's {topic.key}."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": _examples(spec, topic),
        "x-avro-schema": f"./avro/{spec.type}.avsc",
        "x-dataschema": spec.schema_uri,
    }


def _examples(spec: EventSpec, topic: Topic) -> list[dict[str, Any]]:
    example = EXAMPLES.get(spec.type)
    if example is None:
        return []
    key = str(example[topic.key])
    return [
        {
            "name": spec.model.__name__,
            "summary": spec.description,
            "headers": example_headers(spec.type, key),
            "payload": example,
        }
    ]


def _headers(spec: EventSpec) -> dict[str, Any]:
    constants = {
        "ce_type": spec.type,
        "ce_specversion": SPEC_VERSION,
        "ce_dataschema": spec.schema_uri,
        "content-type": CONTENT_TYPE,
    }
    properties: dict[str, Any] = {}
    for header in HEADERS:
        prop: dict[str, Any] = {"type": "string", "description": header.description}
        if header.name in constants:
            prop["const"] = constants[header.name]
        if header.format:
            prop["format"] = header.format
        if header.pattern:
            prop["pattern"] = header.pattern
        properties[header.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": [h.name for h in HEADERS if h.required],
    }

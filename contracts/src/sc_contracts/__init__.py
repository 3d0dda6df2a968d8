"""Event contracts shared by every service.

- :func:`registry`, :func:`get_event_spec`, :func:`validate_event_data`: event types,
  their topics, models and schema URIs.
- :func:`load_catalogue`: the topic catalogue (``contracts/topics.yaml``).
- :func:`check_avro_compatible`, :func:`check_jsonschema_compatible`: evolution rules.
- every registered model knows its ``event_type``, ``topic`` and ``schema_uri``; the
  CloudEvents codec (Kafka binary mode) is ``sc_core.bus.cloudevents``.
"""

from sc_contracts.catalogue import (
    Catalogue,
    DeadLetterTopic,
    Topic,
    check_consistency,
    load_catalogue,
)
from sc_contracts.compat import check_avro_compatible, check_jsonschema_compatible
from sc_contracts.events import EventData
from sc_contracts.registry import (
    EventSpec,
    UnknownEventTypeError,
    get_event_spec,
    get_event_spec_by_schema_uri,
    registry,
    spec_of,
    validate_event_data,
)

__all__ = [
    "Catalogue",
    "DeadLetterTopic",
    "EventData",
    "EventSpec",
    "Topic",
    "UnknownEventTypeError",
    "check_avro_compatible",
    "check_consistency",
    "check_jsonschema_compatible",
    "get_event_spec",
    "get_event_spec_by_schema_uri",
    "load_catalogue",
    "registry",
    "spec_of",
    "validate_event_data",
]

"""Event bus: CloudEvents over Kafka with a transactional outbox and an idempotent inbox."""

from sc_core.bus.cloudevents import CloudEvent, InvalidEvent
from sc_core.bus.consumer import EventConsumer, dlq_topic
from sc_core.bus.outbox import OutboxRelay, outbox_row
from sc_core.bus.producer import ProducerHandle, make_producer

__all__ = [
    "CloudEvent",
    "EventConsumer",
    "InvalidEvent",
    "OutboxRelay",
    "ProducerHandle",
    "dlq_topic",
    "make_producer",
    "outbox_row",
]

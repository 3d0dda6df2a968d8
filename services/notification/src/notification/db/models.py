"""The notification service's tables (SQLAlchemy Core).

- ``notification_request``: one row per request_id (the idempotency key).
- ``delivery``: one per (request, recipient, channel); its status and next attempt.
- ``delivery_attempt``: every attempt with a provider, and its outcome.
- ``inbox_message``: the in-app inbox; its id is the SSE event id of the message.
- ``alarm_feed``: alarm lifecycle events for the staff streams (from alarm.events.v1).
- ``grant_projection``, ``household_places``, ``building_grids``: the place directory
  (``sc_core.places``): who holds which role where, where each household lives.
- ``preference``: per user: locale, phone (encrypted), push tokens, quiet hours, opt-outs.
- ``template``: message templates per code and locale, seeded by migration.
- ``broadcast_endpoint``: speakers and e-screens per community / building.
- ``dev_sink``: what the development providers would have sent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from sc_core.db.tables import new_metadata, platform_tables
from sc_core.places import place_tables
from sc_core.privacy import EncryptedString

metadata = new_metadata()
tables = platform_tables(metadata)


def _now() -> Column[Any]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


notification_request = Table(
    "notification_request",
    metadata,
    Column("request_id", Text, primary_key=True),
    Column("template", Text, nullable=False),
    Column("variables", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("severity", String(16), nullable=False),
    Column("channels", ARRAY(String(16)), nullable=False),
    Column("locale", Text, nullable=False),
    Column("source_service", Text, nullable=False),
    Column("community_id", Text, nullable=True),
    Column("correlation_id", Text, nullable=True),
    Column("recipients", JSONB, nullable=False),
    Column("recipient_count", Integer, nullable=False, server_default=text("0")),
    Column("requested_by", Text, nullable=True),
    _now(),
    Index("ix_notification_request_community", "community_id", "created_at"),
    Index("ix_notification_request_created", "created_at"),  # the platform-wide list (ADR 0061)
)

delivery = Table(
    "delivery",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "request_id",
        Text,
        ForeignKey("notification_request.request_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("recipient_id", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    # pending -> sent | failed; held (quiet hours) -> pending; suppressed; speakers and
    # screens: sent -> delivered | failed | expired by the device's answer (confirmations.py)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("locale", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("template", Text, nullable=False),
    Column("community_id", Text, nullable=True),
    Column("building_id", Text, nullable=True),
    Column("correlation_id", Text, nullable=True),
    _now(),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("request_id", "recipient_id", "channel", name="uq_delivery_target"),
    Index(
        "ix_delivery_due",
        "next_attempt_at",
        postgresql_where=text("status IN ('pending', 'held')"),
    ),
    Index("ix_delivery_recipient", "recipient_id", "channel", "created_at"),
)

delivery_attempt = Table(
    "delivery_attempt",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column(
        "delivery_id",
        UUID(as_uuid=True),
        ForeignKey("delivery.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("error", Text, nullable=True),
    Column("provider_ref", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_delivery_attempt_delivery", "delivery_id", "attempt"),
)

inbox_message = Table(
    "inbox_message",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("user_id", Text, nullable=False),
    Column("delivery_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("request_id", Text, nullable=False),
    Column("template", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("community_id", Text, nullable=True),
    Column("correlation_id", Text, nullable=True),
    _now(),
    Column("read_at", DateTime(timezone=True), nullable=True),
    Index("ix_inbox_message_user", "user_id", "id"),
    Index("ix_inbox_message_unread", "user_id", postgresql_where=text("read_at IS NULL")),
    # my inbox, unread first, newest first, in the list's own order (ADR 0066)
    Index("ix_inbox_message_listed", "user_id", text("(read_at IS NOT NULL)"), text("id DESC")),
)

alarm_feed = Table(
    "alarm_feed",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("event_type", Text, nullable=False),
    Column("alarm_id", Text, nullable=False),
    Column("alarm_type", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("status", String(32), nullable=False),
    Column("community_id", Text, nullable=False),
    Column("building_id", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("payload", JSONB, nullable=False),
    _now(),
    Index("ix_alarm_feed_community", "community_id", "id"),
)

# the place directory (sc_core.places): households' places, building grids and grants
PLACES = place_tables(metadata, grants=True)
assert PLACES.grants is not None
grant_projection = PLACES.grants
building_grids = PLACES.building_grids
household_places = PLACES.households

preference = Table(
    "preference",
    metadata,
    Column("user_id", Text, primary_key=True),
    Column("locale", String(16), nullable=True),
    Column("timezone", Text, nullable=True),
    Column("phone", EncryptedString("notification.preference.phone"), nullable=True),
    Column("push_tokens", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("quiet_start", String(5), nullable=True),
    Column("quiet_end", String(5), nullable=True),
    Column("opt_out", ARRAY(String(16)), nullable=False, server_default=text("'{}'")),
    Column("updated_by", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

template = Table(
    "template",
    metadata,
    Column("code", Text, primary_key=True),
    Column("locale", String(16), primary_key=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("updated_by", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

broadcast_endpoint = Table(
    "broadcast_endpoint",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("device_id", Text, nullable=False, unique=True),
    Column("device_type", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("community_id", Text, nullable=False),
    Column("building_id", Text, nullable=True),
    Column("created_by", Text, nullable=True),
    _now(),
    Index("ix_broadcast_endpoint_place", "community_id", "building_id"),
)

dev_sink = Table(
    "dev_sink",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("delivery_id", UUID(as_uuid=True), nullable=False),
    Column("recipient_id", Text, nullable=False),
    Column("address", EncryptedString("notification.dev_sink.address"), nullable=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    _now(),
    Index("ix_dev_sink_recipient", "recipient_id", "id"),
)

# Single-use tickets that open the stream without an Authorization header (EventSource and
# mini-program runtimes cannot send one). Only the ticket's SHA-256 is kept; the row holds
# the claims of the token that asked for it and dies at its first use or at expires_at.
stream_ticket = Table(
    "stream_ticket",
    metadata,
    Column("ticket_hash", String(64), primary_key=True),
    Column("claims", JSONB, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    _now(),
    Index("ix_stream_ticket_expires", "expires_at"),
)

"""Tables of device-ingestion.

``telemetry`` is partitioned by month on ``ts``; its partitions live in the schema
``telemetry_parts`` (created on demand by the writer, plus a default partition), so that
the models describe only the parent table and the drift check compares what migrations own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Double,
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

PARTITION_SCHEMA = "telemetry_parts"

metadata = new_metadata()
platform_tables(metadata)


def _now() -> Column[Any]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


devices = Table(
    "devices",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("label", String(256), nullable=True),
    Column("device_type", String(64), nullable=False),
    Column("community_id", String(64), nullable=False, index=True),
    Column("building_id", String(64), nullable=True, index=True),
    Column("unit_id", String(64), nullable=True, index=True),
    Column("room_id", String(64), nullable=True),
    Column("household_id", String(64), nullable=True, index=True),
    Column("latitude", Double, nullable=True),
    Column("longitude", Double, nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("inactivity_timeout_s", Integer, nullable=True),
    Column("status", String(16), nullable=False, server_default=text("'offline'")),
    Column("last_activity_at", DateTime(timezone=True), nullable=True),
    Column("status_changed_at", DateTime(timezone=True), nullable=True),
    Column("attributes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("shared_attributes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("provisioned_by", String(64), nullable=True),
    # gates and door controllers: the door or gate id passages name (identity's door id);
    # unset = the device's own id
    Column("door_id", String(64), nullable=True),
    # claiming: the SHA-256 of the secret the device announced, and until when it holds
    Column("claim_secret_hash", String(64), nullable=True),
    Column("claim_expires_at", DateTime(timezone=True), nullable=True),
    # firmware over the air: a package assigned to this device itself (else its type's in
    # its community), and the state the device last reported for it (fw_state telemetry)
    Column(
        "firmware_id",
        UUID(as_uuid=True),
        ForeignKey("firmware_packages.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("fw_state", String(16), nullable=True),
    Column("fw_error", Text, nullable=True),
    Column("fw_state_at", DateTime(timezone=True), nullable=True),
    # a utility company's meter number (表号) of a meter: its readings come in by it
    # (utility imports, ADR 0039)
    Column("meter_no", String(64), nullable=True),
    _now(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("community_id", "name", name="uq_devices_community_name"),
    Index("ix_devices_status_activity", "status", "last_activity_at"),
    Index(
        "uq_devices_meter_no",
        "device_type",
        "meter_no",
        unique=True,
        postgresql_where=text("meter_no IS NOT NULL"),
    ),
    Index(
        "ix_devices_claim",
        "name",
        "claim_secret_hash",
        postgresql_where=text("claim_secret_hash IS NOT NULL"),
    ),
)

# Firmware packages (ThingsBoard's OTA packages) of a device type in a community: the
# content is in the object store under storage_key; title and version unique per community.
firmware_packages = Table(
    "firmware_packages",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("community_id", String(64), nullable=False, index=True),
    Column("device_type", String(64), nullable=False),
    Column("title", String(128), nullable=False),
    Column("version", String(64), nullable=False),
    Column("checksum_algorithm", String(16), nullable=False),
    Column("checksum", String(128), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("storage_key", String(256), nullable=False),
    Column("uploaded_by", String(128), nullable=False),
    _now(),
    UniqueConstraint("community_id", "title", "version", name="uq_firmware_title_version"),
)

# The package every device of a type in a community is to run (unless a device has its own).
firmware_type_assignments = Table(
    "firmware_type_assignments",
    metadata,
    Column("community_id", String(64), primary_key=True),
    Column("device_type", String(64), primary_key=True),
    Column(
        "firmware_id",
        UUID(as_uuid=True),
        ForeignKey("firmware_packages.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("assigned_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

provision_profiles = Table(
    "provision_profiles",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("name", String(128), nullable=False),
    Column("device_type", String(64), nullable=False),
    Column("community_id", String(64), nullable=False, index=True),
    Column("building_id", String(64), nullable=True),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    _now(),
)

telemetry = Table(
    "telemetry",
    metadata,
    Column("device_id", UUID(as_uuid=True), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("ts", DateTime(timezone=True), primary_key=True),
    Column("num", Double, nullable=True),
    Column("bool", Boolean, nullable=True),
    Column("str", Text, nullable=True),
    postgresql_partition_by="RANGE (ts)",
)

telemetry_latest = Table(
    "telemetry_latest",
    metadata,
    Column("device_id", UUID(as_uuid=True), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("num", Double, nullable=True),
    Column("bool", Boolean, nullable=True),
    Column("str", Text, nullable=True),
)

# Additive roll-ups of numeric readings (booleans as 0/1): count, sum, min, max per
# device, key, period (hour/day/month/year) and bucket start (community time zone).
telemetry_rollups = Table(
    "telemetry_rollups",
    metadata,
    Column("device_id", UUID(as_uuid=True), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("period", String(8), primary_key=True),
    Column("bucket", DateTime(timezone=True), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("sum", Double, nullable=False),
    Column("min", Double, nullable=False),
    Column("max", Double, nullable=False),
)

# Energy consumption per community and building, precomputed from the meters' roll-ups
# (day/month/year, by kind) so that a year by day reads 365 rows. Buckets at or after a
# community's ``energy_dirty.since`` may be stale: queries compute those live.
energy_rollups = Table(
    "energy_rollups",
    metadata,
    Column("scope", String(16), primary_key=True),  # community | building
    Column("scope_id", String(64), primary_key=True),
    Column("community_id", String(64), primary_key=True),
    Column("kind", String(16), primary_key=True),  # water | electricity | gas
    Column("period", String(8), primary_key=True),
    Column("bucket", DateTime(timezone=True), primary_key=True),
    Column("consumption", Double, nullable=False),
)

# Per community and period: from which bucket on energy_rollups may be stale (new meter
# readings, late data, meters moved). seq changes on every mark, so the refresh job clears
# a mark only if nothing marked it again meanwhile.
energy_dirty = Table(
    "energy_dirty",
    metadata,
    Column("community_id", String(64), primary_key=True),
    Column("period", String(8), primary_key=True),
    Column("since", DateTime(timezone=True), nullable=False),
    Column("seq", BigInteger, nullable=False, server_default=text("1")),
)

# Every import of a utility company's meter readings (CSV upload or API): who, what content
# (SHA-256), how many rows were new, already there, or refused, and why (line and column).
utility_imports = Table(
    "utility_imports",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("kind", String(16), nullable=False),  # water | electricity | gas
    Column("source", String(8), nullable=False),  # csv | api
    Column("imported_by", String(128), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_new", Integer, nullable=False),
    Column("rows_unchanged", Integer, nullable=False),
    Column("rows_bad", Integer, nullable=False),
    Column("errors", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    _now(),
    Index("ix_utility_imports_by", "imported_by", "created_at", "id"),
)

device_commands = Table(
    "device_commands",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("rpc_id", BigInteger, Identity(always=True), nullable=False, unique=True),
    Column(
        "device_id",
        UUID(as_uuid=True),
        ForeignKey("devices.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("community_id", String(64), nullable=False),
    Column("method", String(64), nullable=False),
    Column("params", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("status", String(16), nullable=False),
    # "api" or "event:<requested_by_service>" (at most 64 characters by the contract)
    Column("source", String(80), nullable=False),
    Column("requested_by", String(128), nullable=True),
    Column("request_event_id", String(64), nullable=True, unique=True),
    _now(),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("completed_at", DateTime(timezone=True), nullable=True),
    Column("result", JSONB, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_device_commands_device_status", "device_id", "status"),
    Index("ix_device_commands_open", "expires_at", postgresql_where=text("completed_at IS NULL")),
)

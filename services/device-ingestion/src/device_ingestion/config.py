"""Settings of device-ingestion (environment variables, built once at start)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from sc_core.settings import ServiceSettings


def _default_attachment_dir() -> Path:
    return Path.home() / ".local" / "state" / "smart-community" / "device-ingestion" / "objects"


class Settings(ServiceSettings):
    service_name: str = "device-ingestion"

    # Time zone of the communities: roll-up buckets (hour/day/month/year) are cut in it.
    community_timezone: str = "Asia/Shanghai"
    # Extra device types (YAML, same shape as the packaged device_types.yaml); they add to
    # or replace packaged types by name.
    device_types_file: Path | None = None

    # Telemetry accepted over HTTP and MQTT (topics are the catalogue's; TOPIC_NAMES renames)
    telemetry_max_future_s: int = 300  # readings stamped further ahead are rejected
    telemetry_max_age_days: int = 366 * 2  # readings older than this are rejected
    ingest_max_readings: int = 20_000  # one request or message at most
    # Many concurrent requests each send a few readings: a short linger coalesces them
    # into fewer, larger produce requests (the platform default is 0, for outbox relays)
    kafka_linger_ms: int = Field(default=5, ge=0, le=1000)

    # Storage consumer (telemetry.readings.v1 -> PostgreSQL)
    storage_enabled: bool = True
    storage_max_batch: int = 5_000
    storage_group: str | None = None

    # Raw telemetry retention: monthly partitions wholly older than this are dropped (0 =
    # keep forever); roll-ups are kept. The job also creates partitions ahead of time.
    telemetry_retention_days: int = 400
    partitions_ahead_months: int = 2
    partition_maintenance_interval_s: float = 3600.0

    # Energy roll-ups per community/building: how often dirty ones are recomputed
    energy_refresh_interval_s: float = 30.0

    # Status sweeper: devices with no activity for their type's timeout go offline
    status_sweep_interval_s: float = 15.0

    # Commands
    command_default_timeout_s: int = 60
    command_sweep_interval_s: float = 5.0
    rpc_long_poll_max_s: float = 60.0

    # MQTT: MQTT_URL of an external broker devices connect to (mqtt://user:pass@host:1883).
    # Unset: with MQTT_EMBEDDED the service's device transport (MQTT 3.1, 3.1.1, 5; ADR 0029)
    # listens on MQTT_EMBEDDED_PORT (0: any free port); without it the service is HTTP only.
    mqtt_url: str | None = None
    mqtt_embedded: bool = True
    mqtt_embedded_port: int = 1883
    mqtt_embedded_host: str = "127.0.0.1"
    # How the broker mounts each device's topics: "devices/<device id>/v1/devices/me/...".
    mqtt_mount_prefix: str = "devices"
    # Shared-subscription group for several replicas ("$share/<group>/..."); empty = none.
    mqtt_shared_group: str = ""
    mqtt_service_username: str = "device-ingestion"
    mqtt_service_password: str = Field(default="change-me-mqtt-service-password", repr=False)
    # Client id of the service's persistent session on an external broker (MQTT_URL);
    # default "<username>-<hostname>". Unacknowledged messages wait there for it.
    mqtt_service_client_id: str = ""
    # A QoS 1 message with nothing valid in it (not JSON, every reading rejected): false =
    # close the session without PUBACK (ThingsBoard's default), true = PUBACK it anyway.
    mqtt_ack_invalid: bool = False
    # The MQTT transport as its own deployable (``python -m device_ingestion transport``,
    # ADR 0038): it listens on MQTT_TRANSPORT_HOST:MQTT_TRANSPORT_PORT (0: any free port)
    # and, with a certificate and key, on MQTT_TLS_PORT over TLS; its /healthz, /readyz and
    # /metrics (mqtt_connections) are on HTTP_PORT. Messages for devices go to it through
    # device.downlinks.v1: the service (neither MQTT_EMBEDDED nor MQTT_URL) publishes them
    # there unless MQTT_DOWNLINK_ENABLED=false (an HTTP-only deployment).
    mqtt_transport_host: str = "127.0.0.1"
    mqtt_transport_port: int = Field(default=1883, ge=0, le=65535)
    mqtt_tls_port: int = Field(default=8883, ge=0, le=65535)
    mqtt_tls_cert_file: Path | None = None
    mqtt_tls_key_file: Path | None = None
    mqtt_downlink_enabled: bool = True
    # How long a device's readings wait for Kafka's acknowledgement before the device is
    # told to send again (HTTP 503, MQTT no PUBACK).
    telemetry_ack_timeout_s: float = 15.0
    # Claiming: how long a device may be claimed after announcing its secret, when the
    # announcement names no durationMs (ThingsBoard's default: a day).
    claim_duration_s: int = Field(default=86_400, ge=1)

    # Firmware packages (OTA): "local" keeps them under ATTACHMENT_DIR (outside the repo),
    # "s3" in any S3-compatible store; at most FIRMWARE_MAX_BYTES each.
    object_store: Literal["local", "s3"] = "local"
    attachment_dir: Path = Field(default_factory=_default_attachment_dir)
    firmware_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    s3_endpoint_url: str | None = None
    s3_bucket: str = "device-ingestion"
    s3_region: str = "us-east-1"
    s3_access_key: str = Field(default="change-me-s3-access-key", repr=False)
    s3_secret_key: str = Field(default="change-me-s3-secret-key", repr=False)
    s3_create_bucket: bool = False

    def secret_fields(self) -> list[str]:
        fields = super().secret_fields()
        if self.mqtt_url:  # the service's login to an external broker
            fields.append("mqtt_service_password")
        if self.object_store == "s3":
            fields += ["s3_access_key", "s3_secret_key"]
        return fields

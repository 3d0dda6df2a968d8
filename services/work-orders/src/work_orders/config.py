"""Settings of work-orders (environment variables, built once at start)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from sc_core.settings import ServiceSettings


def _default_attachment_dir() -> Path:
    return Path.home() / ".local" / "state" / "smart-community" / "work-orders" / "attachments"


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): it
    publishes workorder.events.v1 and notification.requests.v1 and reads alarm.events.v1
    and identity.events.v1, each known from its event models."""

    service_name: str = "work-orders"

    # Attachments: "local" keeps objects under ATTACHMENT_DIR (outside the repo);
    # "s3" speaks to any S3-compatible store (path-style URLs, SigV4).
    object_store: Literal["local", "s3"] = "local"
    attachment_dir: Path = Field(default_factory=_default_attachment_dir)
    attachment_max_bytes: int = 10 * 1024 * 1024
    # Uploads not (yet) on a case, per uploader: at most this many and this many bytes
    # (429 attachment.quota_exceeded); they expire after attachment_unlinked_ttl_s and
    # are deleted by a job every attachment_sweep_interval_s (issue 30.9)
    attachment_unlinked_max_count: int = Field(default=20, ge=1)
    attachment_unlinked_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    attachment_unlinked_ttl_s: float = Field(default=24 * 3600, gt=0)
    attachment_sweep_interval_s: float = Field(default=600.0, gt=0)
    s3_endpoint_url: str | None = None
    s3_bucket: str = "work-orders"
    s3_region: str = "us-east-1"
    s3_access_key: str = Field(default="change-me-s3-access-key", repr=False)
    s3_secret_key: str = Field(default="change-me-s3-secret-key", repr=False)
    s3_create_bucket: bool = False

    # SLA sweeper: reminders before a deadline, breaches and escalation after it
    sla_sweep_interval_s: float = 30.0
    sla_reminder_before_minutes: int = 30
    sla_batch: int = 500

    # Open311 GeoReport v2 (ADR 0035): calls per API key and window, across replicas
    open311_rate_limit: int = Field(default=120, ge=1)
    open311_rate_window_s: int = Field(default=60, ge=1)

    # Patrol rounds whose window ended are closed (missed checkpoints, long gaps)
    patrol_sweep_interval_s: float = 60.0

    def secret_fields(self) -> list[str]:
        fields = [*super().secret_fields()]
        if self.object_store == "s3":
            fields += ["s3_access_key", "s3_secret_key"]
        return fields

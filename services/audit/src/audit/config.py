"""Settings of the audit store (environment variables, see services/audit/README.md)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from sc_core.settings import ServiceSettings

# Operation logs are kept one year or more (standard 6.7.3 d); nothing may set less.
MIN_RETENTION_DAYS = 365


class Settings(ServiceSettings):
    service_name: str = "audit"

    # Days an audit record is kept at least; a monthly partition is dropped once all of
    # it is older than this.
    audit_retention_days: int = 365
    # Monthly partitions created ahead of time, beyond the current month.
    audit_partitions_ahead: int = Field(default=3, ge=1, le=24)
    # How often the service runs its maintenance job (partitions ahead, retention,
    # inbox pruning); the first run is at start.
    audit_maintenance_interval_seconds: float = Field(default=6 * 3600, ge=1)
    # Inbox rows of this consumer older than this are pruned; the unique key of the
    # records still refuses a later duplicate. Above the 90 days the DLQ keeps messages.
    audit_inbox_keep_days: int = Field(default=120, ge=100)
    # An export that would hold more rows is refused (narrow the filters).
    audit_export_max_rows: int = Field(default=100_000, ge=1, le=1_000_000)
    # Longest range of one summary request.
    audit_summary_max_days: int = Field(default=366, ge=1, le=3660)
    # Time zone of the summary's days and of dates without an offset in filters.
    audit_timezone: str = "Asia/Shanghai"
    # Fetch settings of the records' consumer while records arrive: the broker answers
    # when it holds this many bytes or after this long, so a batch (one transaction, one
    # lock of the day's chain head, one offset commit) holds many records. Audited reads
    # at 100 requests/s came one or two a batch and cost the store ~5.4 ms of CPU each
    # (ADR 0073). After a poll that brought none, the idle long poll answers the first
    # record at once (sc_core.bus.fetch_bound), so a lone record is stored at once.
    audit_fetch_min_bytes: int = Field(default=65536, ge=1)
    audit_fetch_max_wait_ms: int = Field(default=500, ge=0, le=2000)

    @field_validator("audit_retention_days")
    @classmethod
    def _at_least_a_year(cls, value: int) -> int:
        if value < MIN_RETENTION_DAYS:
            raise ValueError(
                f"AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS} "
                f"(operation logs are kept one year or more), got {value}"
            )
        return value

    @field_validator("audit_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"AUDIT_TIMEZONE {value!r} is not a known time zone") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.audit_timezone)

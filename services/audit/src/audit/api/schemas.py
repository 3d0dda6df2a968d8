"""What the API returns."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field


class AuditRecordRead(BaseModel):
    """One stored audit record; personal data inside it masked for the reader."""

    record_id: UUID
    occurred_at: datetime
    received_at: datetime = Field(description="When the store received the record.")
    service: str
    actor_id: str | None
    actor_type: str
    actor_roles: list[str]
    action: str
    resource_type: str
    resource_id: str | None
    community_id: str | None
    outcome: str
    source_ip: str | None
    trace_id: str | None
    request_id: str | None
    detail: dict[str, str]
    chain_day: date = Field(description="UTC day whose hash chain holds the record.")
    chain_pos: int = Field(description="Position in that chain, from 1.")
    hash: str = Field(description="SHA-256 of the record chained to the previous one.")


class BrokenLinkRead(BaseModel):
    position: int = Field(description="Chain position where verification first fails.")
    reason: str = Field(
        description="missing_record, duplicate_position, wrong_day, broken_link, altered, "
        "missing_head, truncated or head_mismatch."
    )
    record_id: str | None = None
    expected: str | None = None
    found: str | None = None


class VerifyReport(BaseModel):
    day: date
    ok: bool
    records: int = Field(description="Records checked (up to the first broken link).")
    head_length: int | None = Field(description="Records the chain head counts.")
    first_broken: BrokenLinkRead | None


class ActionOutcomeCount(BaseModel):
    day: date
    action: str
    outcome: str
    count: int


class DayCount(BaseModel):
    day: date
    count: int


class RoleCount(BaseModel):
    role: str
    count: int


class AuditSummary(BaseModel):
    start: datetime
    end: datetime
    timezone: str = Field(description="Time zone of the days.")
    by_action_outcome: list[ActionOutcomeCount]
    failed_logins: list[DayCount] = Field(
        description="auth.login records with outcome failure or denied, per day."
    )
    failed_logins_total: int
    sensitive_reads_by_role: list[RoleCount] = Field(
        description="Reads of sensitive data (actions *.read_sensitive, *.reveal) by the "
        "actor's roles; a record counts once for each role its actor held ('none': no role)."
    )

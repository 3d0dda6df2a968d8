"""Audit records: who did what, when, from where, with which outcome."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData

ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"


class ActorType(StrEnum):
    """Kind of principal that acted."""

    USER = "user"
    SERVICE = "service"
    DEVICE = "device"
    ANONYMOUS = "anonymous"


class AuditOutcome(StrEnum):
    """How the audited action ended."""

    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"
    ERROR = "error"


class AuditRecordedV1(EventData):
    """One audit record. Records are facts: never updated, never deleted early."""

    record_id: UUID = Field(description="Unique id of the record (UUID); consumers dedupe on it.")
    occurred_at: AwareDatetime = Field(description="When the audited action happened.")
    service: str = Field(min_length=1, description="Service that performed the action.")
    actor_id: str | None = Field(
        default=None, description="Id of the acting principal; null when anonymous."
    )
    actor_type: ActorType = Field(description="Kind of principal that acted.")
    actor_roles: list[str] = Field(
        default_factory=list, description="Roles the actor held when acting."
    )
    action: str = Field(
        pattern=ACTION_PATTERN,
        description="Dotted verb, e.g. workorder.create, person.read_sensitive, auth.login.",
    )
    resource_type: str = Field(min_length=1, description="Kind of resource acted on.")
    resource_id: str | None = Field(default=None, description="Id of the resource, if any.")
    community_id: str | None = Field(
        default=None, description="Community the resource belongs to, if any."
    )
    outcome: AuditOutcome = Field(description="How the action ended.")
    source_ip: str | None = Field(default=None, description="Client IP address, if known.")
    trace_id: str | None = Field(default=None, description="W3C trace id of the request.")
    request_id: str | None = Field(default=None, description="Gateway request id.")
    detail: dict[str, str] = Field(
        default_factory=dict,
        description="Extra context as strings; never sensitive personal data in clear.",
    )

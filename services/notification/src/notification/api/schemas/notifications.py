"""Notification requests' models: what an admin sends, and a request read back with its
deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from sc_contracts.events import NotificationChannel, NotificationSeverity, Recipients

VariableName = Annotated[str, Field(max_length=64)]
VariableValue = Annotated[str, Field(max_length=2000)]


class NotificationCreate(BaseModel):
    request_id: str | None = Field(
        default=None, min_length=1, max_length=200, description="Idempotency key; generated."
    )
    recipients: Recipients
    template: str = Field(min_length=1, max_length=100)
    variables: dict[
        Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=2000)]
    ] = Field(default_factory=dict, max_length=50)
    severity: NotificationSeverity = NotificationSeverity.INFO
    channels: list[NotificationChannel] = Field(min_length=1, max_length=6)
    locale: str = Field(default="zh-CN", max_length=16)
    community_id: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _bounded_and_storable(self) -> NotificationCreate:
        r = self.recipients
        if len(r.user_ids) > 10_000 or len(r.household_ids) > 5_000 or len(r.roles_in_scope) > 100:
            raise ValueError(
                "at most 10000 user_ids, 5000 household_ids and 100 roles_in_scope per request"
            )
        texts = [*r.user_ids, *r.household_ids, *self.variables, *self.variables.values()]
        texts += [
            x for role in r.roles_in_scope for x in (role.role, role.scope_type, role.scope_id)
        ]
        if any("\x00" in t for t in texts):  # JSONB cannot hold NUL
            raise ValueError("values may not contain NUL characters")
        if any(not t.strip() for t in [*r.user_ids, *r.household_ids]):
            # an empty id names nobody: it was accepted and its delivery retried for ever
            raise ValueError("user_ids and household_ids may not hold empty ids")
        return self


class DeliveryRead(BaseModel):
    id: uuid.UUID
    recipient_id: str
    channel: str
    status: str
    attempts: int
    last_error: str | None = Field(description="Why it did not go out: a stable code.")
    last_error_message: dict[str, str] | None = Field(
        default=None,
        description="last_error in words: {'zh-CN': ..., 'en': ...} (the code never alone).",
    )
    locale: str
    title: str
    next_attempt_at: datetime | None
    decided_at: datetime | None
    created_at: datetime


class NotificationRead(BaseModel):
    request_id: str
    template: str
    severity: str
    channels: list[str]
    source_service: str
    community_id: str | None
    correlation_id: str | None
    recipient_count: int
    created_at: datetime


class NotificationDetail(NotificationRead):
    deliveries: list[DeliveryRead] = Field(description="The first 1000, by recipient.")
    summary: dict[str, int] = Field(description="Deliveries by status (all of them).")

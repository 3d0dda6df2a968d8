"""Requests to notify people, handled by the notification service.

The lengths are what the request API (``POST /api/v1/notifications``) and the stores accept
(issue 18): request and correlation ids 200, a template code 100, a locale 16, community
64; a role 32, a scope type 16, a scope id 64 (identity's grants); a recipient 128 (a user
id, or ``device:<device id>`` for a speaker), so a request names users by ids of at most 128
and households by ids of at most 64 (identity's).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from sc_contracts.events.base import EventData


class NotificationSeverity(StrEnum):
    """How urgent a notification is; decides channels' fallback and quiet hours."""

    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"
    CRITICAL = "critical"


class NotificationChannel(StrEnum):
    """Where a notification may be delivered."""

    INAPP = "inapp"
    PUSH = "push"
    SMS = "sms"
    VOICE = "voice"
    SPEAKER = "speaker"
    SCREEN = "screen"


class RoleInScope(EventData):
    """Everyone holding ``role`` within a scope, e.g. grid_worker in grid g-12."""

    role: str = Field(max_length=32, min_length=1, description="Role name, e.g. property_manager.")
    scope_type: str = Field(
        max_length=16,
        min_length=1,
        description="Scope kind: community, grid, building or household.",
    )
    scope_id: str = Field(max_length=64, min_length=1, description="Id of the scope.")


class Recipients(EventData):
    """Who should be notified; the union of all three lists, at least one non-empty."""

    user_ids: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        default_factory=list, description="Users by id (a delivery's recipient: 128)."
    )
    roles_in_scope: list[RoleInScope] = Field(
        default_factory=list, description="Holders of a role within a scope."
    )
    household_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, description="Every member of these households (ids 64)."
    )

    @model_validator(mode="after")
    def _someone(self) -> Recipients:
        if not (self.user_ids or self.roles_in_scope or self.household_ids):
            raise ValueError("recipients must name at least one user, role or household")
        return self


class NotificationRequestedV1(EventData):
    """A service asks for people to be notified. Delivered at most once per request_id."""

    request_id: str = Field(
        max_length=200,
        min_length=1,
        description="Idempotency key: a repeated request_id is delivered once.",
    )
    recipients: Recipients = Field(description="Who should be notified.")
    template: str = Field(
        max_length=100, min_length=1, description="Template code, e.g. alarm.raised."
    )
    variables: dict[str, str] = Field(
        default_factory=dict, description="Values for the template's placeholders."
    )
    severity: NotificationSeverity = Field(description="How urgent the notification is.")
    channels: list[NotificationChannel] = Field(
        min_length=1, description="Channels to use, in order of preference."
    )
    locale: str = Field(
        max_length=16, default="zh-CN", description="BCP 47 language tag for the template."
    )
    source_service: str = Field(max_length=64, min_length=1, description="Service that asked.")
    community_id: str | None = Field(
        max_length=64, default=None, description="Community the notification concerns, if any."
    )
    correlation_id: str | None = Field(
        max_length=200,
        default=None,
        description="Id tying this to a business process, e.g. the alarm id.",
    )
    causation_id: str | None = Field(
        max_length=200,
        default=None,
        description="CloudEvents id of the event that caused this request.",
    )


class DeliveryStatus(StrEnum):
    """Where one delivery (one recipient, one channel) ended up."""

    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    SUPPRESSED = "suppressed"


class NotificationDeliveredV1(EventData):
    """One recipient's delivery on one channel reached a final (or held) status."""

    delivery_id: str = Field(
        max_length=64, min_length=1, description="Notification service's delivery id."
    )
    request_id: str = Field(
        max_length=200, min_length=1, description="The request it belongs to; message key."
    )
    recipient_id: str = Field(max_length=128, min_length=1, description="User id of the recipient.")
    channel: NotificationChannel = Field(description="Channel used.")
    status: DeliveryStatus = Field(
        description="sent; failed after retries; held by quiet hours; suppressed by "
        "preference or rate limit."
    )
    attempts: int = Field(ge=0, description="Attempts made with the provider.")
    error: str | None = Field(
        max_length=1000, default=None, description="Last provider error, if any."
    )
    template: str = Field(max_length=100, min_length=1, description="Template code of the request.")
    severity: NotificationSeverity = Field(description="Severity of the request.")
    community_id: str | None = Field(max_length=64, default=None, description="Community, if any.")
    correlation_id: str | None = Field(
        max_length=200, default=None, description="e.g. the alarm id."
    )
    decided_at: AwareDatetime = Field(description="When this status was reached.")


class NotificationOpenedV1(EventData):
    """A recipient opened an in-app message (the first time only)."""

    delivery_id: str = Field(
        max_length=64, min_length=1, description="The in-app delivery that was read."
    )
    request_id: str = Field(
        max_length=200, min_length=1, description="The request it belongs to; message key."
    )
    recipient_id: str = Field(max_length=128, min_length=1, description="User id of the reader.")
    template: str = Field(max_length=100, min_length=1, description="Template code of the request.")
    community_id: str | None = Field(max_length=64, default=None, description="Community, if any.")
    read_at: AwareDatetime = Field(description="When the message was first read.")

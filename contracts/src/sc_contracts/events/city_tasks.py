"""Tasks a district or city platform sends down (issue 25 item 2, 5.2): gov-affairs receives
them under an exchange agreement and turns each into what it is. An inspection or a
population check becomes a case of work-orders (``CityTaskCaseRequestedV1`` on
``gov.city-tasks.v1``, one per community named); a warning becomes a notice. The outcome
(the case's state, the notice published) goes back to the sender as an exchange record
(``CityTaskOutcomeV1`` on ``exchange.task-outcomes.v1``, keyed by the sender). A task
comes over HTTPS or, as ``CityTaskIssuedV1``, on the inbound ``exchange.city-tasks.v1``.

No personal data: the task's own words, places as ids, states as codes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class CityTaskKind(StrEnum):
    INSPECTION = "inspection"  # 检查 / 巡查
    POPULATION_CHECK = "population_check"  # 人口核查
    WARNING = "warning"  # 预警


class CityTaskCaseRequestedV1(EventData):
    """gov-affairs asks for one case: a task sent down by a district platform, in one of
    the communities it names."""

    request_id: str = Field(
        max_length=64,
        min_length=1,
        description="The request (one per task and community); the message key and the "
        "case's external reference.",
    )
    task_id: str = Field(max_length=64, min_length=1, description="gov-affairs' task id.")
    sender: str = Field(max_length=64, min_length=1, description="The sender's recipient code.")
    kind: CityTaskKind = Field(description="inspection or population_check.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the case.")
    building_id: str | None = Field(
        default=None, max_length=64, description="Building, when the task names one."
    )
    title: str = Field(max_length=200, min_length=1, description="The task's title (zh-CN).")
    title_en: str | None = Field(default=None, max_length=200, description="Its title in English.")
    description: str = Field(max_length=4000, description="What the task asks, in its words.")
    due_at: AwareDatetime | None = Field(default=None, description="By when, if the task says.")
    requested_at: AwareDatetime = Field(description="When gov-affairs received the task.")


class CityTaskOutcomeV1(EventData):
    """Where a task sent down stands, for its sender: the state of its case in one
    community (received, accepted, in progress, resolved, closed ...) or its notice
    published."""

    record_id: str = Field(
        max_length=120, min_length=1, description="<request id>:<state>; unique."
    )
    recipient: str = Field(
        max_length=64, min_length=1, description="The sender's code (message key)."
    )
    agreement_id: str = Field(max_length=64, min_length=1, description="The agreement.")
    task_id: str = Field(max_length=64, min_length=1, description="The sender's own task id.")
    kind: CityTaskKind = Field(description="What the task was.")
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    state: str = Field(
        max_length=16,
        min_length=1,
        description="The case's status (submitted, accepted, assigned, in_progress, "
        "resolved, closed, ...), published (a warning's notice) or refused (the task sent "
        "down over Kafka was not taken: reason_code says why).",
    )
    state_text: str = Field(max_length=64, min_length=1, description="The state in words, zh-CN.")
    state_text_en: str = Field(max_length=64, min_length=1, description="The state in words, en.")
    at: AwareDatetime = Field(description="When the task reached this state.")
    # added in 2026-12 (absent from older events and from every state but refused, ADR 0044)
    reason_code: str | None = Field(
        default=None,
        max_length=64,
        description="Why the task was refused: the stable code the HTTPS route would answer "
        "(exchange.no_agreement, exchange.community_not_covered, city_task.changed ...).",
    )
    reason_text: str | None = Field(
        default=None, max_length=200, description="Why it was refused, in words, zh-CN."
    )
    reason_text_en: str | None = Field(
        default=None, max_length=200, description="Why it was refused, in words, en."
    )


class CityTaskIssuedV1(EventData):
    """A task a district or city platform sends down over Kafka (the same task as ``POST
    /api/v1/exchange/tasks`` takes). The sender writes it with its own Kafka principal,
    which its agreement lets write this topic alone; gov-affairs, which cannot see that
    principal, knows the sender by ``sender_token`` (ADR 0042)."""

    agreement_id: str = Field(
        max_length=64, min_length=1, description="The sender's exchange agreement (message key)."
    )
    sender_token: str = Field(
        max_length=8192,
        min_length=16,
        description="The sender's access token from identity (client credentials of the "
        "client the agreement names), valid when gov-affairs reads the message.",
    )
    task_id: str = Field(
        max_length=64, min_length=1, description="The sender's own id of the task (idempotent)."
    )
    kind: CityTaskKind = Field(description="inspection, population_check or warning.")
    title: str = Field(max_length=120, min_length=1, description="The task's title (zh-CN).")
    title_en: str | None = Field(default=None, max_length=200, description="Its title in English.")
    description: str = Field(
        max_length=4000, min_length=1, description="What the task asks, in its words."
    )
    communities: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=50, description="The communities it is for."
    )
    building_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="With one community only."
    )
    due_at: AwareDatetime | None = Field(
        default=None, description="By when (a case) or until when (a warning's notice)."
    )

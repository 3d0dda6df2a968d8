"""Outcomes of device commands, reported by device-ingestion.

The lengths are the command's (``DeviceCommandRequestedV1``: ids and the command 64, who
asked 128), as device-ingestion stores them (issue 18); the error at most 1,000 characters
(the producers cut it there; device-ingestion and notification keep it as text).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData, Scalar


class CommandOutcome(StrEnum):
    """How a command ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


class DeviceCommandCompletedV1(EventData):
    """A command to a device ended: the device answered, reported an error, or did not
    answer before the command expired."""

    command_id: str = Field(
        max_length=64, min_length=1, description="device-ingestion's id of the command."
    )
    request_command_id: str | None = Field(
        max_length=64,
        default=None,
        description="command_id of the command_requested event it came from, if any.",
    )
    device_id: str = Field(
        max_length=64, min_length=1, description="Device the command was for (message key)."
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community of the device.")
    command: str = Field(
        max_length=64, min_length=1, description="Command (RPC method), e.g. open_door."
    )
    outcome: CommandOutcome = Field(description="succeeded, failed or expired.")
    result: dict[str, Scalar] = Field(
        default_factory=dict, description="The device's answer (scalar members only)."
    )
    error: str | None = Field(
        max_length=1000, default=None, description="Why it failed or expired."
    )
    requested_by: str | None = Field(
        max_length=128, default=None, description="Who asked for the command."
    )
    completed_at: AwareDatetime = Field(description="When the outcome was decided.")

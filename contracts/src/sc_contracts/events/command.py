"""Commands to devices, carried out by device-ingestion (doors, lights, pumps, speakers...)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData, Scalar

COMMAND_PATTERN = r"^[a-z][a-z0-9_]*$"


class DeviceCommandRequestedV1(EventData):
    """A service asks for a command to be sent to a device.

    Known commands and their ``params``: ``open_door`` {door_id, duration_s};
    ``switch_light`` {on}; ``dim_light`` {level 0-100}; ``start_pump`` / ``stop_pump`` {};
    ``voice_warning`` {text, repeat}; ``screen_text`` {text, duration_s}. A command not
    carried out by ``expires_at`` is dropped (a door opened a minute late is a risk).

    The maximum lengths are what device-ingestion stores (``device_commands``): a longer
    value could never be carried out, so the producer learns it when it publishes.
    """

    command_id: str = Field(
        min_length=1, max_length=64, description="Idempotency key of the command."
    )
    device_id: str = Field(min_length=1, max_length=64, description="Target device (message key).")
    command: str = Field(
        pattern=COMMAND_PATTERN,
        max_length=64,
        description="Command name, e.g. open_door, dim_light.",
    )
    params: dict[str, Scalar] = Field(
        default_factory=dict, description="Command parameters, by command."
    )
    community_id: str | None = Field(
        default=None, max_length=64, description="Community the device is installed in, if known."
    )
    requested_by: str = Field(
        min_length=1, max_length=128, description="Account (or service) that asked for the command."
    )
    requested_by_service: str = Field(
        min_length=1, max_length=64, description="Service that sent it."
    )
    requested_at: AwareDatetime = Field(description="When the command was requested.")
    expires_at: AwareDatetime = Field(description="Drop the command if not done by then.")
    correlation_id: str | None = Field(
        max_length=200,
        default=None,
        description="Business id it belongs to, e.g. a visitor pass or alarm.",
    )

"""Messages on their way to devices over MQTT, from device-ingestion to its MQTT transport
replicas (ADR 0038): every replica reads every message and delivers it to the devices it
holds, so a device may be connected to any replica."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from sc_contracts.events.base import EventData


class DownlinkKind(StrEnum):
    """What the message is, on the device API (ThingsBoard's topics)."""

    RPC = "rpc"  # a server-side RPC request: v1/devices/me/rpc/request/{rpc_id}
    ATTRIBUTES = "attributes"  # a shared-attribute update: v1/devices/me/attributes


class DeviceDownlinkRequestedV1(EventData):
    """device-ingestion has a message for a device (a server-side RPC request, changed
    shared attributes, a firmware notice): the transport replica that holds the device's
    connection publishes it there; a replica that holds none ignores it."""

    device_id: str = Field(min_length=1, max_length=64, description="Device (message key).")
    kind: DownlinkKind = Field(description="rpc or attributes.")
    rpc_id: int | None = Field(
        default=None, ge=0, description="The RPC request's id on the device's topic (rpc)."
    )
    command_id: str | None = Field(
        default=None, max_length=64, description="device-ingestion's id of the command (rpc)."
    )
    payload: str = Field(
        max_length=262_144,
        description="The MQTT message's JSON body as the device receives it.",
    )

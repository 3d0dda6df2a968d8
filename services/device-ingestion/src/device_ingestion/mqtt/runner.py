"""Starting MQTT for the service: the client on MQTT_URL, or the embedded broker and the
client on it."""

from __future__ import annotations

import logging
import socket
import uuid
from typing import Any

from device_ingestion.commands.service import CommandService
from device_ingestion.config import Settings
from device_ingestion.ingest.directory import DeviceDirectory
from device_ingestion.mqtt.bridge import MqttBridge
from device_ingestion.mqtt.broker import MountingBroker
from device_ingestion.mqtt.handling import Verdict, handle_device_message
from device_ingestion.usecases.ingest import Ingest

log = logging.getLogger(__name__)


class Mqtt:
    def __init__(
        self,
        settings: Settings,
        directory: DeviceDirectory,
        ingest: Ingest,
        commands: CommandService,
    ) -> None:
        self.settings = settings
        self.directory = directory
        self.ingest = ingest
        self.commands = commands
        self.broker: MountingBroker | None = None  # the embedded one, once started
        self.bridge: MqttBridge | None = None  # once started

    @property
    def enabled(self) -> bool:
        return bool(self.settings.mqtt_url) or self.settings.mqtt_embedded

    @property
    def readiness_name(self) -> str:
        return "mqtt" if self.settings.mqtt_url else "mqtt (embedded amqtt broker, dev only)"

    async def start(self) -> None:
        s = self.settings
        common: dict[str, Any] = {
            "directory": self.directory,
            "ingest": self.ingest,
            "prefix": s.mqtt_mount_prefix,
            "shared_group": s.mqtt_shared_group,
            "on_rpc_response": self.commands.complete,
        }
        if s.mqtt_url:
            bridge = MqttBridge.from_url(
                s.mqtt_url,
                username=s.mqtt_service_username,
                password=s.mqtt_service_password,
                persistent=True,
                client_id=s.mqtt_service_client_id
                or f"{s.mqtt_service_username}-{socket.gethostname()}",
                **common,
            )
            log.info("mqtt: using the broker at MQTT_URL")
        else:
            broker = await self._embedded_broker()
            bridge = MqttBridge(
                host=s.mqtt_embedded_host,
                port=broker.port,
                username=s.mqtt_service_username,
                password=s.mqtt_service_password,
                **common,
            )
        self.bridge = bridge
        await bridge.start()
        self.commands.mqtt_send = bridge.publish_rpc

    async def _embedded_broker(self) -> MountingBroker:
        s = self.settings
        directory = self.directory

        async def device_for_token(token: str) -> str | None:
            ref = await directory.by_token(token) if len(token) <= 128 else None
            return str(ref.id) if ref is not None else None

        async def accept(device_id: str, topic: str, payload: bytes) -> Verdict:
            device = await directory.by_id(uuid.UUID(device_id))
            if device is None:  # deleted since it connected
                return Verdict.INVALID
            return await handle_device_message(self.ingest, device, topic, payload)

        self.broker = MountingBroker(
            s.mqtt_embedded_host,
            s.mqtt_embedded_port,
            prefix=s.mqtt_mount_prefix,
            device_for_token=device_for_token,
            service_username=s.mqtt_service_username,
            service_password=s.mqtt_service_password,
            accept=accept,
            ack_invalid=s.mqtt_ack_invalid,
        )
        await self.broker.start()
        log.warning(
            "mqtt: MQTT_URL is unset; embedded amqtt broker (development only) on %s:%d",
            s.mqtt_embedded_host,
            self.broker.port,
        )
        return self.broker

    async def ready(self) -> None:
        if self.bridge is None:
            raise ConnectionError("MQTT has not started")
        await self.bridge.ready()

    async def stop(self) -> None:
        if self.bridge is not None:
            await self.bridge.stop()
        if self.broker is not None:
            await self.broker.shutdown()

"""Starting MQTT for the service: the device transport in the process (MQTT 3.1, 3.1.1
and 5, ADR 0029), or, with MQTT_URL, the client of an external broker that mounts device
sessions (ADR 0009)."""

from __future__ import annotations

import logging
import socket

from device_ingestion.attribute_updates import AttributeUpdates
from device_ingestion.commands.service import CommandService
from device_ingestion.config import Settings
from device_ingestion.ingest.directory import DeviceDirectory
from device_ingestion.mqtt.bridge import MqttBridge
from device_ingestion.mqtt.transport import DeviceTransport
from device_ingestion.usecases.claims import Claims
from device_ingestion.usecases.firmware import Firmware
from device_ingestion.usecases.gateways import Gateways
from device_ingestion.usecases.ingest import Ingest
from device_ingestion.usecases.provisioning import Provisioning

log = logging.getLogger(__name__)


class Mqtt:
    def __init__(
        self,
        settings: Settings,
        directory: DeviceDirectory,
        ingest: Ingest,
        commands: CommandService,
        attribute_updates: AttributeUpdates,
        claims: Claims,
        provisioning: Provisioning,
        gateways: Gateways,
        firmware: Firmware | None = None,
    ) -> None:
        self.settings = settings
        self.directory = directory
        self.ingest = ingest
        self.commands = commands
        self.attribute_updates = attribute_updates
        self.claims = claims
        self.provisioning = provisioning
        self.gateways = gateways
        self.firmware = firmware
        self.transport: DeviceTransport | None = None  # the device transport, once started
        self.bridge: MqttBridge | None = None  # the external broker's client, once started

    @property
    def enabled(self) -> bool:
        return bool(self.settings.mqtt_url) or self.settings.mqtt_embedded

    @property
    def readiness_name(self) -> str:
        return "mqtt (external broker)" if self.settings.mqtt_url else "mqtt"

    @property
    def port(self) -> int:
        """The port devices connect to (the device transport's)."""
        if self.transport is None:
            raise RuntimeError("the device transport has not started")
        return self.transport.port

    async def start(self) -> None:
        s = self.settings
        if not s.mqtt_url:
            self.transport = DeviceTransport(
                s.mqtt_embedded_host,
                s.mqtt_embedded_port,
                directory=self.directory,
                ingest=self.ingest,
                on_rpc_response=self.commands.complete,
                claims=self.claims,
                provisioning=self.provisioning,
                gateways=self.gateways,
                firmware=self.firmware,
                ack_invalid=s.mqtt_ack_invalid,
            )
            await self.transport.start()
            self.commands.mqtt_send = self.transport.publish_rpc
            self.attribute_updates.listen(self.transport.push_attributes)
            log.info("mqtt: device transport on %s:%d", s.mqtt_embedded_host, self.port)
            return
        bridge = MqttBridge.from_url(
            s.mqtt_url,
            username=s.mqtt_service_username,
            password=s.mqtt_service_password,
            persistent=True,
            client_id=s.mqtt_service_client_id
            or f"{s.mqtt_service_username}-{socket.gethostname()}",
            directory=self.directory,
            ingest=self.ingest,
            prefix=s.mqtt_mount_prefix,
            shared_group=s.mqtt_shared_group,
            on_rpc_response=self.commands.complete,
        )
        log.info("mqtt: using the broker at MQTT_URL")
        self.bridge = bridge
        await bridge.start()
        self.commands.mqtt_send = bridge.publish_rpc

    async def ready(self) -> None:
        if self.transport is not None:
            await self.transport.ready()
        elif self.bridge is not None:
            await self.bridge.ready()
        else:
            raise ConnectionError("MQTT has not started")

    async def stop(self) -> None:
        if self.bridge is not None:
            await self.bridge.stop()
        if self.transport is not None:
            await self.transport.stop()

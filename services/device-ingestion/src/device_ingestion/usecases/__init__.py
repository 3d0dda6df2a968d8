"""Use cases: the transaction, scope checks and audit of what routes, MQTT and consumers
ask for. ``UseCases`` holds every part the routes reach, built once in ``main.build``."""

from __future__ import annotations

from dataclasses import dataclass

from device_ingestion.attribute_updates import AttributeUpdates
from device_ingestion.commands.service import CommandService
from device_ingestion.config import Settings
from device_ingestion.domain.buckets import Bucketer
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.ingest.directory import DeviceDirectory
from device_ingestion.usecases.claims import Claims
from device_ingestion.usecases.command_requests import CommandRequests
from device_ingestion.usecases.commands import Commands
from device_ingestion.usecases.devices import Devices
from device_ingestion.usecases.energy import Energy
from device_ingestion.usecases.firmware import Firmware
from device_ingestion.usecases.gateways import Gateways
from device_ingestion.usecases.ingest import Ingest
from device_ingestion.usecases.provisioning import Provisioning
from device_ingestion.usecases.storage import Storage
from device_ingestion.usecases.telemetry import TelemetryReads
from device_ingestion.usecases.utility_readings import UtilityReadings


@dataclass(frozen=True)
class UseCases:
    settings: Settings
    catalogue: Catalogue
    bucketer: Bucketer
    directory: DeviceDirectory
    attribute_updates: AttributeUpdates
    devices: Devices
    claims: Claims
    gateways: Gateways
    energy: Energy
    firmware: Firmware
    ingest: Ingest
    provisioning: Provisioning
    commands: CommandService
    device_commands: Commands
    requests: CommandRequests
    storage: Storage
    telemetry: TelemetryReads
    utility_readings: UtilityReadings

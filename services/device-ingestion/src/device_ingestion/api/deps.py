"""Annotated dependencies of the API: the service's parts, and who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from device_ingestion.config import Settings
from device_ingestion.domain.buckets import Bucketer
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.ingest.directory import DeviceDirectory
from device_ingestion.ingest.publisher import TelemetryPublisher
from sc_core.auth import Principal, require_roles

# Roles: who manages devices, who may see them, who may send them commands.
DEVICE_ADMIN = ("platform_admin", "community_admin", "property_manager")
DEVICE_READ = (*DEVICE_ADMIN, "property_staff", "grid_worker", "gov_officer", "police")
COMMANDERS = (*DEVICE_ADMIN, "property_staff")


@dataclass
class Parts:
    """What the routes share; built at start-up, kept on ``app.state.parts``."""

    settings: Settings
    catalogue: Catalogue
    bucketer: Bucketer
    directory: DeviceDirectory | None = None
    publisher: TelemetryPublisher | None = None
    commands: object | None = None  # device_ingestion.commands.service.CommandService


def get_parts(request: Request) -> Parts:
    parts: Parts = request.app.state.parts
    return parts


PartsDep = Annotated[Parts, Depends(get_parts)]
DeviceAdmin = Annotated[Principal, Depends(require_roles(*DEVICE_ADMIN))]
DeviceReader = Annotated[Principal, Depends(require_roles(*DEVICE_READ))]
Commander = Annotated[Principal, Depends(require_roles(*COMMANDERS))]

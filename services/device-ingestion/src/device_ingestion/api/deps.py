"""Annotated dependencies of the API: the service's use cases, and who may do what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from device_ingestion.usecases import UseCases
from sc_core.auth import Principal, require_roles

# Roles: who manages devices, who may see them, who may send them commands.
DEVICE_ADMIN = ("platform_admin", "community_admin", "property_manager")
DEVICE_READ = (*DEVICE_ADMIN, "property_staff", "grid_worker", "gov_officer", "police")
COMMANDERS = (*DEVICE_ADMIN, "property_staff")


async def get_usecases(request: Request) -> UseCases:
    usecases: UseCases = request.app.state.usecases
    return usecases


UseCasesDep = Annotated[UseCases, Depends(get_usecases)]
DeviceAdmin = Annotated[Principal, Depends(require_roles(*DEVICE_ADMIN))]
DeviceReader = Annotated[Principal, Depends(require_roles(*DEVICE_READ))]
Commander = Annotated[Principal, Depends(require_roles(*COMMANDERS))]

"""Annotated dependencies of the API: the service's use cases, and who may do what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from device_ingestion.usecases import UseCases
from device_ingestion.usecases.claims import HOUSEHOLD_ROLES
from device_ingestion.usecases.devices import COMMANDERS, DEVICE_ADMIN, DEVICE_READ
from sc_core.auth import Caller, callers


async def get_usecases(request: Request) -> UseCases:
    usecases: UseCases = request.app.state.usecases
    return usecases


UseCasesDep = Annotated[UseCases, Depends(get_usecases)]
# the caller when they hold one of the roles (403 otherwise)
DeviceToken = Annotated[str, Path(min_length=1, max_length=128)]
DeviceAdmin = Annotated[Caller, Depends(callers(*DEVICE_ADMIN))]
DeviceReader = Annotated[Caller, Depends(callers(*DEVICE_READ))]
Commander = Annotated[Caller, Depends(callers(*COMMANDERS))]
Claimant = Annotated[Caller, Depends(callers(*HOUSEHOLD_ROLES, *DEVICE_ADMIN))]

__all__ = [
    "COMMANDERS",
    "DEVICE_ADMIN",
    "DEVICE_READ",
    "Claimant",
    "Commander",
    "DeviceAdmin",
    "DeviceReader",
    "UseCasesDep",
]

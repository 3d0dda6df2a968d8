"""What the routes are given: the use cases (built once in ``main``), the settings and
the caller, as ``Annotated`` dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from parking_payment.config import Settings
from parking_payment.usecases import (
    Bills,
    Callbacks,
    Charging,
    Gates,
    ParkingTarget,
    PaymentJobs,
    Payments,
    UseCases,
    Vehicles,
)
from sc_core.auth import Caller, callers

STAFF_ROLES = ("property_staff", "property_manager", "community_admin", "platform_admin")
MANAGER_ROLES = ("property_manager", "community_admin", "platform_admin")
TRACER_ROLES = ("property_manager", "community_admin", "police", "platform_admin")


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def _payments(request: Request) -> Payments:
    return usecases(request).payments


async def _callbacks(request: Request) -> Callbacks:
    return usecases(request).callbacks


async def _jobs(request: Request) -> PaymentJobs:
    return usecases(request).jobs


async def _gates(request: Request) -> Gates:
    return usecases(request).gates


async def _parking(request: Request) -> ParkingTarget:
    return usecases(request).parking


async def _vehicles(request: Request) -> Vehicles:
    return usecases(request).vehicles


async def _bills(request: Request) -> Bills:
    return usecases(request).bills


async def _charging(request: Request) -> Charging:
    return usecases(request).charging


SettingsDep = Annotated[Settings, Depends(_settings)]
PaymentsDep = Annotated[Payments, Depends(_payments)]
CallbacksDep = Annotated[Callbacks, Depends(_callbacks)]
JobsDep = Annotated[PaymentJobs, Depends(_jobs)]
GatesDep = Annotated[Gates, Depends(_gates)]
VehiclesDep = Annotated[Vehicles, Depends(_vehicles)]
ParkingDep = Annotated[ParkingTarget, Depends(_parking)]
BillsDep = Annotated[Bills, Depends(_bills)]
ChargingDep = Annotated[Charging, Depends(_charging)]

Staff = Annotated[Caller, Depends(callers(*STAFF_ROLES))]
Manager = Annotated[Caller, Depends(callers(*MANAGER_ROLES))]
Tracer = Annotated[Caller, Depends(callers(*TRACER_ROLES))]

"""What the routes are given: the use cases (built once in ``main``), the settings, and the
caller, as ``Annotated`` dependencies. A route never reaches past these. (``async def``:
FastAPI runs a plain ``def`` dependency in the thread pool, ADR 0017.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sc_core.auth import Caller, callers
from work_orders.config import Settings
from work_orders.domain.states import MANAGER_ROLES, STAFF_ROLES
from work_orders.usecases import (
    Attachments,
    Cases,
    CaseTypes,
    GeoReport,
    Open311Clients,
    Open311Places,
    Patrols,
    StaffSkills,
    Stats,
    UseCases,
)


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def _cases(request: Request) -> Cases:
    return usecases(request).cases


async def _attachments(request: Request) -> Attachments:
    return usecases(request).attachments


async def _case_types(request: Request) -> CaseTypes:
    return usecases(request).case_types


async def _staff_skills(request: Request) -> StaffSkills:
    return usecases(request).staff_skills


async def _patrols(request: Request) -> Patrols:
    return usecases(request).patrols


async def _stats(request: Request) -> Stats:
    return usecases(request).stats


async def _georeport(request: Request) -> GeoReport:
    return usecases(request).georeport


async def _open311_clients(request: Request) -> Open311Clients:
    return usecases(request).open311_clients


async def _open311_places(request: Request) -> Open311Places:
    return usecases(request).open311_places


SettingsDep = Annotated[Settings, Depends(_settings)]
CasesDep = Annotated[Cases, Depends(_cases)]
AttachmentsDep = Annotated[Attachments, Depends(_attachments)]
CaseTypesDep = Annotated[CaseTypes, Depends(_case_types)]
StaffSkillsDep = Annotated[StaffSkills, Depends(_staff_skills)]
PatrolsDep = Annotated[Patrols, Depends(_patrols)]
StatsDep = Annotated[Stats, Depends(_stats)]
GeoReportDep = Annotated[GeoReport, Depends(_georeport)]
Open311ClientsDep = Annotated[Open311Clients, Depends(_open311_clients)]
Open311PlacesDep = Annotated[Open311Places, Depends(_open311_places)]

# the coarse role checks (403 before any use case runs); scope is the use case's
Staff = Annotated[Caller, Depends(callers(*sorted(STAFF_ROLES)))]
Manager = Annotated[Caller, Depends(callers(*sorted(MANAGER_ROLES)))]
PlatformAdmin = Annotated[Caller, Depends(callers("platform_admin"))]

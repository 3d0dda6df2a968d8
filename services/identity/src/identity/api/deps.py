"""What the routes are given: the use cases (built once in ``main``), the settings, the
key store and the caller, as ``Annotated`` dependencies. A route's coarse role check is a
``callers(...)`` alias; the caller's places are loaded by the use case (``load_scope``).
(``async def``: FastAPI runs a plain ``def`` dependency in the thread pool, ADR 0017.)"""

from typing import Annotated

from fastapi import Depends, Request

from identity.auth.keystore import KeyStore
from identity.config import Settings
from identity.roles import ACCOUNT_ADMINS
from identity.usecases import (
    Accounts,
    Buildings,
    Clients,
    Communities,
    Doors,
    FloorPlans,
    Grants,
    Grids,
    Households,
    Invitations,
    Login,
    Me,
    Moves,
    OpenIdPages,
    Passages,
    Persons,
    ResidentExport,
    ResidentImport,
    RoomImport,
    Rooms,
    SigningKeys,
    Signups,
    SmsCodes,
    Units,
    UseCases,
    VisitorPasses,
    WeChatLogin,
)
from sc_core.auth import Caller, callers


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_keystore(request: Request) -> KeyStore:
    keystore: KeyStore = request.app.state.keystore
    return keystore


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _accounts(request: Request) -> Accounts:
    return usecases(request).accounts


async def _grants(request: Request) -> Grants:
    return usecases(request).grants


async def _clients(request: Request) -> Clients:
    return usecases(request).clients


async def _keys(request: Request) -> SigningKeys:
    return usecases(request).keys


async def _communities(request: Request) -> Communities:
    return usecases(request).communities


async def _grids(request: Request) -> Grids:
    return usecases(request).grids


async def _buildings(request: Request) -> Buildings:
    return usecases(request).buildings


async def _units(request: Request) -> Units:
    return usecases(request).units


async def _rooms(request: Request) -> Rooms:
    return usecases(request).rooms


async def _floor_plans(request: Request) -> FloorPlans:
    return usecases(request).floor_plans


async def _households(request: Request) -> Households:
    return usecases(request).households


async def _persons(request: Request) -> Persons:
    return usecases(request).persons


async def _moves(request: Request) -> Moves:
    return usecases(request).moves


async def _room_import(request: Request) -> RoomImport:
    return usecases(request).room_import


async def _resident_export(request: Request) -> ResidentExport:
    return usecases(request).resident_export


async def _resident_import(request: Request) -> ResidentImport:
    return usecases(request).resident_import


async def _doors(request: Request) -> Doors:
    return usecases(request).doors


async def _visitors(request: Request) -> VisitorPasses:
    return usecases(request).visitors


async def _me(request: Request) -> Me:
    return usecases(request).me


async def _signups(request: Request) -> Signups:
    return usecases(request).signups


async def _invitations(request: Request) -> Invitations:
    return usecases(request).invitations


async def _passages(request: Request) -> Passages:
    return usecases(request).passages


async def _login(request: Request) -> Login:
    return usecases(request).login


async def _openid(request: Request) -> OpenIdPages:
    return usecases(request).openid


SettingsDep = Annotated[Settings, Depends(get_settings)]
AccountsDep = Annotated[Accounts, Depends(_accounts)]
GrantsDep = Annotated[Grants, Depends(_grants)]
ClientsDep = Annotated[Clients, Depends(_clients)]
SigningKeysDep = Annotated[SigningKeys, Depends(_keys)]
CommunitiesDep = Annotated[Communities, Depends(_communities)]
GridsDep = Annotated[Grids, Depends(_grids)]
BuildingsDep = Annotated[Buildings, Depends(_buildings)]
UnitsDep = Annotated[Units, Depends(_units)]
RoomsDep = Annotated[Rooms, Depends(_rooms)]
FloorPlansDep = Annotated[FloorPlans, Depends(_floor_plans)]
HouseholdsDep = Annotated[Households, Depends(_households)]
PersonsDep = Annotated[Persons, Depends(_persons)]
MovesDep = Annotated[Moves, Depends(_moves)]
RoomImportDep = Annotated[RoomImport, Depends(_room_import)]
ResidentExportDep = Annotated[ResidentExport, Depends(_resident_export)]
ResidentImportDep = Annotated[ResidentImport, Depends(_resident_import)]
DoorsDep = Annotated[Doors, Depends(_doors)]
VisitorPassesDep = Annotated[VisitorPasses, Depends(_visitors)]
MeDep = Annotated[Me, Depends(_me)]
SignupsDep = Annotated[Signups, Depends(_signups)]
InvitationsDep = Annotated[Invitations, Depends(_invitations)]
PassagesDep = Annotated[Passages, Depends(_passages)]
LoginDep = Annotated[Login, Depends(_login)]
OpenIdPagesDep = Annotated[OpenIdPages, Depends(_openid)]

# the coarse role checks (403 before any use case runs); scope is the use case's
AccountAdmin = Annotated[Caller, Depends(callers(*sorted(ACCOUNT_ADMINS)))]
PlatformAdmin = Annotated[Caller, Depends(callers("platform_admin"))]
KeyStoreDep = Annotated[KeyStore, Depends(get_keystore)]


async def get_sms_codes(request: Request) -> SmsCodes:
    return usecases(request).sms


async def get_wechat_login(request: Request) -> WeChatLogin:
    return usecases(request).wechat


SmsCodesDep = Annotated[SmsCodes, Depends(get_sms_codes)]
WeChatLoginDep = Annotated[WeChatLogin, Depends(get_wechat_login)]

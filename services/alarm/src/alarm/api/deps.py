"""What the routes are given: the use cases and the engine's parts (built once in
:mod:`alarm.main`), the settings, and the caller with the coarse role check, as
``Annotated`` dependencies. Scope is the use case's. (``async def``: FastAPI runs a
plain ``def`` dependency in the thread pool, ADR 0017.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from alarm.config import Settings
from alarm.domain.access import (
    ALARM_READERS,
    DISPATCH_ANSWERERS,
    EMERGENCY_WRITERS,
    HOUSEHOLD_ROLES,
    PLAN_WRITERS,
    REGISTER_READERS,
    REGISTER_WRITERS,
    ROSTER_WRITERS,
    RULE_WRITERS,
    STAFF,
    ensure_place,
)
from alarm.engine.evaluator import Evaluator
from alarm.engine.index import RuleIndex
from alarm.usecases import (
    Alarms,
    Emergency,
    EmergencyWarnings,
    Incidents,
    KeyPlaces,
    Plans,
    Provisions,
    Records,
    Roster,
    Rules,
    SpecialPersons,
    Stats,
    UseCases,
)
from alarm.usecases.scope import ensure_place_in_grid, grid_for, grid_scope
from sc_core.auth import Caller, callers

__all__ = [
    "ALARM_READERS",
    "DISPATCH_ANSWERERS",
    "EMERGENCY_WRITERS",
    "HOUSEHOLD_ROLES",
    "PLAN_WRITERS",
    "REGISTER_READERS",
    "REGISTER_WRITERS",
    "ROSTER_WRITERS",
    "RULE_WRITERS",
    "STAFF",
    "ensure_place",
    "ensure_place_in_grid",
    "grid_for",
    "grid_scope",
]


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def _index(request: Request) -> RuleIndex:
    return usecases(request).index


async def _evaluator(request: Request) -> Evaluator:
    return usecases(request).evaluator


async def _records(request: Request) -> Records:
    return usecases(request).records


async def _emergency(request: Request) -> Emergency:
    return usecases(request).emergency


async def _provisions(request: Request) -> Provisions:
    return usecases(request).provisions


async def _warnings(request: Request) -> EmergencyWarnings:
    return usecases(request).warnings


async def _persons(request: Request) -> SpecialPersons:
    return usecases(request).special_persons


async def _incidents(request: Request) -> Incidents:
    return usecases(request).incidents


async def _key_places(request: Request) -> KeyPlaces:
    return usecases(request).key_places


async def _roster(request: Request) -> Roster:
    return usecases(request).roster


async def _rules(request: Request) -> Rules:
    return usecases(request).rules


async def _plans(request: Request) -> Plans:
    return usecases(request).plans


async def _alarms(request: Request) -> Alarms:
    return usecases(request).alarms


async def _stats(request: Request) -> Stats:
    return usecases(request).stats


SettingsDep = Annotated[Settings, Depends(_settings)]
IndexDep = Annotated[RuleIndex, Depends(_index)]
EvaluatorDep = Annotated[Evaluator, Depends(_evaluator)]
RecordsDep = Annotated[Records, Depends(_records)]
EmergencyDep = Annotated[Emergency, Depends(_emergency)]
ProvisionsDep = Annotated[Provisions, Depends(_provisions)]
WarningsDep = Annotated[EmergencyWarnings, Depends(_warnings)]
SpecialPersonsDep = Annotated[SpecialPersons, Depends(_persons)]
IncidentsDep = Annotated[Incidents, Depends(_incidents)]
KeyPlacesDep = Annotated[KeyPlaces, Depends(_key_places)]
RosterDep = Annotated[Roster, Depends(_roster)]
RulesDep = Annotated[Rules, Depends(_rules)]
PlansDep = Annotated[Plans, Depends(_plans)]
AlarmsDep = Annotated[Alarms, Depends(_alarms)]
StatsDep = Annotated[Stats, Depends(_stats)]


def _callers(names: frozenset[str]) -> Any:
    return Depends(callers(*sorted(names)))


# the coarse role checks (403 before any use case runs): the caller, for use cases
Staff = Annotated[Caller, _callers(STAFF)]
EmergencyWriter = Annotated[Caller, _callers(EMERGENCY_WRITERS)]
AlarmReader = Annotated[Caller, _callers(ALARM_READERS)]
RuleWriter = Annotated[Caller, _callers(RULE_WRITERS)]
PlanWriter = Annotated[Caller, _callers(PLAN_WRITERS)]
RegisterReader = Annotated[Caller, _callers(REGISTER_READERS)]
RegisterWriter = Annotated[Caller, _callers(REGISTER_WRITERS)]
RosterWriter = Annotated[Caller, _callers(ROSTER_WRITERS)]
DispatchAnswerer = Annotated[Caller, _callers(DISPATCH_ANSWERERS)]

"""What the routes are given: the use cases (built once in ``main``) and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from care.usecases import (
    AidPoints,
    Appointments,
    Assessments,
    Childcare,
    Falls,
    Family,
    HomeVisits,
    Medicine,
    MutualAid,
    PublicHealth,
    Records,
    Registry,
    UseCases,
    ValueAdded,
    Vitals,
    Wandering,
    Watch,
)
from sc_core.auth import Caller, callers


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _records(request: Request) -> Records:
    return usecases(request).records


async def _vitals(request: Request) -> Vitals:
    return usecases(request).vitals


async def _watch(request: Request) -> Watch:
    return usecases(request).watch


async def _wandering(request: Request) -> Wandering:
    return usecases(request).wandering


async def _appointments(request: Request) -> Appointments:
    return usecases(request).appointments


async def _assessments(request: Request) -> Assessments:
    return usecases(request).assessments


async def _home_visits(request: Request) -> HomeVisits:
    return usecases(request).home_visits


async def _medicine(request: Request) -> Medicine:
    return usecases(request).medicine


async def _childcare(request: Request) -> Childcare:
    return usecases(request).childcare


async def _aid_points(request: Request) -> AidPoints:
    return usecases(request).aid_points


async def _registry(request: Request) -> Registry:
    return usecases(request).registry


async def _falls(request: Request) -> Falls:
    return usecases(request).falls


async def _public_health(request: Request) -> PublicHealth:
    return usecases(request).public_health


async def _family(request: Request) -> Family:
    return usecases(request).family


async def _mutual_aid(request: Request) -> MutualAid:
    return usecases(request).mutual_aid


async def _value_added(request: Request) -> ValueAdded:
    return usecases(request).value_added


MutualAidDep = Annotated[MutualAid, Depends(_mutual_aid)]
ValueAddedDep = Annotated[ValueAdded, Depends(_value_added)]
AidPointsDep = Annotated[AidPoints, Depends(_aid_points)]
RegistryDep = Annotated[Registry, Depends(_registry)]
FallsDep = Annotated[Falls, Depends(_falls)]
FamilyDep = Annotated[Family, Depends(_family)]
PublicHealthDep = Annotated[PublicHealth, Depends(_public_health)]
ChildcareDep = Annotated[Childcare, Depends(_childcare)]
MedicineDep = Annotated[Medicine, Depends(_medicine)]
HomeVisitsDep = Annotated[HomeVisits, Depends(_home_visits)]
AppointmentsDep = Annotated[Appointments, Depends(_appointments)]
AssessmentsDep = Annotated[Assessments, Depends(_assessments)]
WatchDep = Annotated[Watch, Depends(_watch)]
WanderingDep = Annotated[Wandering, Depends(_wandering)]
RecordsDep = Annotated[Records, Depends(_records)]
VitalsDep = Annotated[Vitals, Depends(_vitals)]
RecordKeeper = Annotated[Caller, Depends(callers("doctor", "community_admin"))]

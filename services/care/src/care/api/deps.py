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


def _records(request: Request) -> Records:
    return usecases(request).records


def _vitals(request: Request) -> Vitals:
    return usecases(request).vitals


def _watch(request: Request) -> Watch:
    return usecases(request).watch


def _wandering(request: Request) -> Wandering:
    return usecases(request).wandering


def _appointments(request: Request) -> Appointments:
    return usecases(request).appointments


def _assessments(request: Request) -> Assessments:
    return usecases(request).assessments


def _home_visits(request: Request) -> HomeVisits:
    return usecases(request).home_visits


def _medicine(request: Request) -> Medicine:
    return usecases(request).medicine


def _childcare(request: Request) -> Childcare:
    return usecases(request).childcare


def _aid_points(request: Request) -> AidPoints:
    return usecases(request).aid_points


def _registry(request: Request) -> Registry:
    return usecases(request).registry


def _falls(request: Request) -> Falls:
    return usecases(request).falls


def _public_health(request: Request) -> PublicHealth:
    return usecases(request).public_health


def _family(request: Request) -> Family:
    return usecases(request).family


def _mutual_aid(request: Request) -> MutualAid:
    return usecases(request).mutual_aid


def _value_added(request: Request) -> ValueAdded:
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

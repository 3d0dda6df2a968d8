"""What the routes are given: the use cases (built once in ``main``) and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from care.usecases import Records, UseCases, Vitals, Watch
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


WatchDep = Annotated[Watch, Depends(_watch)]
RecordsDep = Annotated[Records, Depends(_records)]
VitalsDep = Annotated[Vitals, Depends(_vitals)]
RecordKeeper = Annotated[Caller, Depends(callers("doctor", "community_admin"))]

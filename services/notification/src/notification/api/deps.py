"""Annotated dependencies of the API: the use cases (and the parts they share) built once in
:mod:`notification.main`, and the callers with the coarse role checks. Scope is the use
case's. (``async def``: FastAPI runs a plain ``def`` dependency in the thread pool.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from notification.domain.access import NOTIFICATION_ADMINS
from notification.usecases import (
    AlarmFeed,
    DevSink,
    Endpoints,
    Inbox,
    Notifications,
    Preferences,
    Templates,
    UseCases,
)
from sc_core.auth import Caller, Principal, callers, require_roles

__all__ = ["NOTIFICATION_ADMINS"]

ADMINS = Annotated[Principal, Depends(require_roles(*NOTIFICATION_ADMINS))]
PlatformAdmin = Annotated[Principal, Depends(require_roles("platform_admin"))]
# the coarse role checks as callers (principal, address, request id), for use cases
Admin = Annotated[Caller, Depends(callers(*NOTIFICATION_ADMINS))]
PlatformAdminCaller = Annotated[Caller, Depends(callers("platform_admin"))]


def _usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def get_usecases(request: Request) -> UseCases:
    return _usecases(request)


UseCasesDep = Annotated[UseCases, Depends(get_usecases)]


async def _notifications(request: Request) -> Notifications:
    return _usecases(request).notifications


async def _inbox(request: Request) -> Inbox:
    return _usecases(request).inbox


async def _preferences(request: Request) -> Preferences:
    return _usecases(request).preferences


async def _templates(request: Request) -> Templates:
    return _usecases(request).templates


async def _endpoints(request: Request) -> Endpoints:
    return _usecases(request).endpoints


async def _feed(request: Request) -> AlarmFeed:
    return _usecases(request).feed


async def _dev_sink(request: Request) -> DevSink:
    return _usecases(request).dev_sink


NotificationsDep = Annotated[Notifications, Depends(_notifications)]
InboxDep = Annotated[Inbox, Depends(_inbox)]
PreferencesDep = Annotated[Preferences, Depends(_preferences)]
TemplatesDep = Annotated[Templates, Depends(_templates)]
EndpointsDep = Annotated[Endpoints, Depends(_endpoints)]
AlarmFeedDep = Annotated[AlarmFeed, Depends(_feed)]
DevSinkDep = Annotated[DevSink, Depends(_dev_sink)]

"""Annotated dependencies and the role sets of the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from notification.config import Settings
from notification.parts import Parts
from sc_core.auth import Principal, require_roles

# Who may send notifications to their community, read its deliveries, manage its
# speakers and screens, and set the contacts of its staff.
NOTIFICATION_ADMINS = ("platform_admin", "community_admin", "property_manager")
ADMINS = Annotated[Principal, Depends(require_roles(*NOTIFICATION_ADMINS))]
PlatformAdmin = Annotated[Principal, Depends(require_roles("platform_admin"))]


def get_parts(request: Request) -> Parts:
    parts: Parts = request.app.state.parts
    return parts


PartsDep = Annotated[Parts, Depends(get_parts)]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.parts.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]

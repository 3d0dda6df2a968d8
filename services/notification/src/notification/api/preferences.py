"""Contact data and preferences per user: locale, phone (encrypted, masked), push tokens,
quiet hours and channel opt-outs. Each user sets their own; admins set their staff's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from notification.api.deps import Admin, PreferencesDep
from notification.api.schemas.preferences import PreferenceRead, PreferenceUpdate, PushTokenBody
from sc_core.auth import CurrentCaller, CurrentPrincipal

router = APIRouter(tags=["preferences"])
UserId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("/api/v1/notification-preferences/me", summary="My notification preferences")
async def get_mine(principal: CurrentPrincipal, preferences: PreferencesDep) -> PreferenceRead:
    return await preferences.mine(principal)


@router.put("/api/v1/notification-preferences/me", summary="Change my notification preferences")
async def put_mine(
    body: PreferenceUpdate, who: CurrentCaller, preferences: PreferencesDep
) -> PreferenceRead:
    return await preferences.set_mine(who, body)


@router.get(
    "/api/v1/notification-preferences/{user_id}", summary="A staff member's preferences (admins)"
)
async def get_staff(user_id: UserId, who: Admin, preferences: PreferencesDep) -> PreferenceRead:
    return await preferences.staff(who, user_id)


@router.put(
    "/api/v1/notification-preferences/{user_id}", summary="Set a staff member's preferences"
)
async def put_staff(
    user_id: UserId, body: PreferenceUpdate, who: Admin, preferences: PreferencesDep
) -> PreferenceRead:
    return await preferences.set_staff(who, user_id, body)


@router.post(
    "/api/v1/notification-preferences/me/push-tokens",
    summary="Register this device's push token (kept once; the 10 newest are kept)",
)
async def add_push_token(
    body: PushTokenBody, who: CurrentCaller, preferences: PreferencesDep
) -> PreferenceRead:
    return await preferences.add_push_token(who, body.token)


@router.post(
    "/api/v1/notification-preferences/me/push-tokens/remove",
    summary="Forget a push token (log-out on that device)",
)
async def remove_push_token(
    body: PushTokenBody, who: CurrentCaller, preferences: PreferencesDep
) -> PreferenceRead:
    return await preferences.remove_push_token(who, body.token)

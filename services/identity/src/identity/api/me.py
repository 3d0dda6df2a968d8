"""Who am I: account, roles, grants, households; and changing one's password."""

from __future__ import annotations

from fastapi import APIRouter, Response

from identity.api.deps import MeDep
from identity.auth.schemas import MeRead, PasswordChange
from sc_core.auth import CurrentCaller

router = APIRouter(tags=["me"])


@router.get("/api/v1/me", summary="The caller: account, roles, grants and households")
async def me(who: CurrentCaller, mine: MeDep) -> MeRead:
    return await mine.read(who)


@router.post("/api/v1/me/password", status_code=204, summary="Change my password")
async def change_password(body: PasswordChange, who: CurrentCaller, mine: MeDep) -> Response:
    await mine.change_password(who, body)
    return Response(status_code=204)

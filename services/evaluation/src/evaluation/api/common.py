"""What the routers share: the reader's language, period parsing, the community a request
left out, and (from ``evaluation.usecases.access``) problems in zh-CN and en and who may
see which community's figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from evaluation.usecases import UseCases
from evaluation.usecases.access import (
    MANAGER_ROLES,
    RESIDENT_ROLES,
    VIEWER_ROLES,
    ensure_viewer,
    period_or_problem,
    problem,
)
from sc_core.auth import CurrentPrincipal
from sc_core.auth.principal import Principal

PLACE_ID = r"^[A-Za-z0-9._:-]+$"
DEFAULTED = "Default: the one community the caller's grants name"
# a community a caller of one community need not name (issue 19 item 2): community_of
OptionalPlaceId = Annotated[
    str | None, Query(min_length=1, max_length=64, pattern=PLACE_ID, description=DEFAULTED)
]


async def get_locale(request: Request) -> str:
    """zh-CN unless the reader's Accept-Language puts English first."""
    header = request.headers.get("accept-language", "").strip().lower()
    return "en" if header.startswith("en") else "zh-CN"


Locale = Annotated[str, Depends(get_locale)]


async def get_usecases(request: Request) -> UseCases:
    usecases: UseCases = request.app.state.usecases
    return usecases


UseCasesDep = Annotated[UseCases, Depends(get_usecases)]


async def community_of(
    principal: Principal,
    usecases: UseCases,
    community_id: str | None,
    roles: tuple[str, ...] = VIEWER_ROLES,
) -> str:
    """``community_id``, or the one community the caller's grants of ``roles`` lead to
    (the place directory, sc_core.places defaults): 422 ``place.ambiguous`` naming the
    field and the communities (by name) when several, ``place.required`` when none."""
    return await usecases.communities.of(principal, community_id, roles)


__all__ = [
    "DEFAULTED",
    "MANAGER_ROLES",
    "PLACE_ID",
    "RESIDENT_ROLES",
    "VIEWER_ROLES",
    "CurrentPrincipal",
    "Locale",
    "OptionalPlaceId",
    "UseCasesDep",
    "community_of",
    "ensure_viewer",
    "period_or_problem",
    "problem",
]

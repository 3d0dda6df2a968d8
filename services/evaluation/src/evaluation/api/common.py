"""What the routers share: the reader's language, period parsing, and (from
``evaluation.usecases.access``) problems in zh-CN and en and who may see which community's
figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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


async def get_locale(request: Request) -> str:
    """zh-CN unless the reader's Accept-Language puts English first."""
    header = request.headers.get("accept-language", "").strip().lower()
    return "en" if header.startswith("en") else "zh-CN"


Locale = Annotated[str, Depends(get_locale)]


async def get_usecases(request: Request) -> UseCases:
    usecases: UseCases = request.app.state.usecases
    return usecases


UseCasesDep = Annotated[UseCases, Depends(get_usecases)]


__all__ = [
    "MANAGER_ROLES",
    "RESIDENT_ROLES",
    "VIEWER_ROLES",
    "CurrentPrincipal",
    "Locale",
    "UseCasesDep",
    "ensure_viewer",
    "period_or_problem",
    "problem",
]

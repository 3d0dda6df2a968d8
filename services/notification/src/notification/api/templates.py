"""Message templates per code and locale (seeded by migration, edited by platform admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from notification.api.deps import ADMINS, PlatformAdminCaller, TemplatesDep
from notification.api.schemas.templates import TemplateRead, TemplateWrite
from sc_core.api import Page, Paging

router = APIRouter(tags=["templates"])
Code = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=100)]
Locale = Annotated[str, Path(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]


def _read(row: object) -> TemplateRead:
    return TemplateRead.model_validate(row, from_attributes=True)


@router.get("/api/v1/notification-templates", summary="Message templates")
async def list_templates(
    principal: ADMINS,
    templates: TemplatesDep,
    paging: Paging,
    code: str | None = Query(None, max_length=100, description="code prefix, e.g. workorder."),
) -> Page[TemplateRead]:
    rows, total = await templates.page(paging, code=code)
    return Page[TemplateRead].of([_read(x) for x in rows], total, paging)


@router.get("/api/v1/notification-templates/{code}/{locale}", summary="One template")
async def get_template(
    code: Code, locale: Locale, principal: ADMINS, templates: TemplatesDep
) -> TemplateRead:
    return _read(await templates.get(code, locale))


@router.put("/api/v1/notification-templates/{code}/{locale}", summary="Create or change one")
async def put_template(
    code: Code,
    locale: Locale,
    body: TemplateWrite,
    who: PlatformAdminCaller,
    templates: TemplatesDep,
) -> TemplateRead:
    return _read(await templates.put(who, code, locale, body))

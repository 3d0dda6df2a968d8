"""Message templates per code and locale (seeded by migration, edited by platform admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from notification.api.deps import ADMINS, PlatformAdmin
from notification.db.models import template
from notification.domain.templates import valid_pattern
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.errors import NotFound

router = APIRouter(tags=["templates"])
t = template.c
Code = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=100)]
Locale = Annotated[str, Path(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]


class TemplateWrite(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=4000)

    @field_validator("title", "body")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if not valid_pattern(value):
            raise ValueError("unbalanced braces: placeholders are {name}, literal braces {{ }}")
        return value


class TemplateRead(TemplateWrite):
    code: str
    locale: str
    updated_by: str | None
    updated_at: datetime


@router.get("/api/v1/notification-templates", summary="Message templates")
async def list_templates(
    principal: ADMINS,
    uow: UnitOfWorkDep,
    paging: Paging,
    code: str | None = Query(None, max_length=100, description="code prefix, e.g. workorder."),
) -> Page[TemplateRead]:
    query = select(template)
    if code:
        query = query.where(t.code.startswith(code, autoescape=True))
    rows, total = await fetch_page(uow.session, query.order_by(t.code, t.locale), paging, rows=True)
    return Page[TemplateRead].of(
        [TemplateRead.model_validate(x, from_attributes=True) for x in rows], total, paging
    )


@router.get("/api/v1/notification-templates/{code}/{locale}", summary="One template")
async def get_template(
    code: Code, locale: Locale, principal: ADMINS, uow: UnitOfWorkDep
) -> TemplateRead:
    row = (
        await uow.session.execute(select(template).where(t.code == code, t.locale == locale))
    ).first()
    if row is None:
        raise NotFound("template.not_found", "No template of that code and locale")
    return TemplateRead.model_validate(row, from_attributes=True)


@router.put("/api/v1/notification-templates/{code}/{locale}", summary="Create or change one")
async def put_template(
    code: Code,
    locale: Locale,
    body: TemplateWrite,
    principal: PlatformAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> TemplateRead:
    values = {"title": body.title, "body": body.body, "updated_by": principal.subject}
    row = (
        await uow.session.execute(
            insert(template)
            .values(code=code, locale=locale, **values)
            .on_conflict_do_update(
                index_elements=["code", "locale"], set_={**values, "updated_at": func.now()}
            )
            .returning(template)
        )
    ).one()
    await auditor.within(
        uow,
        action="template.update",
        resource_type="notification_template",
        resource_id=f"{code}/{locale}",
        principal=principal,
        request=request,
    )
    await uow.commit()
    return TemplateRead.model_validate(row, from_attributes=True)

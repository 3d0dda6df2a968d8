"""The residents' app's reads of the service hall: the catalogue as a page searched by name
(``/items`` stays the console's whole list) and my applications (我的办件)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gov_affairs.api import views
from gov_affairs.api.deps import HallDep
from gov_affairs.api.hall_schemas import HallApplicationSummary, HallItemRead, HallMaterialRead
from gov_affairs.api.hall_words import CATEGORY
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.usecases import hall_mine
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/hall", tags=["service hall"])


def item_read(i: ServiceItem) -> HallItemRead:
    return HallItemRead(
        code=i.code,
        version=i.version,
        name=i.name,
        category=i.category,
        category_text=CATEGORY.get(i.category, CATEGORY["general"]),
        description=i.description,
        conditions=list(i.conditions),
        materials=[
            HallMaterialRead(
                code=m.code,
                name=m.name,
                required=m.required,
                conditional=m.condition is not None,
                content_types=list(m.content_types),
                max_files=m.max_files,
            )
            for m in i.materials
        ],
        form=i.form,
        promised_days=i.promised_days,
        issues_certificate=i.certificate is not None,
    )


@router.get("/catalogue", summary="A page of a community's services, searched by name")
async def catalogue(
    who: CurrentCaller,
    hall: HallDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    q: Annotated[str, Query(max_length=40, description="part of the service's name")] = "",
) -> Page[HallItemRead]:
    items, total = await hall_mine.catalogue(
        hall, who, community_id, q, paging.limit, paging.offset
    )
    return Page[HallItemRead].of([item_read(i) for i in items], total, paging)


@router.get("/my-applications", summary="My applications, newest first")
async def my_applications(
    who: CurrentCaller, hall: HallDep, paging: Paging
) -> Page[HallApplicationSummary]:
    rows, total = await hall_mine.mine(hall, who, paging.limit, paging.offset, cursor=paging.cursor)
    out = [
        HallApplicationSummary(
            id=r.id,
            number=r.number,
            item_name=name,
            status=r.status,  # type: ignore[arg-type]
            status_text=views.STATUS[r.status],
            submitted_at=r.submitted_at,
            decided_at=r.decided_at,
        )
        for r, name in rows
    ]
    return Page[HallApplicationSummary].of(out, total, paging)

"""What every service's API shares: paging, the unit-of-work and runtime dependencies.

Every list endpoint takes ``PageParams`` (``limit`` 1..100, default 20; ``offset``) and
returns ``Page[XRead]`` with ``items``, ``total``, ``limit``, ``offset`` and
``next_offset`` (null on the last page).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sc_core.audit import Auditor
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime

# Dependencies are ``async def`` even when they await nothing: FastAPI runs a plain ``def``
# dependency in the thread pool, a hand-off to another thread and back per request (ADR 0017).

T = TypeVar("T")
MAX_PAGE_SIZE = 100


class PageParams(BaseModel):
    limit: int = 20
    offset: int = 0


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None

    @classmethod
    def of(cls, items: Sequence[T], total: int, params: PageParams) -> Page[T]:
        after = params.offset + len(items)
        return cls(
            items=list(items),
            total=total,
            limit=params.limit,
            offset=params.offset,
            next_offset=after if after < total else None,
        )


async def fetch_page(
    session: AsyncSession, query: Select[Any], params: PageParams, *, rows: bool = False
) -> tuple[list[Any], int]:
    """One page of ``query`` (already filtered and ordered) and the total count.

    Items are the first column of each result (ORM entities, or one column); with
    ``rows=True`` whole rows, for Core ``select(table)`` queries.
    """
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    result = await session.execute(query.limit(params.limit).offset(params.offset))
    items = result.all() if rows else result.scalars().all()
    return list(items), int(total or 0)


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_uow(runtime: RuntimeDep) -> AsyncIterator[UnitOfWork]:
    """A unit of work for this request; it rolls back unless the endpoint commits."""
    if runtime.db is None:
        raise RuntimeError("this service has no database")
    async with runtime.db.uow() as uow:
        yield uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_uow)]


async def get_auditor(runtime: RuntimeDep) -> Auditor:
    assert runtime.auditor is not None
    return runtime.auditor


AuditorDep = Annotated[Auditor, Depends(get_auditor)]

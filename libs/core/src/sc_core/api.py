"""What every service's API shares: paging (``sc_core.paging``), the unit-of-work and
runtime dependencies.

Every list endpoint takes ``Paging`` (``limit`` 1..100, default 20; ``offset`` or
``cursor``) and returns ``Page[XRead]`` with ``items``, ``total``, ``limit``, ``offset``,
``next_offset`` (null on the last page) and ``next_cursor``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from sc_core.db.uow import UnitOfWork
from sc_core.paging import (
    COUNT_LIMIT,
    MAX_PAGE_SIZE,
    Page,
    PageParams,
    PageTotal,
    Paging,
    fetch_page,
    page_params,
)
from sc_core.service import Runtime

__all__ = [
    "COUNT_LIMIT",
    "MAX_PAGE_SIZE",
    "Page",
    "PageParams",
    "PageTotal",
    "Paging",
    "RuntimeDep",
    "UnitOfWorkDep",
    "fetch_page",
    "get_runtime",
    "get_uow",
    "page_params",
]

# Dependencies are ``async def`` even when they await nothing: FastAPI runs a plain ``def``
# dependency in the thread pool, a hand-off to another thread and back per request (ADR 0017).


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


_READS = frozenset({"GET", "HEAD"})


async def get_uow(request: Request, runtime: RuntimeDep) -> AsyncIterator[UnitOfWork]:
    """A unit of work for this request; it rolls back unless the endpoint commits. (A
    migrated service's routes call use cases, which open their own.)

    A GET or HEAD reads: its unit of work is ``read_only`` (no transaction around the
    reads; an audit record it publishes is written at once)."""
    async with runtime.db.uow(read_only=request.method in _READS) as uow:
        yield uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_uow)]

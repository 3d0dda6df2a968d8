"""What every service's API shares: paging (``sc_core.paging``) and the runtime
dependency. Routes take use cases, which open their own units of work (services/README.md);
there is no unit-of-work dependency.

Every list endpoint takes ``Paging`` (``limit`` 1..100, default 20; ``offset`` or
``cursor``) and returns ``Page[XRead]`` with ``items``, ``total``, ``limit``, ``offset``,
``next_offset`` (null on the last page) and ``next_cursor``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sc_core.paging import (
    COUNT_LIMIT,
    MAX_PAGE_SIZE,
    Page,
    PageParams,
    PageTotal,
    Paging,
    fetch_page,
    page_json,
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
    "fetch_page",
    "get_runtime",
    "page_json",
    "page_params",
]

# Dependencies are ``async def`` even when they await nothing: FastAPI runs a plain ``def``
# dependency in the thread pool, a hand-off to another thread and back per request (ADR 0017).


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]

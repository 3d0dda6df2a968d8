"""Reads on a pooled connection, without the ORM ``Session`` (ADR 0054).

A read-only unit of work (``db.uow(read_only=True)``) already runs its statements in
AUTOCOMMIT, but its ``Session`` still does a transaction's bookkeeping per request: the
session and its transaction objects, the connection checked out through the session's
bind, the identity map expunged, the rollback of a transaction that never began. A route
that only reads rows (a list, Core ``select``) needs none of it::

    async with db.read() as conn:
        page, total = await fetch_page(conn, query, paging, rows=True)

``conn`` is SQLAlchemy's ``AsyncConnection`` (``execute``, ``scalar``, ``stream``) in
AUTOCOMMIT: no BEGIN or ROLLBACK round trips, each statement its own snapshot (as the
read-only unit of work). It returns rows, never ORM entities, and cannot publish events
or audit records: a read that must record who read what keeps ``db.uow(read_only=True)``.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class Reads:
    """Connections of one engine for reads: AUTOCOMMIT, handed back to the pool on exit."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    def __call__(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._engine.connect()

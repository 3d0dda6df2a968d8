"""Engine and session factory for one service's own database."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from sc_core.db.reads import Reads
from sc_core.db.uow import Outbound, UnitOfWork

if TYPE_CHECKING:
    from sc_core.db.tables import PlatformTables

log = logging.getLogger(__name__)


PING_IDLE_AFTER_S = 1.0
"""A pooled connection idle longer than this is pinged before it is handed out."""

POOL_SIZE = 20
"""Connections a process keeps open once it has needed them (ADR 0040)."""
POOL_OVERFLOW = 2
"""Connections opened beyond :data:`POOL_SIZE` in a burst, closed again on return."""


def make_engine(
    url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = POOL_OVERFLOW
) -> AsyncEngine:
    """The engine of one service's database.

    The pool keeps ``pool_size`` connections once a burst has opened them (it opens them
    as needed, so an idle service holds few) and ``max_overflow`` more for a moment.
    Sized for the concurrency one process serves (uvicorn, 32 clients at once): a
    connection opened and closed per request in the overflow costs a connect (with
    asyncpg's SSL negotiation), authentication and a fresh statement cache on the
    service's side and a backend fork on PostgreSQL's (ADR 0040). SQLAlchemy's asyncpg
    dialect caches prepared statements per connection (100), so a kept connection also
    keeps its prepared statements.
    """
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
    )
    ping_when_idle(engine, PING_IDLE_AFTER_S)
    literal_limits(engine)
    return engine


class _LiteralLimits:
    """A statement compiler that writes LIMIT and OFFSET as numbers (``LIMIT 20``), not
    parameters (``LIMIT $1``): see :func:`literal_limits`."""

    def limit_clause(self, select: Any, **kw: Any) -> str:
        return super().limit_clause(select, **{**kw, "literal_execute": True})  # type: ignore[misc]


def literal_limits(engine: AsyncEngine) -> None:
    """Send every LIMIT and OFFSET to PostgreSQL as a number.

    asyncpg prepares each statement, and after five runs PostgreSQL may keep one generic
    plan for it; a generic plan does not know a ``LIMIT $1`` and plans for a tenth of the
    rows (``preprocess_limit``). A page of 20 persons of a community of 10,000 was then a
    hash join and a sort of all 10,000 (75 ms), where the plan made for ``LIMIT 20`` walks
    the list's index and stops after 20 (2 ms): property_manager's ``/api/v1/persons``,
    ADR 0073. SQLAlchemy renders the number when the statement runs (a "literal execute"
    parameter), so its compiled-statement cache keeps one entry per statement; PostgreSQL
    sees one prepared statement per (statement, limit, offset), a handful for pages of 20
    and cursors, which start at offset 0.
    """
    dialect = engine.sync_engine.dialect
    compiler = dialect.statement_compiler
    if not issubclass(compiler, _LiteralLimits):
        dialect.statement_compiler = type(
            f"LiteralLimits{compiler.__name__}", (_LiteralLimits, compiler), {}
        )


def ping_when_idle(engine: AsyncEngine, idle_s: float) -> None:
    """Pessimistic disconnect handling that costs nothing on a busy path.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout, and on asyncpg a ping is
    three round trips (BEGIN, ``;``, ROLLBACK): a consumer committing a batch every few
    milliseconds paid them on each batch, as did the outbox relay before it could send.
    Like HikariCP's ``aliveBypassWindowMs``, a connection returned to the pool less than
    ``idle_s`` ago is handed out as is; an idle one is pinged, and one that fails the
    ping is replaced (``DisconnectionError`` makes the pool connect afresh). A database
    restart within that window still fails one statement, which every caller handles
    (consumers and the relay retry; the API answers 503 ``service.database_unavailable``).
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < idle_s:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            raise DisconnectionError(f"connection failed its ping: {exc}") from exc


def database_name(url: str) -> str:
    return make_url(url).database or ""


async def create_database_if_missing(url: str) -> bool:
    """Create the database named in ``url`` (dev convenience). Returns True if created."""
    target = make_url(url)
    name = target.database
    if not name:
        raise ValueError("DATABASE_URL names no database")
    admin = target.set(database="postgres")
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT", poolclass=None)
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if exists:
                return False
            quoted = '"' + name.replace('"', '""') + '"'
            try:
                await conn.execute(text(f"CREATE DATABASE {quoted}"))
            except Exception as exc:  # another process created it first
                if "already exists" not in str(exc):
                    raise
                return False
            log.info("created database %s", name)
            return True
    finally:
        await engine.dispose()


class Database:
    """One service's database: the engine, sessions and the unit of work factory.

    Building it connects to nothing (the engine connects on first use), so a service
    builds it once in its composition, before the migrations have run. ``outbound``
    names the service and its topics for the events its units of work publish.
    """

    def __init__(
        self,
        url: str,
        tables: PlatformTables,
        *,
        pool_size: int = POOL_SIZE,
        max_overflow: int = POOL_OVERFLOW,
        outbound: Outbound | None = None,
    ) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # statements commit one by one: no BEGIN and ROLLBACK round trips around a read
        self.readers = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )
        self.read = Reads(self.engine)
        """``async with db.read() as conn``: a connection for reads without a
        ``Session`` (:mod:`sc_core.db.reads`, ADR 0054)."""
        self.tables = tables
        self.outbound = outbound or Outbound()
        self._after_commit: list[Callable[[], None]] = []

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after every unit of work that committed (e.g. wake the relay)."""
        self._after_commit.append(callback)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work; ``read_only`` for one that only reads (and may record audit
        events): each statement is its own transaction, so the read costs no BEGIN and
        ROLLBACK round trips (a fifth of a small list request's CPU, ADR 0017), and
        whatever it writes commits as it is written."""
        sessions = self.readers if read_only else self.sessions
        return UnitOfWork(sessions, self.tables, self._after_commit, self.outbound)

    async def ping(self, timeout: float = 2.0) -> None:
        async def _ping() -> None:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        await asyncio.wait_for(_ping(), timeout)

    async def dispose(self) -> None:
        await self.engine.dispose()

"""Engine and session factory for one service's own database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from sc_core.db.uow import UnitOfWork

if TYPE_CHECKING:
    from sc_core.db.tables import PlatformTables

log = logging.getLogger(__name__)


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


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
    """One service's database: the engine, sessions and the unit of work factory."""

    def __init__(self, url: str, tables: PlatformTables, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.tables = tables
        self._after_commit: list[Callable[[], None]] = []

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after every unit of work that committed (e.g. wake the relay)."""
        self._after_commit.append(callback)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.tables, self._after_commit)

    async def ping(self, timeout: float = 2.0) -> None:
        async def _ping() -> None:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        await asyncio.wait_for(_ping(), timeout)

    async def dispose(self) -> None:
        await self.engine.dispose()

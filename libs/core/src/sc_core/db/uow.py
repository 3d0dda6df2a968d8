"""Unit of work: one transaction, rolled back unless the handler commits.

Repositories use ``uow.session`` and never commit. Events to publish go to the outbox
with :meth:`UnitOfWork.publish`, in the same transaction as the change they describe.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from sc_core.bus.cloudevents import CloudEvent
    from sc_core.db.tables import PlatformTables


class UnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: PlatformTables,
        after_commit: list[Callable[[], None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self.tables = tables
        self._after_commit = after_commit or []
        self._session: AsyncSession | None = None
        self.committed = False
        self.published: list[CloudEvent] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            if not self.committed:
                await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True
        if self.published:
            for callback in self._after_commit:
                callback()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def publish(self, topic: str, event: CloudEvent, *, key: str | None = None) -> None:
        """Write ``event`` to the outbox; it is sent only if this unit of work commits."""
        from sc_core.bus.outbox import outbox_row

        row: dict[str, Any] = outbox_row(topic, event, key=key)
        await self.session.execute(self.tables.outbox.insert().values(**row))
        self.published.append(event)

"""Unit of work: one transaction, rolled back unless the handler commits.

Repositories use ``uow.session`` and never commit. Events to publish go to the outbox
with :meth:`UnitOfWork.publish`, in the same transaction as the change they describe;
audit records with :meth:`UnitOfWork.audit`, so the trail holds exactly what committed::

    async with db.uow() as uow:
        uow.session.add(case)
        await uow.publish(WorkOrderChangedV1(...), key=str(case.id))   # typed, outbox
        await uow.audit(who, "workorder.create", "work_order", str(case.id))
        await uow.commit()
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, overload

from sqlalchemy import Insert, Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from sc_contracts.events import EventData
    from sc_core.audit import Outcome
    from sc_core.auth.caller import Anonymous, Caller
    from sc_core.bus.cloudevents import CloudEvent
    from sc_core.db.tables import PlatformTables


_OUTBOX_INSERTS: weakref.WeakKeyDictionary[Table, Insert] = weakref.WeakKeyDictionary()


def outbox_insert(outbox: Table) -> Insert:
    """The outbox's INSERT, built once per table and executed with each row's values: a
    statement built with ``insert().values(**row)`` for every event (every audited read)
    was built and cache-keyed anew each time (issue 28, ADR 0066's gov-affairs addendum)."""
    found = _OUTBOX_INSERTS.get(outbox)
    if found is None:
        found = _OUTBOX_INSERTS[outbox] = outbox.insert()
    return found


@dataclass(frozen=True)
class Outbound:
    """``service`` names the source (``/services/<service>``); ``topic_for`` maps a
    catalogue topic to the one this process uses (``ServiceSettings.topic``)."""

    service: str = "service"
    topic_for: Callable[[str], str] = str

    @property
    def source(self) -> str:
        return f"/services/{self.service}"

    def topic(self, name: str) -> str:
        return self.topic_for(name)


@dataclass(frozen=True)
class Outgoing:
    """An event on its way to the outbox: the topic, the CloudEvent and the message key."""

    topic: str
    event: CloudEvent
    key: str | None

    def row(self) -> dict[str, Any]:
        """The outbox row (:func:`sc_core.bus.outbox.outbox_row`)."""
        from sc_core.bus.outbox import outbox_row

        return outbox_row(self.topic, self.event, key=self.key)


class UnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: PlatformTables,
        after_commit: list[Callable[[], None]] | None = None,
        outbound: Outbound | None = None,
    ) -> None:
        self._sessions = sessions
        self.tables = tables
        self.outbound = outbound or Outbound()
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
                # what was read stays readable once the unit of work ends (a use case
                # returns its rows, its route shapes them): detached, not expired
                self._session.expunge_all()
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

    def outgoing(
        self,
        data: EventData,
        *,
        key: str,
        subject: str | None = None,
        id: str | None = None,
    ) -> Outgoing:
        """The event of a contract model from this service, to the model's topic as this
        service names it (``subject`` defaults to the key), not yet written."""
        from sc_core.bus.cloudevents import CloudEvent

        event = CloudEvent.of(
            data,
            source=self.outbound.source,
            subject=subject if subject is not None else key,
            id=id,
        )
        return Outgoing(self.outbound.topic(type(data).topic), event, key)

    def wrote(self, items: Iterable[Outgoing]) -> None:
        """Outbox rows (``item.row()``) the caller wrote with its own statement (a bulk
        insert, a data-modifying CTE): the relay is woken when this unit of work commits."""
        self.published.extend(item.event for item in items)

    @overload
    async def publish(
        self,
        data: EventData,
        *,
        key: str,
        subject: str | None = None,
        id: str | None = None,
    ) -> CloudEvent: ...

    @overload
    async def publish(
        self, data: str, event: CloudEvent, *, key: str | None = None
    ) -> CloudEvent: ...

    async def publish(
        self,
        data: EventData | str,
        event: CloudEvent | None = None,
        *,
        key: str | None = None,
        subject: str | None = None,
        id: str | None = None,
    ) -> CloudEvent:
        """Write an event to the outbox; it is sent only if this unit of work commits.

        ``publish(model, key=aggregate_id)``: :meth:`outgoing`, written. ``publish(topic,
        cloud_event, key=...)`` is the older form, kept while services move to models.
        """
        if isinstance(data, str):
            assert event is not None, "publish(topic, event): the event is missing"
            item = Outgoing(data, event, key)
        else:
            assert key is not None, "publish(model, key=...): the key is missing"
            item = self.outgoing(data, key=key, subject=subject, id=id)
        await self.session.execute(outbox_insert(self.tables.outbox), item.row())
        self.published.append(item.event)
        return item.event

    async def audit(
        self,
        who: Caller | Anonymous | None,
        action: str,
        resource_type: str,
        resource_id: str | None = None,
        *,
        community_id: str | None = None,
        detail: dict[str, str] | None = None,
        outcome: Outcome = "success",
    ) -> CloudEvent:
        """An audit record (who, what, from where) committed with this unit of work;
        ``who`` is :class:`~sc_core.auth.caller.Anonymous` when no one is signed in (the
        record keeps the address and request id), ``None`` for the service itself."""
        from sc_core.audit import audit_record, audit_subject

        record = audit_record(
            service=self.outbound.service,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            outcome=outcome,
            caller=who,
            community_id=community_id,
            detail=detail,
        )
        record_id = str(record.record_id)
        return await self.publish(
            record, key=record_id, subject=audit_subject(record), id=record_id
        )

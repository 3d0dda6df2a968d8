"""Event subscriptions of identity (thin: each calls one use case)."""

from __future__ import annotations

from identity.usecases.passages import Passages
from sc_contracts.events import PassageRecordedV1
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime


def register(runtime: Runtime, passages: Passages) -> None:
    consumer = runtime.consumer(name="passages")  # subscribes to PassageRecordedV1.topic

    @consumer.on(PassageRecordedV1)
    async def on_passage(event: PassageRecordedV1, uow: UnitOfWork) -> None:
        await passages.record(uow, event)

"""Event subscriptions: ``identity.events.v1`` keeps the place directory (where each
household lives), from which a booking takes its place and residents their community, and
the households' owners (业主), whom a housing listing needs; ``telemetry.readings.v1`` (a
batch consumer, idempotent by the bins' own keys) the fill levels of the waste bins
beside recycling points; ``payment.orders.v1`` (consumer ``payments``) parking-payment's
payments, which mark a shop order paid (idempotent by event id: the inbox)."""

from __future__ import annotations

from commerce.usecases.bins import Bins
from commerce.usecases.orders import Orders
from commerce.usecases.owners import subscribe_owners
from sc_contracts.events import TelemetryRecordedV1
from sc_contracts.events.payment import PaymentOrderPaidV1
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(runtime: Runtime, places: Places, bins: Bins, orders: Orders) -> None:
    subscribe_places(runtime, places)
    subscribe_owners(runtime)
    runtime.batch_consumer(name="telemetry", model=TelemetryRecordedV1, handler=bins.on_telemetry)
    payments = runtime.consumer(name="payments")

    @payments.on(PaymentOrderPaidV1)
    async def on_paid(event: PaymentOrderPaidV1, uow: UnitOfWork) -> None:
        await orders.paid(uow, event)

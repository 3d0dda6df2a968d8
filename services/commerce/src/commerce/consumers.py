"""Event subscriptions: ``identity.events.v1`` keeps the place directory (where each
household lives), from which a booking takes its place and residents their community, and
the households' owners (业主), whom a housing listing needs; ``telemetry.readings.v1`` (a
batch consumer, idempotent by its own keys) the fill levels of the waste bins beside
recycling points and the night-time counters of the electricity meters in shops' rooms;
``access.passages.v1`` (consumer ``passages``, inbox) the entries by shops' doors at night
(people living in shops, :mod:`commerce.usecases.living`), and identity's doors
(consumer ``doors``: a door's building); ``workorder.events.v1``
(consumer ``workorders``, the inbox skips a redelivered event) moves each booking with its
maintenance case and records the rating; ``payment.orders.v1`` (consumer ``payments``)
parking-payment's payments, which mark a shop order paid or its payment due back, and
its refunds, which mark it refunded (idempotent by event id: the inbox)."""

from __future__ import annotations

from collections.abc import Sequence

from commerce.usecases.bins import Bins
from commerce.usecases.bookings import BookingCases
from commerce.usecases.living import Living
from commerce.usecases.orders import Orders
from commerce.usecases.owners import subscribe_owners
from sc_contracts.events import (
    DoorChangedV1,
    PassageRecordedV1,
    TelemetryRecordedV1,
    WorkOrderChangedV1,
    WorkOrderRatedV1,
)
from sc_contracts.events.payment import PaymentOrderPaidV1, PaymentRefundedV1
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(
    runtime: Runtime,
    places: Places,
    bins: Bins,
    orders: Orders,
    booking_cases: BookingCases,
    living: Living,
) -> None:
    subscribe_places(runtime, places)
    subscribe_owners(runtime)

    async def on_telemetry(events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        await bins.on_telemetry(events, uow)
        await living.on_telemetry(events, uow)

    runtime.batch_consumer(name="telemetry", model=TelemetryRecordedV1, handler=on_telemetry)

    doors = runtime.consumer(name="doors")

    @doors.on(DoorChangedV1)
    async def on_door(event: DoorChangedV1, uow: UnitOfWork) -> None:
        await living.on_door(uow, event)

    passages = runtime.consumer(name="passages")

    @passages.on(PassageRecordedV1)
    async def on_passage(event: PassageRecordedV1, uow: UnitOfWork) -> None:
        await living.on_passage(uow, event)

    workorders = runtime.consumer(name="workorders")

    @workorders.on(WorkOrderChangedV1)
    async def on_case_changed(event: WorkOrderChangedV1, uow: UnitOfWork) -> None:
        await booking_cases.on_changed(uow, event)

    @workorders.on(WorkOrderRatedV1)
    async def on_case_rated(event: WorkOrderRatedV1, uow: UnitOfWork) -> None:
        await booking_cases.on_rated(uow, event)

    payments = runtime.consumer(name="payments")

    @payments.on(PaymentOrderPaidV1)
    async def on_paid(event: PaymentOrderPaidV1, uow: UnitOfWork) -> None:
        await orders.paid(uow, event)

    @payments.on(PaymentRefundedV1)
    async def on_refunded(event: PaymentRefundedV1, uow: UnitOfWork) -> None:
        await orders.refunded(uow, event)

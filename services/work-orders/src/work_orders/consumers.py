"""Event subscriptions (thin: each handler calls one use case in the consumer's unit of
work, so the inbox row commits with the effect).

- ``alarm.events.v1``: a raised alarm whose rule asks for open_work_order opens exactly
  one case (unique alarm_id, and the inbox skips a redelivered event); a cleared alarm is
  written on its case (agreement 2);
- ``commerce.bookings.v1``: a service a resident booked at a service point opens one
  maintenance booking case (the inbox skips a redelivered event);
- ``commerce.shops.v1``: a shop flagged as a place where people may be living opens one
  shop living check case for the grid worker (one per flag id, and the inbox);
- ``gov.organisations.v1``: a resident's complaint about an organisation or enterprise
  registered in gov-affairs opens one complaint case (one per complaint id, and the inbox);
- ``gov.city-tasks.v1``: a task a district platform sent down (an inspection, a population
  check) opens one case per request (its request id the external reference);
- ``identity.events.v1``: the place directory (where each household lives, building
  grids), from which a resident's case takes its place.
"""

from __future__ import annotations

from sc_contracts.events import (
    AlarmClearedV1,
    AlarmRaisedV1,
    CityTaskCaseRequestedV1,
    OrganisationComplaintFiledV1,
    ServiceBookingRequestedV1,
    ShopFlaggedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime
from work_orders.usecases import Cases
from work_orders.usecases.city_tasks import CityTasks


def register(runtime: Runtime, cases: Cases, places: Places, city_tasks: CityTasks) -> None:
    alarms = runtime.consumer(name="alarms")

    @alarms.on(AlarmRaisedV1)
    async def on_raised(event: AlarmRaisedV1, uow: UnitOfWork) -> None:
        await cases.open_from_alarm(uow, event)

    @alarms.on(AlarmClearedV1)
    async def on_cleared(event: AlarmClearedV1, uow: UnitOfWork) -> None:
        await cases.alarm_cleared(uow, event)

    bookings = runtime.consumer(name="bookings")

    @bookings.on(ServiceBookingRequestedV1)
    async def on_booking(event: ServiceBookingRequestedV1, uow: UnitOfWork) -> None:
        await cases.open_from_booking(uow, event)

    shops = runtime.consumer(name="shops")

    @shops.on(ShopFlaggedV1)
    async def on_shop_flagged(event: ShopFlaggedV1, uow: UnitOfWork) -> None:
        await cases.open_from_shop_flag(uow, event)

    complaints = runtime.consumer(name="org-complaints")

    @complaints.on(OrganisationComplaintFiledV1)
    async def on_complaint(event: OrganisationComplaintFiledV1, uow: UnitOfWork) -> None:
        await cases.open_from_complaint(uow, event)

    tasks = runtime.consumer(name="city-tasks")

    @tasks.on(CityTaskCaseRequestedV1)
    async def on_city_task(event: CityTaskCaseRequestedV1, uow: UnitOfWork) -> None:
        await city_tasks.open(uow, event)

    subscribe_places(runtime, places, name="households")  # the consumer's name before v2

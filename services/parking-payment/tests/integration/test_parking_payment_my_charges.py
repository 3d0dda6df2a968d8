"""A resident's own EV charges (``GET /api/v1/charging/my-charges``, the residents' app's
charging screen) on a real PostgreSQL with a 1.6J charger built on the ocpp library: while
it charges, the energy and the cost so far follow the charger's meter values; once stopped,
the bill and whether it is payable; another resident sees none of it."""

from __future__ import annotations

from ocpp.v16 import call as call16
from pp_helpers import wait_for
from test_parking_payment_charging_usecases import Who, charger, now, world  # noqa: F401

from parking_payment.usecases.my_charges import my_charges
from sc_core.paging import PageParams


def meter(tx: int, wh: int) -> call16.MeterValues:
    return call16.MeterValues(
        connector_id=1,
        transaction_id=tx,
        meter_value=[
            {
                "timestamp": now(),
                "sampledValue": [
                    {"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
                ],
            }
        ],
    )


async def test_a_charge_is_followed_live_then_billed(world):  # noqa: F811
    resident, stranger = Who("resident-1"), Who("resident-2")
    page = PageParams(limit=10, offset=0)

    async def mine(who: Who):
        items, _ = await my_charges(world["uow"], who, page)
        return items

    async with charger(world["url"]) as cp:
        await cp.call(call16.BootNotification(charge_point_model="AC7", charge_point_vendor="Sim"))
        await wait_for(lambda: "CP-DEMO-01" in world["central"].connected, what="connection")
        id_tag = await world["charging"].remote_start(resident, "CP-DEMO-01", 1)
        start = await cp.call(
            call16.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=1000, timestamp=now()
            )
        )
        tx = start.transaction_id

        [live] = await mine(resident)
        assert (live.id, live.status, live.energy_wh, live.amount) == (tx, "charging", 0, 0)
        assert live.charge_point_name == "地下车库 1号充电桩"

        await cp.call(meter(tx, 3500))  # 2.5 kWh at 0.80 + 0.60 元
        [live] = await mine(resident)
        assert (live.status, live.energy_wh, live.amount, live.payable) == (
            "charging",
            2500,
            350,
            False,
        )

        await world["charging"].remote_stop(resident, tx)
        await cp.call(call16.StopTransaction(meter_stop=13_345, timestamp=now(), transaction_id=tx))
    [done] = await mine(resident)
    assert (done.status, done.energy_wh, done.amount) == ("finished", 12_345, 1729)
    assert (done.paid, done.payable) == (False, True)
    assert done.stopped_at is not None
    assert await mine(stranger) == []

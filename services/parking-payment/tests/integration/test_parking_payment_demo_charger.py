"""The simulated pile ``make run`` and the end-to-end tests use (charger_sim.py), against
the real central system on a real PostgreSQL: it keeps knocking until the pile is
registered, then a resident's remote start becomes a transaction whose energy rises with
its meter values, and a remote stop ends it with a bill."""

from __future__ import annotations

from pp_helpers import wait_for
from test_parking_payment_charging_usecases import Who, world  # noqa: F401

from parking_payment.charger_sim import DemoCharger
from parking_payment.db.charging import ChargePointRow
from parking_payment.usecases.my_charges import my_charges
from sc_core.paging import PageParams
from sc_devinfra.waiting import eventually


async def test_the_simulated_pile_charges_and_stops_when_told(world):  # noqa: F811
    port = int(world["url"].split(":")[2].split("/")[0])
    pile = DemoCharger("CP-SIM-01", lambda: port, every_s=0.2, wh_per_tick=100)
    await pile.start()
    try:
        async with world["db"].uow() as uow:  # registered after it began knocking
            uow.session.add(
                ChargePointRow(
                    id="CP-SIM-01",
                    community_id="DEMO-001",
                    name="模拟充电桩",
                    energy_price=80,
                    service_fee=60,
                )
            )
            await uow.session.commit()
        await wait_for(lambda: "CP-SIM-01" in world["central"].connected, what="the pile")
        resident = Who("resident-sim")
        await world["charging"].remote_start(resident, "CP-SIM-01", None)
        page = PageParams(limit=5, offset=0)
        seen: list[int] = []

        async def energy_rose() -> bool:
            charges, _ = await my_charges(world["uow"], resident, page)
            seen.extend(c.energy_wh for c in charges)
            return bool(charges) and charges[0].status == "charging" and seen[-1] >= 300

        await eventually(energy_rose, timeout=60, what="the energy rising")
        assert seen == sorted(seen)  # it only rises
        [charge], _ = await my_charges(world["uow"], resident, page)
        await world["charging"].remote_stop(resident, charge.id)

        async def finished() -> bool:
            [c], _ = await my_charges(world["uow"], resident, page)
            return c.status == "finished"

        await eventually(finished, timeout=60, what="the charge finished")
        [done], _ = await my_charges(world["uow"], resident, page)
        assert done.energy_wh >= 300 and done.amount == round(done.energy_wh * 140 / 1000)
        assert done.payable
    finally:
        await pile.close()

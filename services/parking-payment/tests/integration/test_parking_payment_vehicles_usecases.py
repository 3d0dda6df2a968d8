"""Vehicles, passes, the watch list, passage search and finding a car on a real
PostgreSQL, driven through the gate use case."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from pp_helpers import RecordingUowFactory

from parking_payment.db.models import DIRECTORY, metadata
from parking_payment.db.parking import GateRow, LotRow, TariffRow
from parking_payment.domain.errors import DomainError
from parking_payment.domain.gate import Action, WatchReason
from parking_payment.domain.sessions import PassKind
from parking_payment.domain.tariffs import Tariff, tariff_rules
from parking_payment.usecases.gates import Gates
from parking_payment.usecases.vehicles import Vehicles
from sc_contracts.events import Placement
from sc_core.auth.principal import Grant, Principal
from sc_core.db.engine import Database
from sc_core.db.tables import platform_tables
from sc_core.errors import Problem
from sc_core.privacy import FieldCipher, configure_cipher, reset_cipher

C = "DEMO-001"


@dataclass
class Who:
    principal: Principal

    @property
    def subject(self) -> str:
        return self.principal.subject


RESIDENT = Who(Principal("resident-1", grants=(Grant("resident", "household", "hh-101"),)))
MANAGER = Who(Principal("manager-1", grants=(Grant("property_manager", "community", C),)))
POLICE = Who(Principal("police-1", grants=(Grant("police", "community", C),)))
OTHER_POLICE = Who(Principal("police-2", grants=(Grant("police", "community", "OTHER"),)))


@pytest.fixture
async def world(fresh_database_url):
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    db = Database(fresh_database_url, platform_tables(metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    tariff_id, lot_id = uuid.uuid4(), uuid.uuid4()
    async with db.uow() as uow:
        uow.session.add(
            TariffRow(
                id=tariff_id,
                community_id=C,
                name="临停",
                rules=tariff_rules(Tariff(unit_price=300)),
            )
        )
        await uow.session.flush()
        uow.session.add(
            LotRow(
                id=lot_id,
                community_id=C,
                name="地下车库",
                capacity=1,
                reserved=0,
                occupied=0,
                tariff_id=tariff_id,
            )
        )
        await uow.session.flush()
        uow.session.add(
            GateRow(
                lot_id=lot_id,
                community_id=C,
                name="北门入口",
                direction="entry",
                camera_id="cam-in",
                barrier_device_id="barrier-in",
                zone="B2 区",
            )
        )
        await uow.session.commit()
    async with db.uow() as uow:  # identity placed the resident's household in C
        placement = Placement(community_id=C, building_id="b-1", unit_id="u-1", room_id="r-101")
        await DIRECTORY.place_household(uow, "hh-101", placement)
        await uow.commit()
    uow = RecordingUowFactory(db)
    gates = Gates(uow)
    yield {"db": db, "uow": uow, "gates": gates, "vehicles": Vehicles(uow)}
    await db.dispose()
    reset_cipher()


async def enter(world, plate: str, at: datetime):
    async with world["uow"]() as uow:
        gate = await world["gates"].gate_for(uow, "cam-in")
        outcome = await world["gates"].decide_and_apply(uow, gate, plate, at, source="test")
        await uow.commit()
    return outcome


async def test_monthly_pass_enters_a_full_lot_and_the_car_is_found(world):
    vehicles = world["vehicles"]
    car = await vehicles.register(RESIDENT, C, "hh-101", "粤b·d12345", "green")
    assert (car.plate, car.color) == ("粤BD12345", "green")
    with pytest.raises(Problem) as err:
        await vehicles.register(RESIDENT, C, "hh-101", "粤BD12345", None)
    assert err.value.code == "parking.vehicle_exists"
    with pytest.raises(Problem):  # another household
        await vehicles.register(RESIDENT, C, "hh-999", "京A11111", None)
    with pytest.raises(Problem):  # their household, named with a community it is not in
        await vehicles.register(RESIDENT, "OTHER", "hh-101", "京A11111", None)
    with pytest.raises(DomainError):
        await vehicles.register(RESIDENT, C, "hh-101", "粤BD1234", "green")
    now = datetime.now(UTC)
    assert (await enter(world, "京C00001", now)).decision.reason == "entry_temporary"  # fills it
    assert (await enter(world, "粤BD12345", now)).decision.reason == "lot_full"
    with pytest.raises(Problem):  # residents cannot grant passes
        await vehicles.grant_pass(RESIDENT, car.id, PassKind.monthly, date.today(), date.today())
    await vehicles.grant_pass(
        MANAGER,
        car.id,
        PassKind.monthly,
        now.date() - timedelta(days=1),
        now.date() + timedelta(days=30),
    )
    outcome = await enter(world, "粤BD12345", now + timedelta(minutes=1))
    assert (outcome.decision.action, outcome.decision.reason) == (Action.open, "entry_monthly")
    found = await vehicles.find_my_car(RESIDENT)
    assert [(f.plate, f.lot_name, f.zone) for f in found] == [("粤BD12345", "地下车库", "B2 区")]


async def test_visitor_pass_watch_list_and_audited_trace(world):
    vehicles = world["vehicles"]
    now = datetime.now(UTC)
    await vehicles.grant_visitor(RESIDENT, C, "hh-101", "沪A66666", now, now + timedelta(hours=4))
    assert (
        await enter(world, "沪A66666", now + timedelta(minutes=5))
    ).decision.reason == "entry_visitor"
    await vehicles.watch(MANAGER, C, "京B99999", WatchReason.stolen, "报案车辆")
    stolen = await enter(world, "京B99999", now)
    assert stolen.decision.alerts == [WatchReason.stolen]
    with pytest.raises(Problem) as err:
        await vehicles.trace(
            POLICE, C, "沪A66666", now - timedelta(hours=1), now + timedelta(hours=1), ""
        )
    assert err.value.code == "parking.purpose_required"
    with pytest.raises(Problem):
        await vehicles.trace(
            OTHER_POLICE, C, "沪A66666", now - timedelta(hours=1), now + timedelta(hours=1), "协查"
        )
    with pytest.raises(Problem):
        await vehicles.trace(
            RESIDENT, C, "沪A66666", now - timedelta(hours=1), now + timedelta(hours=1), "好奇"
        )
    rows, total = await vehicles.trace(
        POLICE,
        C,
        "沪A66666",
        now - timedelta(hours=1),
        now + timedelta(hours=1),
        "协查走失老人家属车辆",
    )
    assert total == 1
    assert rows[0].plate == "沪A66666"
    traces = [a for a in world["uow"].audited if a["action"] == "passage.trace"]
    assert traces[0]["detail"]["purpose"] == "协查走失老人家属车辆"

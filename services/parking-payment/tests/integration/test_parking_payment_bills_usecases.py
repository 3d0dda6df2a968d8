"""Property bills on a real PostgreSQL: meter figures from telemetry, a month's bills by
area, fixed and metered items, paid through the Alipay simulator with a receipt, the
collection rate, reminders to the household; other households may not pay or see it."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from pp_helpers import RecordingUowFactory
from sqlalchemy import select

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.client import AlipayClient, AlipayConfig
from parking_payment.adapters.alipay.notify import NotifyVerifier
from parking_payment.adapters.alipay.simulator import AlipaySimulator
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.adapters.providers import AlipayProvider
from parking_payment.db.fees import BillRow, FeeItemRow, FeeRoomRow
from parking_payment.db.models import metadata
from parking_payment.domain.payments import Channel, Provider, Purpose
from parking_payment.usecases import meters
from parking_payment.usecases.bills import Bills
from parking_payment.usecases.callbacks import Callbacks
from parking_payment.usecases.jobs import PaymentJobs
from parking_payment.usecases.payments import CreateOrder, Payments
from sc_contracts.events import TelemetryRecordedV1
from sc_core.auth.principal import Grant, Principal
from sc_core.db.engine import Database
from sc_core.db.tables import platform_tables
from sc_core.errors import Problem
from sc_core.privacy import FieldCipher, configure_cipher, reset_cipher

COMMUNITY = "DEMO-001"


@dataclass
class Who:
    principal: Principal

    @property
    def subject(self) -> str:
        return self.principal.subject


MANAGER = Who(Principal("manager-1", grants=(Grant("property_manager", "community", COMMUNITY),)))
RESIDENT = Who(Principal("resident-1", grants=(Grant("resident", "household", "hh-101"),)))
NEIGHBOUR = Who(Principal("resident-2", grants=(Grant("resident", "household", "hh-102"),)))


def reading(room: str, value: float, at: datetime) -> TelemetryRecordedV1:
    return TelemetryRecordedV1(
        device_id=f"wm-{room}",
        device_type="water_meter",
        community_id=COMMUNITY,
        room_id=room,
        ts=at,
        values={"totalWaterConsumption": value},
        received_at=at,
    )


@pytest.fixture
async def world(fresh_database_url):
    app_key = keys.new_key()
    sim = AlipaySimulator(
        app_id="2021000000000001",
        seller_id="2088000000000001",
        app_public_key=app_key.public_key(),
        retry_delays=(0.0,),
    )
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    db = Database(fresh_database_url, platform_tables(metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with db.uow() as uow:
        uow.session.add_all(
            [
                FeeItemRow(
                    community_id=COMMUNITY,
                    name="物业费",
                    kind="area",
                    unit_price=Decimal(250),
                    amount=0,
                    tiers=[],
                ),
                FeeItemRow(
                    community_id=COMMUNITY,
                    name="垃圾清运费",
                    kind="fixed",
                    unit_price=Decimal(0),
                    amount=1000,
                    tiers=[],
                ),
                FeeItemRow(
                    community_id=COMMUNITY,
                    name="水费",
                    kind="metered",
                    unit_price=Decimal(345),
                    amount=0,
                    meter="water",
                    tiers=[],
                ),
                FeeRoomRow(
                    room_id="r-101",
                    community_id=COMMUNITY,
                    building_id="b-1",
                    unit_id="u-1",
                    household_id="hh-101",
                    label="幸福里社区 1号楼 1单元 101室",
                    area_m2=Decimal("89.37"),
                ),
                FeeRoomRow(
                    room_id="r-102",
                    community_id=COMMUNITY,
                    building_id="b-1",
                    unit_id="u-1",
                    household_id="hh-102",
                    label="幸福里社区 1号楼 1单元 102室",
                    area_m2=Decimal("60.00"),
                ),
            ]
        )
        await uow.session.commit()
    with LoopbackServer(sim.app) as server:
        sim.base_url = server.url
        provider = AlipayProvider(
            AlipayClient(
                AlipayConfig(
                    app_id=sim.app_id,
                    seller_id=sim.seller_id,
                    private_key=app_key,
                    alipay_public_key=sim.alipay_public_key,
                    notify_url="http://127.0.0.1:9/alipay",
                    gateway=server.url + "/gateway.do",
                )
            ),
            NotifyVerifier(sim.app_id, sim.alipay_public_key),
        )
        uow = RecordingUowFactory(db)
        bills = Bills(uow)
        providers = {Provider.alipay: provider}
        payments = Payments(uow, providers, {Purpose.property_bill: bills})
        callbacks = Callbacks(uow, providers, {Purpose.property_bill: bills})
        jobs = PaymentJobs(uow, providers, callbacks, payments, grace=timedelta(0))
        yield {
            "db": db,
            "uow": uow,
            "bills": bills,
            "payments": payments,
            "jobs": jobs,
            "sim_url": server.url,
        }
        await provider.client.aclose()
    await db.dispose()
    reset_cipher()


async def test_month_of_bills_paid_with_a_receipt_and_collection_rate(world):
    nov_last = datetime(2026, 11, 30, 20, tzinfo=UTC)
    dec = [datetime(2026, 12, d, 8, tzinfo=UTC) for d in (1, 15, 31)]
    async with world["uow"]() as uow:
        events = [
            reading("r-101", 100.0, nov_last),
            reading("r-101", 104.0, dec[0]),
            reading("r-101", 112.0, dec[2]),
            reading("r-101", 108.0, dec[1]),
            reading("r-101", 108.0, dec[1]),
        ]  # late and repeated readings too
        await meters.record(uow, meters.meter_readings(events))
        await uow.commit()
    async with world["uow"]() as uow:
        assert await meters.usage(uow, "r-101", "2026-12") == {meters.MeterKind.water: Decimal(12)}
    made = await world["bills"].generate(MANAGER, COMMUNITY, "2026-12", date(2027, 1, 15))
    assert made == 2
    assert await world["bills"].generate(MANAGER, COMMUNITY, "2026-12", date(2027, 1, 15)) == 0
    async with world["db"].uow() as uow:
        bill = (
            await uow.session.execute(select(BillRow).where(BillRow.room_id == "r-101"))
        ).scalar_one()
        bill_id = bill.id
        assert [(x["item"], x["amount"]) for x in bill.lines] == [
            ("物业费", 22343),
            ("垃圾清运费", 1000),
            ("水费", 4140),  # 12 m³ × 3.45
        ]
        assert bill.total == 27483
    with pytest.raises(Problem) as err:  # the neighbour may not pay (or see) it
        await world["payments"].create(
            NEIGHBOUR,
            CreateOrder(Purpose.property_bill, str(bill_id), Provider.alipay, Channel.qr),
            None,
        )
    assert err.value.status == 403
    view = await world["payments"].create(
        RESIDENT,
        CreateOrder(Purpose.property_bill, str(bill_id), Provider.alipay, Channel.qr),
        None,
    )
    assert view.order.description == "物业费 幸福里社区 1号楼 1单元 101室 2026年12月"
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            world["sim_url"] + "/sim/pay",
            json={"qr_code": view.prepay["qr_code"], "deliver": False},
        )
    assert answer.status_code == 200
    assert await world["jobs"].settle_open_orders() == 1
    async with world["db"].uow() as uow:
        bill = await uow.session.get(BillRow, bill_id)
        assert (bill.status, bill.paid_amount) == ("paid", 27483)
        assert bill.receipt_no.startswith("SJ") and bill.receipt_no.endswith("-000001")
    rate = await world["bills"].collection(MANAGER, COMMUNITY, "2026-12")
    assert (rate.bills, rate.paid_bills, rate.collected) == (2, 1, 27483)
    with pytest.raises(Problem):
        await world["bills"].collection(RESIDENT, COMMUNITY, "2026-12")


async def test_reminders_reach_the_unpaid_household_once_per_stage(world):
    await world["bills"].generate(MANAGER, COMMUNITY, "2026-11", date(2026, 11, 30))
    world["bills"].clock = lambda: datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert await world["bills"].send_reminders() == 2
    assert await world["bills"].send_reminders() == 0  # the next stage is a week later
    notes = [e for e, _ in world["uow"].published if type(e).__name__ == "NotificationRequestedV1"]
    bodies = sorted(n.variables["body"] for n in notes)
    assert bodies[0].startswith("幸福里社区 1号楼 1单元 101室 2026年11月物业费")
    assert sorted(n.recipients.household_ids[0] for n in notes) == ["hh-101", "hh-102"]
    assert uuid.UUID(str(notes[0].correlation_id))

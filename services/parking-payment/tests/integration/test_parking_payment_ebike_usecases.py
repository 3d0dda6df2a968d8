"""E-bike charges from telemetry on a real PostgreSQL: a QR start for a resident, a
charge billed at its end, an overcurrent alerted once and the pile stopped; repeated
readings change nothing."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from pp_helpers import RecordingUowFactory
from sqlalchemy import select

from parking_payment.db.charging import EbikeChargeRow
from parking_payment.db.models import DIRECTORY, metadata
from parking_payment.domain.charging import EbikeTariff, PowerBand
from parking_payment.domain.errors import DomainError
from parking_payment.usecases.ebike import Ebikes
from sc_contracts.events import HouseholdChangedV1, Placement, TelemetryRecordedV1
from sc_core.db.engine import Database
from sc_core.db.tables import platform_tables
from sc_core.errors import Problem
from sc_core.privacy import FieldCipher, configure_cipher, reset_cipher

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
TARIFF = EbikeTariff(bands=(PowerBand(200, 50), PowerBand(400, 80), PowerBand(None, 120)))


@dataclass
class Who:
    subject: str
    principal: object = None


def t(minutes: int, **values) -> TelemetryRecordedV1:
    at = T0 + timedelta(minutes=minutes)
    return TelemetryRecordedV1(
        device_id="ebike-07",
        device_type="ebike_charger",
        community_id="DEMO-001",
        building_id="b-3",
        ts=at,
        values=values,
        received_at=at,
    )


PLACED = HouseholdChangedV1(
    aggregate_id="h-1",
    household_id="h-1",
    change="created",
    placement=Placement(
        community_id="DEMO-001",
        building_id="b-3",
        unit_id="u-3-1",
        room_id="r-3-1-101",
        community_name="幸福里社区",
        building_name="3号楼",
    ),
    member_count=1,
    status="active",
    changed_by="u-admin",
    changed_at=T0,
)


@pytest.fixture
async def world(fresh_database_url):
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    db = Database(fresh_database_url, platform_tables(metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    uow = RecordingUowFactory(db)
    async with db.uow() as u:  # identity named the building the piles stand by
        await DIRECTORY.on_placement(PLACED, u)
        await u.commit()
    yield {
        "db": db,
        "uow": uow,
        "ebikes": Ebikes(uow, TARIFF, clock=lambda: T0 - timedelta(minutes=1)),
    }
    await db.dispose()
    reset_cipher()


async def fold(world, *events) -> None:
    async with world["uow"]() as uow:
        await world["ebikes"].record(uow, list(events))
        await uow.commit()


async def test_qr_start_charge_bill_overcurrent(world):
    await world["ebikes"].start_by_qr(Who("resident-1"), "ebike-07", "DEMO-001")
    starts = [e for e, _ in world["uow"].published if getattr(e, "command", "") == "start_charging"]
    assert [s.device_id for s in starts] == ["ebike-07"]
    await fold(world, t(0, status="charging", power=150.0), t(30, status="charging", power=320.0))
    await fold(world, t(30, status="charging", power=320.0))  # again: nothing
    await fold(world, t(95, status="available", power=0.0))
    async with world["db"].uow() as uow:
        rows = (await uow.session.execute(select(EbikeChargeRow))).scalars().all()
        charges = [(r.account, r.method, r.amount, r.charging) for r in rows]
    assert charges == [("resident-1", "qr", 160, False)]
    # the charge is the resident's to pay (Purpose.ebike_charging), once, and no one else's
    charge_id = str(rows[0].id)
    async with world["db"].uow() as uow:
        quote = await world["ebikes"].quote(uow, Who("resident-1"), charge_id, T0)
        assert (quote.amount, quote.description) == (160, "电瓶车充电费 1.60 元")
        with pytest.raises(Problem) as other:
            await world["ebikes"].quote(uow, Who("resident-2"), charge_id, T0)
        assert other.value.status == 404
        order = SimpleNamespace(id=uuid.uuid4(), target_id=charge_id)
        assert await world["ebikes"].paid(uow, order) is True
        assert await world["ebikes"].paid(uow, order) is False  # a second payment: due back
        with pytest.raises(DomainError):
            await world["ebikes"].quote(uow, Who("resident-1"), charge_id, T0)
        await uow.commit()
    await fold(
        world, t(120, status="charging", power=300.0), t(121, power=1500.0), t(122, power=1600.0)
    )
    alerts = [e for e, _ in world["uow"].published if type(e).__name__ == "NotificationRequestedV1"]
    assert [a.variables["title"] for a in alerts] == ["电瓶车充电告警：充电过流"]
    # the pile by where it stands, as people say it; never its device id (issue 18)
    assert alerts[0].variables["body"] == (
        "电瓶车充电桩（幸福里社区 3号楼）充电过流，已停止充电，请立即查看。"
    )
    assert "ebike-07" not in " ".join(alerts[0].variables.values())
    assert (
        alerts[0]
        .variables["body_en"]
        .startswith("An e-bike charging pile at Building 3, 幸福里社区 reports over current")
    )
    stops = [e for e, _ in world["uow"].published if getattr(e, "command", "") == "stop_charging"]
    assert len(stops) == 1

"""The tables on a real PostgreSQL: they create, plates are stored encrypted, and the
constraints that keep money and sessions right hold."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from parking_payment.db.models import metadata
from parking_payment.db.parking import LotRow, SessionRow, TariffRow
from parking_payment.db.payments import CallbackRow
from sc_core.privacy import FieldCipher, configure_cipher, get_cipher, reset_cipher

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


@pytest.fixture
async def engine(fresh_database_url):
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    eng = create_async_engine(fresh_database_url)
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield eng
    await eng.dispose()
    reset_cipher()


async def lot(conn) -> uuid.UUID:
    tariff_id, lot_id = uuid.uuid4(), uuid.uuid4()
    await conn.execute(
        insert(TariffRow).values(id=tariff_id, community_id="DEMO-001", name="临停", rules={})
    )
    await conn.execute(
        insert(LotRow).values(
            id=lot_id, community_id="DEMO-001", name="地面停车场", capacity=100, tariff_id=tariff_id
        )
    )
    return lot_id


def session(lot_id: uuid.UUID, plate: str, status: str = "open") -> dict:
    return {
        "community_id": "DEMO-001",
        "lot_id": lot_id,
        "plate": plate,
        "plate_index": get_cipher().blind_index(plate, "plate"),
        "kind": "temporary",
        "status": status,
        "entry_at": NOW,
    }


async def test_one_open_session_per_plate_and_lot_and_plates_encrypted(engine):
    async with engine.begin() as conn:
        lot_id = await lot(conn)
        await conn.execute(insert(SessionRow).values(**session(lot_id, "京A12345", "closed")))
        await conn.execute(insert(SessionRow).values(**session(lot_id, "京A12345")))
        stored = (await conn.execute(text("SELECT plate FROM parking_sessions"))).scalars().all()
        assert all("京A12345" not in value for value in stored)
        plates = (await conn.execute(select(SessionRow.plate))).scalars().all()
        assert plates == ["京A12345", "京A12345"]
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(SessionRow).values(**session(lot_id, "京A12345")))


async def test_a_verified_notification_is_recorded_once(engine):
    row = {"provider": "wechat", "notification_id": "EV-1", "outcome": "applied", "reason": "paid"}
    async with engine.begin() as conn:
        await conn.execute(insert(CallbackRow).values(**row))
        refused = {**row, "notification_id": None, "outcome": "refused", "reason": "bad_signature"}
        await conn.execute(insert(CallbackRow).values(**refused))
        await conn.execute(insert(CallbackRow).values(**refused))  # refusals all kept
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(CallbackRow).values(**row))
    async with engine.connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM payment_callbacks"))).scalar()
    assert count == 3

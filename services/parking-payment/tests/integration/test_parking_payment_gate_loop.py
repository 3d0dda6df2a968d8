"""The parking loop on a real PostgreSQL with the WeChat Pay simulator over loopback:
a car enters (ANPR read), parks 2 h 10 min, the exit asks 9.00 元, the resident pays in
the mini-program, the callback arrives, the barrier opens (open_door for device-ingestion)
and the stay closes; a forged callback changes nothing; a blacklisted car is refused and
the property alerted."""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pp_helpers import RecordingUowFactory
from sqlalchemy import select

from parking_payment.adapters import keys
from parking_payment.adapters.anpr import parse_alarm_info_plate
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.adapters.providers import WeChatPayProvider
from parking_payment.adapters.wechatpay.client import WeChatPayClient, WeChatPayConfig
from parking_payment.adapters.wechatpay.simulator import WeChatPaySimulator
from parking_payment.db.models import metadata
from parking_payment.db.parking import GateRow, LotRow, SessionRow, TariffRow, WatchRow
from parking_payment.domain.gate import Action
from parking_payment.domain.payments import Channel, Provider, Purpose
from parking_payment.domain.tariffs import Tariff, tariff_rules
from parking_payment.usecases.callbacks import Callbacks
from parking_payment.usecases.gates import Gates
from parking_payment.usecases.parking_target import ParkingTarget
from parking_payment.usecases.payments import CreateOrder, Payments
from sc_core.db.engine import Database
from sc_core.db.tables import platform_tables
from sc_core.privacy import FieldCipher, configure_cipher, get_cipher, reset_cipher

MCHID, MINI, SERIAL = "1900000109", "wx7777777777777777", "SERIAL-1"
PLATE = "京A12345"


class Who:
    subject = "resident-1"
    principal = None


def anpr(camera: str, plate: str, at: datetime) -> dict:
    return {
        "AlarmInfoPlate": {
            "serialno": camera,
            "result": {
                "PlateResult": {
                    "license": plate,
                    "colorType": 1,
                    "confidence": 97,
                    "timeStamp": {"Timeval": {"sec": int(at.timestamp()), "usec": 0}},
                }
            },
        }
    }


@pytest.fixture
async def loop(fresh_database_url):
    merchant, apiv3 = keys.new_key(), secrets.token_hex(16).encode()
    sim = WeChatPaySimulator(
        mchid=MCHID,
        appids={MINI},
        merchant_public_key=merchant.public_key(),
        merchant_serial=SERIAL,
        apiv3_key=apiv3,
        retry_delays=(0.0,),
    )
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    db = Database(fresh_database_url, platform_tables(metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    tariff_id, lot_id = uuid.uuid4(), uuid.uuid4()
    async with db.uow() as uow:
        uow.session.add(
            TariffRow(
                id=tariff_id,
                community_id="DEMO-001",
                name="临停 3元/小时",
                rules=tariff_rules(Tariff(unit_price=300, free_minutes=15)),
            )
        )
        await uow.session.flush()
        uow.session.add(
            LotRow(
                id=lot_id,
                community_id="DEMO-001",
                name="地面停车场",
                capacity=100,
                reserved=0,
                occupied=0,
                tariff_id=tariff_id,
            )
        )
        await uow.session.flush()
        for camera, direction, name, device in (
            ("cam-in", "entry", "东门入口", "barrier-in"),
            ("cam-out", "exit", "东门出口", "barrier-out"),
        ):
            uow.session.add(
                GateRow(
                    lot_id=lot_id,
                    community_id="DEMO-001",
                    name=name,
                    direction=direction,
                    camera_id=camera,
                    barrier_device_id=device,
                    door_id=None,
                    zone="地面 A 区",
                )
            )
        await uow.session.commit()
    with LoopbackServer(sim.app) as server:
        provider = WeChatPayProvider(
            WeChatPayClient(
                WeChatPayConfig(
                    mchid=MCHID,
                    appid=MINI,
                    serial_no=SERIAL,
                    private_key=merchant,
                    apiv3_key=apiv3,
                    platform_keys={sim.public_key_id: sim.platform_public_key},
                    notify_url="http://127.0.0.1:9/callbacks/wechat",
                    base_url=server.url,
                    channel_appids={Channel.mini_program: MINI},
                )
            )
        )
        uow = RecordingUowFactory(db)
        gates = Gates(uow)
        target = ParkingTarget(gates)
        providers = {Provider.wechat: provider}
        yield {
            "db": db,
            "uow": uow,
            "gates": gates,
            "sim": sim,
            "sim_url": server.url,
            "payments": Payments(uow, providers, {Purpose.parking: target}),
            "callbacks": Callbacks(uow, providers, {Purpose.parking: target}),
            "lot_id": lot_id,
        }
        await provider.client.aclose()
    await db.dispose()
    reset_cipher()


def commands(loop) -> list:
    return [e for e, _ in loop["uow"].published if type(e).__name__ == "DeviceCommandRequestedV1"]


async def test_enter_park_2h10_pay_in_the_mini_program_and_leave(loop):
    now = datetime.now(UTC).replace(microsecond=0)
    gates = loop["gates"]
    entered = await gates.handle_read(
        parse_alarm_info_plate(anpr("cam-in", PLATE, now - timedelta(minutes=130)))
    )
    assert (entered.decision.action, entered.decision.reason) == (Action.open, "entry_temporary")
    assert [c.device_id for c in commands(loop)] == ["barrier-in"]
    at_exit = await gates.handle_read(parse_alarm_info_plate(anpr("cam-out", PLATE, now)))
    assert (at_exit.decision.action, at_exit.decision.due) == (Action.pay, 900)
    assert at_exit.decision.display == "京A12345 停车2小时10分钟 请缴费9.00 元"
    assert [c.device_id for c in commands(loop)] == ["barrier-in"]  # still closed

    view = await loop["payments"].create(
        Who(),
        CreateOrder(
            Purpose.parking,
            str(entered.session_id),
            Provider.wechat,
            Channel.mini_program,
            payer="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        ),
        "pay-session-0001",
    )
    assert view.order.amount == 900
    assert view.order.description == "停车费 京A12345 停车2小时10分钟"
    assert view.prepay["signType"] == "RSA"
    sim = loop["sim"]
    async with httpx.AsyncClient() as http:
        paid = await http.post(
            loop["sim_url"] + "/sim/pay",
            json={"out_trade_no": view.order.out_trade_no, "deliver": False},
        )
    assert paid.status_code == 200
    headers, body = sim.callback(
        "TRANSACTION.SUCCESS",
        "transaction",
        sim.transaction(sim.orders[view.order.out_trade_no]),
        "支付成功",
    )
    forged = {**headers, "Wechatpay-Signature": keys.sign(keys.new_key(), "x")}
    assert (
        await loop["callbacks"].receive(Provider.wechat, forged, body, "198.51.100.7")
    ).status >= 400
    assert [c.device_id for c in commands(loop)] == ["barrier-in"]  # the forgery opened nothing
    assert (await loop["callbacks"].receive(Provider.wechat, headers, body, None)).status == 204
    assert [c.device_id for c in commands(loop)] == ["barrier-in", "barrier-out"]  # it lifts
    assert (await loop["callbacks"].receive(Provider.wechat, headers, body, None)).status == 204
    assert [c.device_id for c in commands(loop)] == ["barrier-in", "barrier-out"]  # once
    async with loop["db"].uow() as uow:
        row = (await uow.session.execute(select(SessionRow))).scalar_one()
        lot = await uow.session.get(LotRow, loop["lot_id"])
        assert (row.status, row.paid, row.fee) == ("closed", 900, 900)
        assert lot.occupied == 0
    closed = [e for e, _ in loop["uow"].published if type(e).__name__ == "ParkingSessionClosedV1"]
    assert [(e.minutes, e.fee_fen, e.paid_fen) for e in closed] == [(130, 900, 900)]


async def test_blacklisted_car_is_refused_and_the_property_alerted(loop):
    async with loop["db"].uow() as uow:
        uow.session.add(
            WatchRow(
                community_id="DEMO-001",
                plate="粤BD12345",
                plate_index=get_cipher().blind_index("粤BD12345", "plate"),
                reason="blacklist",
                block=True,
                note="多次欠费逃逸",
                created_by="manager",
            )
        )
        await uow.session.commit()
    outcome = await loop["gates"].handle_read(
        parse_alarm_info_plate(anpr("cam-in", "粤BD12345", datetime.now(UTC)))
    )
    assert (outcome.decision.action, outcome.decision.reason) == (Action.refuse, "watch_blacklist")
    assert commands(loop) == []
    alerts = [e for e, _ in loop["uow"].published if type(e).__name__ == "NotificationRequestedV1"]
    assert len(alerts) == 1
    assert alerts[0].variables["title"] == "布控车辆告警：黑名单车辆"
    assert alerts[0].variables["body"] == "东门入口识别到黑名单车辆 粤BD12345，已拦截。请及时处置。"
    assert alerts[0].variables["body_en"] == (
        "东门入口 read a blacklisted car, 粤BD12345: stopped. Please act on it."
    )

"""Parking and payment end to end (6.3 g): a car enters (the ANPR camera pushes its read),
parks 2 h 10 min, the exit asks 9.00 元, the resident pays in the mini-program through the
simulator's WeChat Pay, the callback comes through the gateway, the car's exit passes and
the barrier's open_door goes to device-ingestion; a forged callback changes nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from e2e_kit import home_of, wait_until


def anpr(camera: str, plate: str, at: datetime) -> dict[str, Any]:
    return {
        "AlarmInfoPlate": {
            "channel": 0,
            "deviceName": "IVS",
            "serialno": camera,
            "result": {
                "PlateResult": {
                    "license": plate,
                    "colorType": 1,
                    "confidence": 96,
                    "timeStamp": {"Timeval": {"sec": int(at.timestamp()), "usec": 0}},
                }
            },
        }
    }


def open_doors(bootstrap: str, device_id: str, *, wait: bool) -> list[dict[str, Any]]:
    """The ``open_door`` commands for ``device_id`` on ``device.commands.v1`` as
    device-ingestion reads them: every one up to the topic's end now; with ``wait``, first
    until one has come (a generous bound, not a measurement)."""

    async def read() -> list[dict[str, Any]]:
        consumer = AIOKafkaConsumer(
            "device.commands.v1",
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found: list[dict[str, Any]] = []

        async def poll() -> None:
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for messages in batches.values():
                for m in messages:
                    data = json.loads(m.value)
                    if data.get("device_id") == device_id and data.get("command") == "open_door":
                        found.append(data)

        try:
            deadline = time.monotonic() + 120
            while not consumer.assignment():  # every partition, once the metadata is in
                await poll()
                assert time.monotonic() < deadline, "device.commands.v1 was never assigned"
            parts = sorted(consumer.assignment())
            while True:
                ends = await consumer.end_offsets(parts)
                while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
                    await poll()
                if found or not wait:
                    return found
                assert time.monotonic() < deadline, f"no open_door for {device_id}"
                await asyncio.sleep(0.2)
        finally:
            await consumer.stop()

    return asyncio.run(read())


@pytest.mark.exclusive("demo-car-park")
@pytest.mark.exclusive("resident-orders")
def test_enter_park_pay_in_the_app_and_leave(gateway_url, login, broker_bootstrap, state_dir):  # type: ignore[no-untyped-def]
    api = httpx.Client(base_url=gateway_url, timeout=30)
    manager, resident = login("property_manager"), login("resident")
    home = home_of(api, resident)
    community = home["community_id"]
    lots = api.get("/api/v1/parking/lots", params={"community_id": community}, headers=resident)
    assert lots.status_code == 200, lots.text
    lot = next(x for x in lots.json() if x["name"] == "幸福里地面停车场")
    run = uuid.uuid4().hex[:6].upper()
    tokens = {}
    for direction, name in (("entry", "东门入口"), ("exit", "东门出口")):
        r = api.post(
            "/api/v1/parking/gates",
            headers=manager,
            json={
                "lot_id": lot["id"],
                "name": f"{name}（测试{run}）",
                "direction": direction,
                "camera_id": f"E2E-CAM-{direction}-{run}",
                "barrier_device_id": f"E2E-BARRIER-{direction}-{run}",
                "zone": "地面 A 区",
            },
        )
        assert r.status_code == 201, r.text
        tokens[direction] = r.json()["camera_token"]
    plate = f"京E{random.randint(10000, 99999)}"
    r = api.post(
        "/api/v1/parking/vehicles",
        headers=resident,
        json={
            "community_id": community,
            "household_id": home["household_id"],
            "plate": plate,
        },
    )
    assert r.status_code == 201, r.text
    now = datetime.now(UTC)

    # the car enters 2 h 10 min ago, the entry camera pushes its read
    r = api.post(
        f"/api/v1/parking/anpr/{tokens['entry']}/alarm-info-plate",
        json=anpr(f"E2E-CAM-entry-{run}", plate, now - timedelta(minutes=130)),
    )
    assert r.status_code == 200, r.text
    assert r.json()["Response_AlarmInfoPlate"]["info"] == "no"  # we open, not the camera
    assert open_doors(broker_bootstrap, f"E2E-BARRIER-entry-{run}", wait=True)
    cars = api.get("/api/v1/parking/my-car", headers=resident).json()
    car = next(c for c in cars if c["plate"] == plate)
    assert car["text"].startswith(f"{plate} 停在 幸福里地面停车场 地面 A 区")

    # at the exit the barrier stays down: 9.00 元 to pay
    r = api.post(
        f"/api/v1/parking/anpr/{tokens['exit']}/alarm-info-plate",
        json=anpr(f"E2E-CAM-exit-{run}", plate, now),
    )
    assert r.status_code == 200, r.text
    due = api.get(f"/api/v1/parking/stays/{car['session_id']}/due", headers=resident).json()
    assert (due["amount"], due["amount_text"]) == (900, "9.00 元")
    assert due["description"] == f"停车费 {plate} 停车2小时10分钟"

    # the resident pays in the mini-program (WeChat Pay JSAPI)
    body = {
        "purpose": "parking",
        "target_id": car["session_id"],
        "provider": "wechat",
        "channel": "mini_program",
        "payer": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    }
    key = f"e2e-pay-{run}"
    r = api.post("/api/v1/payments/orders", headers={**resident, "Idempotency-Key": key}, json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["amount"], order["status_text"]) == (900, "支付中")
    assert order["pay"]["signType"] == "RSA" and order["pay"]["paySign"]
    again = api.post(
        "/api/v1/payments/orders", headers={**resident, "Idempotency-Key": key}, json=body
    )
    assert (again.status_code, again.json()["id"]) == (201, order["id"])

    # a forged callback (signed by someone else's key) changes nothing
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake = json.dumps(
        {
            "id": "forged",
            "event_type": "TRANSACTION.SUCCESS",
            "resource_type": "encrypt-resource",
            "resource": {},
        }
    )
    stamp, nonce = str(int(now.timestamp())), uuid.uuid4().hex
    signature = base64.b64encode(
        forger.sign(f"{stamp}\n{nonce}\n{fake}\n".encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()
    sim = json.loads((Path(state_dir) / "parking-payment" / "payment-sim" / "sim.json").read_text())
    forged = api.post(
        "/api/v1/payments/callbacks/wechat",
        content=fake,
        headers={
            "Content-Type": "application/json",
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": "PUB_KEY_ID_FORGED",
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        },
    )
    assert forged.status_code >= 400
    assert (
        api.get(f"/api/v1/payments/orders/{order['id']}", headers=resident).json()["status"]
        == "pending"
    )
    assert not open_doors(broker_bootstrap, f"E2E-BARRIER-exit-{run}", wait=False)

    # the resident confirms in WeChat: the simulator takes the money and calls us back
    paid = httpx.post(sim["wechat_url"] + "/sim/pay", json={"out_trade_no": order["out_trade_no"]})
    assert paid.status_code == 200, paid.text
    wait_until(
        lambda: (
            api.get(f"/api/v1/payments/orders/{order['id']}", headers=resident).json()["status"]
            == "succeeded"
            or None
        ),
        30,
        "the order to succeed",
    )
    # the car waiting at the exit is let out: the barrier's open_door goes to the device
    commands = open_doors(broker_bootstrap, f"E2E-BARRIER-exit-{run}", wait=True)
    assert len(commands) == 1
    assert not [
        c for c in api.get("/api/v1/parking/my-car", headers=resident).json() if c["plate"] == plate
    ]

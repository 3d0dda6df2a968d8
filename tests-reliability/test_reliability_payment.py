"""Money under a crash: parking-payment dies (failpoint, as kill -9) after WeChat Pay took
the resident's money and before the payment is recorded. The provider keeps calling back
while it is down; when it comes back, recovery by query finds the payment.

Pass: the order succeeded exactly once (one order_succeeded event on payment.orders.v1),
the stay is paid once (9.00 元, not 18.00), the exit barrier lifted once, and the
callback delivered again afterwards changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from reliability_kit import Platform, wait_for
from sc_devinfra.apache_kafka import KafkaCluster


def anpr(camera: str, plate: str, at: datetime) -> dict[str, Any]:
    stamp = {"Timeval": {"sec": int(at.timestamp()), "usec": 0}}
    return {
        "AlarmInfoPlate": {
            "serialno": camera,
            "result": {
                "PlateResult": {
                    "license": plate,
                    "colorType": 1,
                    "confidence": 96,
                    "timeStamp": stamp,
                }
            },
        }
    }


def start_simulators(directory: Any) -> subprocess.Popen[bytes]:
    """Their own session: they outlive the service, as WeChat Pay does."""
    return subprocess.Popen(
        [sys.executable, "-m", "parking_payment.simulators", "--dir", str(directory)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def events_of(bootstrap: str, topic: str, key: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        for _ in range(20):
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for messages in batches.values():
                found += [
                    {"type": dict(m.headers).get("ce_type", b"").decode(), **json.loads(m.value)}
                    for m in messages
                    if m.key and m.key.decode() == key
                ]
    finally:
        await consumer.stop()
    return found


@pytest.mark.timeout(900)
async def test_killed_between_the_providers_success_and_our_record(
    platform: Platform, healthy_cluster: KafkaCluster
) -> None:
    run = uuid.uuid4().hex[:6].upper()
    sim_dir = platform.state_dir / f"payment-sim-{run}"
    sim = start_simulators(sim_dir)
    try:
        deadline = time.monotonic() + 60
        while not (sim_dir / "sim.json").exists():
            assert time.monotonic() < deadline, "the payment simulators did not start"
            await asyncio.sleep(0.1)
        sim_url = json.loads((sim_dir / "sim.json").read_text())["wechat_url"]
        env = {
            "PAYMENT_MODE": "simulator",
            "PAYMENT_SIMULATOR_DIR": str(sim_dir),
            "PUBLIC_BASE_URL": platform.url("gateway"),
            "SETTLE_INTERVAL_S": "2",
            "OCPP_ENABLED": "false",
        }
        platform.restart("parking-payment", extra_env=env)
        manager, resident = platform.login("property_manager"), platform.login("resident")
        async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as api:
            home = (await api.get("/api/v1/me", headers=resident)).json()["households"][0]
            community = str(home["community_id"])
            tariff = (
                await api.post(
                    "/api/v1/parking/tariffs",
                    headers=manager,
                    json={
                        "community_id": community,
                        "name": f"临停{run}",
                        "rules": {"unit_price": 300, "free_minutes": 15},
                    },
                )
            ).json()
            lot = (
                await api.post(
                    "/api/v1/parking/lots",
                    headers=manager,
                    json={
                        "community_id": community,
                        "name": f"停车场{run}",
                        "capacity": 50,
                        "tariff_id": tariff["id"],
                    },
                )
            ).json()
            tokens = {}
            for direction in ("entry", "exit"):
                gate = (
                    await api.post(
                        "/api/v1/parking/gates",
                        headers=manager,
                        json={
                            "lot_id": lot["id"],
                            "name": direction,
                            "direction": direction,
                            "camera_id": f"REL-CAM-{direction}-{run}",
                            "barrier_device_id": f"REL-BARRIER-{direction}-{run}",
                        },
                    )
                ).json()
                tokens[direction] = gate["camera_token"]
            plate, now = f"京R{int(run, 16) % 100000:05d}", datetime.now(UTC)

            async def home_known() -> bool:  # parking-payment's place directory has caught up
                r = await api.get(
                    "/api/v1/parking/lots", params={"community_id": community}, headers=resident
                )
                return r.status_code == 200

            await wait_for(home_known, 120, "the resident's household in the place directory")
            r = await api.post(
                "/api/v1/parking/vehicles",
                headers=resident,
                json={
                    "community_id": community,
                    "household_id": str(home["household_id"]),
                    "plate": plate,
                },
            )
            assert r.status_code == 201, r.text
            for direction, at in (("entry", now - timedelta(minutes=130)), ("exit", now)):
                r = await api.post(
                    f"/api/v1/parking/anpr/{tokens[direction]}/alarm-info-plate",
                    json=anpr(f"REL-CAM-{direction}-{run}", plate, at),
                )
                assert r.status_code == 200, r.text
            car = next(
                c
                for c in (await api.get("/api/v1/parking/my-car", headers=resident)).json()
                if c["plate"] == plate
            )
            r = await api.post(
                "/api/v1/payments/orders",
                headers=resident,
                json={
                    "purpose": "parking",
                    "target_id": car["session_id"],
                    "provider": "wechat",
                    "channel": "qr",
                },
            )
            assert r.status_code == 201, r.text
            order = r.json()

            # armed: the next callback kills the service before it records anything
            platform.restart(
                "parking-payment",
                extra_env={**env, "SC_FAILPOINTS": "payment.callback_before_commit=exit"},
            )
            paid = await api.post(sim_url + "/sim/pay", json={"code_url": order["pay"]["code_url"]})
            assert paid.status_code == 200, paid.text
            assert platform.exit_code("parking-payment", 60) == 86  # died mid-payment
            platform.restart("parking-payment", extra_env=env)  # recovery by query on start

            async def succeeded() -> bool:
                r = await api.get(f"/api/v1/payments/orders/{order['id']}", headers=resident)
                return r.status_code == 200 and r.json()["status"] == "succeeded"

            await wait_for(succeeded, 60, "the order recovered by query")
            again = await api.post(sim_url + f"/sim/notify/{order['out_trade_no']}")
            assert again.status_code == 200  # answered: the callback was received, once
            assert await succeeded()
        events = await events_of(healthy_cluster.bootstrap, "payment.orders.v1", order["id"])
        assert [e["type"] for e in events] == ["community.payment.order_succeeded.v1"]
        closed = await events_of(
            healthy_cluster.bootstrap, "parking.sessions.v1", car["session_id"]
        )
        assert [(e["fee_fen"], e["paid_fen"]) for e in closed] == [(900, 900)]
        opened = await events_of(
            healthy_cluster.bootstrap, "device.commands.v1", f"REL-BARRIER-exit-{run}"
        )
        assert [e["command"] for e in opened] == ["open_door"]
    finally:
        sim.terminate()
        sim.wait(20)

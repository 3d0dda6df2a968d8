"""Start the test servers once for a whole run (CI, `make test`), stop them after.

    python -m sc_devinfra.servers up --state-file .servers.env
    . ./.servers.env          # DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, ...
    pytest -n 2 ...           # the fixtures use the servers named in the environment
    python -m sc_devinfra.servers down --state-file .servers.env

`up` starts a detached supervisor process that runs one embedded PostgreSQL and one
1-broker Apache Kafka (KRaft), then writes their URLs as `export` lines (and the pids, in
a comment line) into the state file and returns; `--no-kafka` leaves Kafka out. The
servers die with the supervisor (parent-death signal), so `down` only has to stop the supervisor; it
SIGKILLs any recorded process group still alive as a last resort. With
`--watch-pid PID` the supervisor also shuts down by itself once PID is gone (a CI job
or test process that died before it could call `down`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sc_devinfra._proc import group_alive, pid_alive, tail

_PIDS_PREFIX = "# sc-devinfra: "


def read_state(path: Path) -> dict[str, object] | None:
    """The JSON record (pids, work dir, urls) from a state file, None if absent."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(_PIDS_PREFIX):
                record: dict[str, object] = json.loads(line[len(_PIDS_PREFIX) :])
                return record
    except (OSError, ValueError):
        return None
    return None


def _write_state(path: Path, env: dict[str, str], record: dict[str, object]) -> None:
    lines = [
        f"# Test servers started by `python -m sc_devinfra.servers up`; stop with "
        f"`python -m sc_devinfra.servers down --state-file {path}`.",
        *(f"export {key}={shlex.quote(value)}" for key, value in env.items()),
        _PIDS_PREFIX + json.dumps(record),
    ]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)


def serve(state_file: Path, work_dir: Path, kafka: bool, watch_pid: int | None = None) -> int:
    """Run in the supervisor: start the servers, publish the state, wait for SIGTERM."""
    from sc_devinfra.apache_kafka import KafkaCluster
    from sc_devinfra.postgres import EmbeddedPostgres

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())

    postgres = EmbeddedPostgres(work_dir / "postgres")
    cluster = KafkaCluster(brokers=1, base_dir=work_dir / "kafka") if kafka else None
    try:
        started = time.monotonic()
        postgres.start()
        env = {"DATABASE_URL": postgres.url}
        pids: dict[str, object] = {"postgres": postgres.pid}
        if cluster is not None:
            cluster.start()
            # one broker for every test: the fixtures' kafka_bootstrap and apache_kafka
            env["KAFKA_BOOTSTRAP_SERVERS"] = cluster.bootstrap
            env["KAFKA_ENABLE_IDEMPOTENCE"] = "true"
            env["APACHE_KAFKA_BOOTSTRAP_SERVERS"] = cluster.bootstrap
            pids["kafka"] = cluster.pids()
        record = {
            "supervisor": os.getpid(),
            "pids": pids,
            "work_dir": str(work_dir),
            "env": env,
        }
        _write_state(state_file, env, record)
        print(f"servers up in {time.monotonic() - started:.1f} s: {env}", flush=True)
        while not stop.wait(1.0):
            if not postgres.is_running():
                print("PostgreSQL died; shutting down", flush=True)
                break
            if cluster is not None and not cluster.is_running(0):
                print("Apache Kafka died; shutting down", flush=True)
                break
            if watch_pid is not None and not pid_alive(watch_pid):
                print(f"watched process {watch_pid} is gone; shutting down", flush=True)
                break
        return 0
    finally:
        if cluster is not None:
            cluster.close()
        postgres.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            state = read_state(state_file)
            if state is not None and state.get("supervisor") == os.getpid():
                state_file.unlink()


def up(
    state_file: Path,
    kafka: bool = True,
    timeout: float = 300.0,
    watch_pid: int | None = None,
) -> int:
    state = read_state(state_file)
    if state is not None and pid_alive(int(str(state["supervisor"]))):
        print(f"servers already up (supervisor {state['supervisor']}); see {state_file}")
        return 0
    state_file.unlink(missing_ok=True)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="sc-servers-"))
    log_path = state_file.with_name(state_file.name + ".log")
    cmd = [sys.executable, "-m", "sc_devinfra.servers", "_serve"]
    cmd += ["--state-file", str(state_file), "--work-dir", str(work_dir)]
    if not kafka:
        cmd.append("--no-kafka")
    if watch_pid is not None:
        cmd += ["--watch-pid", str(watch_pid)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_state(state_file)
        if state is not None and state.get("supervisor") == proc.pid:
            print(state_file.read_text(), end="")
            return 0
        if proc.poll() is not None:
            print(f"servers failed to start:\n{tail(log_path, 60)}", file=sys.stderr)
            return 1
        time.sleep(0.1)
    print(f"servers not up within {timeout} s:\n{tail(log_path, 60)}", file=sys.stderr)
    _kill_group(proc.pid)
    return 1


def down(state_file: Path, timeout: float = 60.0) -> int:
    state = read_state(state_file)
    if state is None:
        print(f"no servers recorded in {state_file}")
        return 0
    supervisor = int(str(state["supervisor"]))
    with contextlib.suppress(ProcessLookupError):
        os.kill(supervisor, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(supervisor) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(supervisor):
        # Supervisor stuck: kill it and, as a last resort, the server groups it recorded
        # (they also get SIGKILL from the kernel as their parent dies).
        _kill_group(supervisor)
        pids = state.get("pids")
        for value in pids.values() if isinstance(pids, dict) else []:
            for pid in value if isinstance(value, list) else [value]:
                if pid is not None:
                    _kill_group(int(pid))
    work_dir = state.get("work_dir")
    if work_dir:
        shutil.rmtree(str(work_dir), ignore_errors=True)
    state_file.unlink(missing_ok=True)
    print("servers down")
    return 0


def _kill_group(pgid: int) -> None:
    """SIGKILL what is left of a process group (each server leads its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sc_devinfra.servers")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "down", "_serve"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--state-file", type=Path, required=True)
        if name != "down":
            cmd.add_argument("--no-kafka", action="store_true", help="PostgreSQL only")
            cmd.add_argument(
                "--watch-pid",
                type=int,
                default=None,
                help="stop the servers by themselves once this process is gone",
            )
        if name == "_serve":
            cmd.add_argument("--work-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    state_file = args.state_file.resolve()
    if args.command == "up":
        return up(state_file, kafka=not args.no_kafka, watch_pid=args.watch_pid)
    if args.command == "down":
        return down(state_file)
    return serve(state_file, args.work_dir, kafka=not args.no_kafka, watch_pid=args.watch_pid)


if __name__ == "__main__":
    sys.exit(main())

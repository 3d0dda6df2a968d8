"""``make run``: the whole platform on this machine, stopped cleanly with Ctrl-C.

Starts a single-node Apache Kafka (KRaft; its data in ``SC_STATE_DIR/kafka``, so topics,
events and consumer offsets survive a restart; 127.0.0.1:9092 when free, ``KAFKA_PORT`` to
choose) and an embedded PostgreSQL unless ``KAFKA_BOOTSTRAP_SERVERS`` / ``DATABASE_URL``
point at real ones, creates the topic catalogue, starts every service under ``services/``
and the gateway as separate processes (each service migrates its own database on start in
dev), waits until each answers ``/healthz``, loads demo data where a service has it,
starts a small simulated device fleet (``device_ingestion.fleet``; in a terminal, or with
``SIMULATOR=on``; ``SIMULATOR=off`` leaves it out), and prints where to look.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sc_contracts.admin import create_topics
from sc_core.kafka import kafka_client_options
from sc_devinfra import free_port
from sc_devinfra.apache_kafka import KAFKA_VERSION, KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, url_for_database
from sc_devstack.console import FRONTENDS, mini_program_dir
from sc_devstack.console import build as console_build
from sc_devstack.discover import ServiceInfo, discover_services, repo_root

FIRST_SERVICE_PORT = 8101
KAFKA_PORT = 9092
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child before exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    os.setpgrp()


@dataclass
class Process:
    name: str
    url: str
    popen: subprocess.Popen[bytes]
    log_path: Path


@dataclass
class Stack:
    state_dir: Path
    gateway_port: int
    processes: list[Process] = field(default_factory=list)
    kafka: KafkaCluster | None = None
    postgres: EmbeddedPostgres | None = None

    # infrastructure ---------------------------------------------------------------
    def start_infra(self) -> tuple[str, str, bool]:
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        idempotence = os.environ.get("KAFKA_ENABLE_IDEMPOTENCE", "true").lower() == "true"
        if not bootstrap:
            started = time.monotonic()
            self.kafka = KafkaCluster(
                brokers=1,
                base_dir=self.state_dir / "kafka",
                persistent=True,
                port=int(os.environ.get("KAFKA_PORT") or KAFKA_PORT),
                startup_timeout=240,
            )
            self.kafka.start()
            bootstrap = self.kafka.bootstrap
            kept = "new, formatted" if self.kafka.formatted_now else "kept from the last run"
            say(
                f"broker      {bootstrap}  Apache Kafka {KAFKA_VERSION} (KRaft), "
                f"{self.kafka.java.describe()}, up in {time.monotonic() - started:.1f} s; "
                f"data {kept} in {self.kafka.base_dir}"
            )
        else:
            say(f"broker      {bootstrap}")
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            self.postgres = EmbeddedPostgres(self.state_dir / "postgres").start()
            database_url = self.postgres.url
            say(
                f"database    embedded PostgreSQL at 127.0.0.1:{self.postgres.port} "
                f"(data in {self.state_dir / 'postgres'})"
            )
        else:
            say("database    DATABASE_URL")
        result = asyncio.run(create_topics(bootstrap, client_options=kafka_client_options()))
        say(f"topics      {len(result.created)} created, {len(result.existing)} already there")
        return bootstrap, database_url, idempotence

    # processes --------------------------------------------------------------------
    def spawn(self, name: str, module: str, port: int, env: dict[str, str]) -> Process:
        log_path = self.state_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = {**os.environ, **env, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port)}
        with log_path.open("ab") as log:
            popen = subprocess.Popen(
                [sys.executable, "-m", module],
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        process = Process(name, f"http://127.0.0.1:{port}", popen, log_path)
        self.processes.append(process)
        return process

    def wait_healthy(self, timeout: float = 600.0) -> None:
        """Until every process answers /healthz. A process that exits fails at once; one
        still starting is waited for (and named every 30 s) up to ``timeout``: seven
        services importing at once on a busy 2-core machine take minutes, not seconds."""
        began = time.monotonic()
        deadline = began + timeout
        next_report = began + 30
        pending = list(self.processes)
        with httpx.Client(timeout=1.0) as client:
            while pending:
                if time.monotonic() > next_report:
                    names = ", ".join(p.name for p in pending)
                    say(f"waiting     {names} ({time.monotonic() - began:.0f} s)")
                    next_report += 30
                for process in list(pending):
                    if process.popen.poll() is not None:
                        raise RuntimeError(
                            f"{process.name} exited with {process.popen.returncode}; "
                            f"see {process.log_path}:\n{_tail(process.log_path)}"
                        )
                    with contextlib.suppress(httpx.HTTPError):
                        if client.get(f"{process.url}/healthz").status_code == 200:
                            pending.remove(process)
                if pending and time.monotonic() > deadline:
                    names = ", ".join(p.name for p in pending)
                    raise RuntimeError(f"not healthy after {timeout:.0f}s: {names}")
                time.sleep(0.2)

    def wait_routes(self, gateway: Process, timeout: float = 600.0) -> None:
        """Until the gateway knows every upstream's routes (its ``/readyz`` names none it
        waits for): a service that answered /healthz may still have been too slow to give
        the gateway its OpenAPI, and the demo's first login would then be a 404."""
        deadline = time.monotonic() + timeout
        waiting: list[str] = ["?"]
        with httpx.Client(timeout=5.0) as client:
            while waiting:
                if gateway.popen.poll() is not None:
                    raise RuntimeError(f"gateway exited with {gateway.popen.returncode}")
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    waiting = list(client.get(f"{gateway.url}/readyz").json()["waiting_for"])
                if waiting and time.monotonic() > deadline:
                    names = ", ".join(waiting)
                    raise RuntimeError(f"the gateway has no routes after {timeout:.0f}s: {names}")
                if waiting:
                    time.sleep(0.5)

    def stop(self) -> None:
        """Each process group: SIGTERM, up to 10 s, then SIGKILL; and then SIGKILL to every
        group once more, for what a service started after its own SIGTERM (parking-payment
        spawning its payment simulators while it was still starting) and left behind when it
        exited: a group outlives its leader, and its id is not given to a new process while
        any member lives (an orphaned simulator was found after a stack failed to start)."""
        for process in reversed(self.processes):
            if process.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.popen.wait(remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
        for process in self.processes:  # what a service started and left behind it
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.popen.pid, signal.SIGKILL)
        if self.kafka is not None:
            self.kafka.close()  # persistent: stopped, its data kept for the next run
        if self.postgres is not None:
            self.postgres.stop()


def say(message: str) -> None:
    print(message, flush=True)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def service_port(preferred: int) -> int:
    """``preferred`` (8101, 8102, ... so the URLs stay the same between runs) when it is
    free, else any free port: a second stack on the machine must not answer for the first.
    ``SERVICE_PORTS=any``: always any free port (the e2e tests' stack, so that a `make run`
    starting beside it cannot take 8101... between its check and its bind)."""
    if os.environ.get("SERVICE_PORTS", "").strip().lower() == "any":
        return free_port()
    return preferred if _is_free(preferred) else free_port()


def mqtt_port() -> int:
    """The MQTT device transport's port: MQTT_PORT, else 1883 when free, else any free one
    (so a second stack, e.g. the end-to-end tests, does not collide with `make run`)."""
    wanted = os.environ.get("MQTT_PORT")
    if wanted:
        return int(wanted)
    return service_port(1883)


def simulator_wanted(setting: str, interactive: bool) -> bool:
    """SIMULATOR=on/off; unset: on in a terminal (a developer's `make run`), off when the
    output is piped (tests and scripts that count their own readings)."""
    value = setting.strip().lower()
    if value in ("on", "1", "true", "yes"):
        return True
    if value in ("off", "0", "false", "no"):
        return False
    return interactive


def build_frontends(root: Path, state_dir: Path) -> dict[str, Path]:
    """Each web front-end (the console, the residents' app), built first when its sources
    changed (CONSOLE=off: none). A failed build leaves the API running without that
    front-end and says where to look."""
    if os.environ.get("CONSOLE", "").strip().lower() in ("off", "0", "false", "no"):
        return {}
    built: dict[str, Path] = {}
    for name in FRONTENDS:
        log = state_dir / "logs" / f"{name}-build.log"
        try:
            built[name] = console_build(root, log=log, name=name)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            say(f"{name:<11} not built: {exc}")
            continue
        say(f"{name:<11} {built[name]}")
    return built


def service_env(
    info: ServiceInfo,
    bootstrap: str,
    database_url: str,
    idempotence: bool,
    jwks_url: str | None,
    mqtt: int,
    issuer: str | None = None,
) -> dict[str, str]:
    env = {
        "SERVICE_NAME": info.name,
        "ENVIRONMENT": "dev",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_ENABLE_IDEMPOTENCE": str(idempotence).lower(),
        "MQTT_EMBEDDED_PORT": str(mqtt),
    }
    if info.has_database:
        env["DATABASE_URL"] = url_for_database(database_url, info.package)
        env["DATABASE_AUTO_CREATE"] = "true"
    if jwks_url:
        env["JWKS_URL"] = jwks_url
    if issuer:
        # identity's OpenID issuer is this stack's gateway: a plain-http loopback URL, which
        # OAuth allows for development (RFC 8252 §7.3); production refuses anything but https
        env["JWT_ISSUER"] = issuer
    if info.name == "parking-payment":
        # a simulated EV pile on the OCPP central system; the demo registers it
        env["OCPP_DEMO_CHARGER"] = "CP-DEMO-01"
    if info.name == "identity":
        if issuer:
            env["PUBLIC_BASE_URL"] = issuer
        # demo tooling and the tests log in with the password grant (off in production)
        env["PASSWORD_GRANT_ENABLED"] = "true"  # noqa: S105 (a switch)
        # the demo admins have no second factor: they may sign in without one here only
        env["MFA_ENFORCE_REQUIRED_ROLES"] = os.environ.get("MFA_ENFORCE_REQUIRED_ROLES", "false")
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(
            os.environ.get("SC_STATE_DIR", Path.home() / ".local" / "state" / "smart-community")
        ),
    )
    parser.add_argument("--no-demo", action="store_true", help="do not load demo data")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="start, check, print, then stop (used by tests)",
    )
    args = parser.parse_args(argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    stack = Stack(args.state_dir, int(os.environ.get("GATEWAY_PORT", "8000")))

    stopping = {"flag": False}

    def _on_signal(signum: int, _frame: object) -> None:
        stopping["flag"] = True
        raise KeyboardInterrupt

    # both, explicitly: a shell starting this in the background without job control
    # hands it SIGINT ignored, and Python then never turns Ctrl-C into KeyboardInterrupt
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        return _run(stack, args, stopping)
    except KeyboardInterrupt:
        say("\nstopping ...")
        return 0
    finally:
        stack.stop()
        say("stopped: every process of the stack has exited")


def _run(stack: Stack, args: argparse.Namespace, stopping: dict[str, bool]) -> int:
    root = repo_root()
    services = discover_services(root)
    only = os.environ.get("SERVICES")  # e.g. SERVICES=identity,device-ingestion make run
    if only:
        wanted = {name.strip() for name in only.split(",")} | {"identity"}
        services = [s for s in services if s.name in wanted]
    frontends = build_frontends(root, stack.state_dir)
    bootstrap, database_url, idempotence = stack.start_infra()
    mqtt = mqtt_port()
    ports = {s.name: service_port(FIRST_SERVICE_PORT + i) for i, s in enumerate(services)}
    jwks_url = (
        f"http://127.0.0.1:{ports['identity']}/.well-known/jwks.json"
        if "identity" in ports
        else None
    )
    issuer = f"http://127.0.0.1:{stack.gateway_port}"
    for info in services:
        stack.spawn(
            info.name,
            info.package,
            ports[info.name],
            service_env(info, bootstrap, database_url, idempotence, jwks_url, mqtt, issuer),
        )
    gateway_env = {
        "SERVICE_NAME": "gateway",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_ENABLE_IDEMPOTENCE": str(idempotence).lower(),
        "UPSTREAMS": json.dumps({n: f"http://127.0.0.1:{p}" for n, p in ports.items()}),
        "JWT_ISSUER": issuer,
    }
    if jwks_url:
        gateway_env["JWKS_URL"] = jwks_url
    if "console" in frontends:
        gateway_env["CONSOLE_DIR"] = str(frontends["console"])
    if "resident" in frontends:
        gateway_env["APP_DIR"] = str(frontends["resident"])
    gateway = stack.spawn("gateway", "gateway", stack.gateway_port, gateway_env)
    health_timeout = float(os.environ.get("HEALTH_TIMEOUT_S", "600"))
    stack.wait_healthy(health_timeout)
    stack.wait_routes(gateway, health_timeout)
    if not args.no_demo:
        # identity first: other demos log in as its demo accounts through the gateway.
        for info in sorted(services, key=lambda s: s.name != "identity"):
            if info.has_demo:
                env = {
                    **os.environ,
                    **service_env(
                        info, bootstrap, database_url, idempotence, jwks_url, mqtt, issuer
                    ),
                    "GATEWAY_URL": gateway.url,
                }
                subprocess.run([sys.executable, "-m", f"{info.package}.demo"], env=env, check=True)
    fleet = None
    simulate = simulator_wanted(os.environ.get("SIMULATOR", ""), sys.stdout.isatty())
    if simulate and not args.no_demo and any(s.name == "device-ingestion" for s in services):
        # a small simulated fleet keeps reporting (device_ingestion.fleet)
        info = next(s for s in services if s.name == "device-ingestion")
        fleet_env = {
            **service_env(info, bootstrap, database_url, idempotence, jwks_url, mqtt, issuer),
            "GATEWAY_URL": gateway.url,
            "SC_STATE_DIR": str(stack.state_dir),
        }
        fleet = stack.spawn("simulator", "device_ingestion.fleet", free_port(), fleet_env)
    say("")
    say(f"ready       gateway  {gateway.url}   (API docs {gateway.url}/docs)")
    if "console" in frontends:
        say(
            f"            console  {gateway.url}/console/   big screen {gateway.url}/console/screen"
        )
    if "resident" in frontends:
        say(f"            app      {gateway.url}/app/   (residents' H5; phone-sized)")
        say(f"            mini-program  {mini_program_dir(root)}  (import into WeChat's tools)")
    for process in stack.processes:
        if process is fleet:
            say(f"            {'simulator':<16} a dozen devices reporting (SIMULATOR=off: none)")
        elif process is not gateway:
            say(f"            {process.name:<16} {process.url}")
    say(f"kafka       {bootstrap}  integrators: kcat -b {bootstrap} -C -t alarm.events.v1 -J")
    if any(s.name == "device-ingestion" for s in services):
        say(f"mqtt        127.0.0.1:{mqtt}  (devices: token as username, v1/devices/me/telemetry)")
    say(f"logs        {stack.state_dir / 'logs'}")
    say("Ctrl-C stops everything.")
    if args.exit_when_ready:
        return 0
    while not stopping["flag"]:
        for process in stack.processes:
            if process.popen.poll() is not None:
                say(f"{process.name} exited ({process.popen.returncode}); see {process.log_path}")
                return 1
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The platform as separate service processes on a 3-broker Apache Kafka cluster, with the
controls the reliability scenarios need: kill -9 a service, start it again (optionally with
a failpoint armed), stop and start the whole cluster or one broker.

Services are started the way `make run` starts them (sc_devstack's discovery and
environment), each on its own port, with idempotent ``acks=all`` producers.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sc_devinfra import free_port
from sc_devinfra.postgres import url_for_database
from sc_devinfra.waiting import eventually
from sc_devstack.discover import ServiceInfo, discover_services, repo_root
from sc_devstack.run import service_env

DEMO_PASSWORD = "demo-pass-2026"


@dataclass
class ServiceProcess:
    info: ServiceInfo
    port: int
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Platform:
    state_dir: Path
    bootstrap: str
    database_url: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    gateway: ServiceProcess | None = None

    # -- starting ---------------------------------------------------------------------
    def start(self, only: set[str] | None = None) -> Platform:
        infos = [i for i in discover_services(repo_root()) if only is None or i.name in only]
        ports = {i.name: free_port() for i in infos}
        jwks = f"http://127.0.0.1:{ports['identity']}/.well-known/jwks.json"
        for info in infos:
            env = service_env(info, self.bootstrap, self.database_url, True, jwks, free_port())
            env.update({"HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(ports[info.name])})
            if info.has_database:  # databases of this run only: a rerun starts clean
                env["DATABASE_URL"] = url_for_database(
                    self.database_url, f"rel_{self.run_id}_{info.package}"
                )
            env.update({"OUTBOX_POLL_INTERVAL_MS": "50", "DEMO_PASSWORD": DEMO_PASSWORD})
            self.services[info.name] = ServiceProcess(
                info, ports[info.name], env, self.state_dir / f"{info.name}.log"
            )
        gateway_port = free_port()
        self.gateway = ServiceProcess(
            ServiceInfo("gateway", "gateway", repo_root() / "gateway", False, False),
            gateway_port,
            {
                "SERVICE_NAME": "gateway",
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "UPSTREAMS": json.dumps({n: s.url for n, s in self.services.items()}),
                "JWKS_URL": jwks,
                "HTTP_HOST": "127.0.0.1",
                "HTTP_PORT": str(gateway_port),
                # the scenarios drive far more requests than one person would
                "RATE_PER_CALLER_PER_SECOND": "100000",
                "RATE_PER_CALLER_BURST": "100000",
                "RATE_PER_ADDRESS_PER_SECOND": "100000",
                "RATE_PER_ADDRESS_BURST": "100000",
            },
            self.state_dir / "gateway.log",
        )
        for process in [*self.services.values(), self.gateway]:
            self._spawn(process)
        for process in [*self.services.values(), self.gateway]:
            self.wait_healthy(process)
        if "identity" in self.services:
            identity = self.services["identity"]
            subprocess.run(
                [sys.executable, "-m", "identity.demo"],
                env={**os.environ, **identity.env},
                check=True,
                capture_output=True,
            )
        return self

    def _spawn(self, process: ServiceProcess, extra_env: dict[str, str] | None = None) -> None:
        env = {**os.environ, **process.env, **(extra_env or {})}
        for name in ("SC_FAILPOINTS",):
            if not extra_env or name not in extra_env:
                env.pop(name, None)
        with process.log_path.open("ab") as log:
            process.popen = subprocess.Popen(
                [sys.executable, "-m", process.info.package],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, process: ServiceProcess, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert process.popen is not None
                if process.popen.poll() is not None:
                    raise RuntimeError(
                        f"{process.info.name} exited with {process.popen.returncode}:\n"
                        + tail(process.log_path)
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{process.url}/healthz").status_code == 200:
                        return
                time.sleep(0.2)
        raise RuntimeError(
            f"{process.info.name} not healthy after {timeout}s\n" + tail(process.log_path)
        )

    # -- faults -------------------------------------------------------------------------
    def kill(self, name: str) -> None:
        """kill -9 the service: no shutdown hook runs, nothing is flushed."""
        process = self._process(name)
        assert process.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait(30)

    def restart(self, name: str, extra_env: dict[str, str] | None = None) -> None:
        process = self._process(name)
        assert process.popen is not None
        if process.popen.poll() is None:
            self.kill(name)
        self._spawn(process, extra_env)
        self.wait_healthy(process)

    def start_with(self, name: str, extra_env: dict[str, str]) -> None:
        """Start a stopped service with extra settings (e.g. an armed failpoint), no wait."""
        process = self._process(name)
        self._spawn(process, extra_env)

    def exit_code(self, name: str, timeout: float) -> int | None:
        process = self._process(name)
        assert process.popen is not None
        try:
            return process.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _process(self, name: str) -> ServiceProcess:
        if self.gateway is not None and name == "gateway":
            return self.gateway
        return self.services[name]

    def url(self, name: str) -> str:
        return self._process(name).url

    def stop(self) -> None:
        for process in [*self.services.values(), *([self.gateway] if self.gateway else [])]:
            if process.popen is not None and process.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        for process in [*self.services.values(), *([self.gateway] if self.gateway else [])]:
            if process.popen is None:
                continue
            try:
                process.popen.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()

    # -- reading a service the way its operators do ------------------------------------
    def metrics_text(self, name: str) -> str:
        return httpx.get(f"{self.url(name)}/metrics", timeout=5).text

    def metric(self, name: str, metric: str, **labels: str) -> float:
        """Sum of a Prometheus counter on the service's /metrics, over matching labels."""
        text = self.metrics_text(name)
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(metric + "{") and line.split(" ")[0] != metric:
                continue
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def login(self, username: str) -> dict[str, str]:
        response = httpx.post(
            f"{self.url('gateway')}/api/v1/auth/token",
            json={"username": username, "password": DEMO_PASSWORD},
            timeout=30,
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


async def wait_for(
    predicate: Callable[[], Awaitable[Any]], timeout: float, what: str, interval: float = 0.25
) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail naming ``what``."""
    return await eventually(predicate, timeout, interval, what=what)

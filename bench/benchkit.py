"""What every benchmark here needs: a free loopback port, a percentile, latency statistics,
one service started as its own process, and how much CPU a process and the whole machine
used (Linux /proc), so a figure stands beside its cost."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password
START_TIMEOUT_S = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def latency_stats(seconds: list[float]) -> dict[str, float]:
    """Count, p50, p99 and max of latencies given in seconds, in milliseconds."""
    if not seconds:
        return {"n": 0, "p50_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan")}
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "p50_ms": round(pct(ordered, 0.5) * 1000, 1),
        "p99_ms": round(pct(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


class ServiceProcess:
    """One service (``python -m <module>``) as its own process on a free port, its output in
    ``log``; ``cores``, when given, pins it to those CPUs (the ones being measured);
    ``args`` follow the module (``python -m device_ingestion transport``)."""

    START_TIMEOUT_S = 180.0

    def __init__(
        self,
        module: str,
        env: dict[str, str],
        log: Path,
        *,
        cores: set[int] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.module = module
        self.port = free_port()
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env={**os.environ, **env, "HTTP_PORT": str(self.port)},
            stdout=self.log,
            stderr=self.log,
        )
        if cores:
            os.sched_setaffinity(self.proc.pid, cores)
        self.url = f"http://127.0.0.1:{self.port}"

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + self.START_TIMEOUT_S
        async with httpx.AsyncClient(base_url=self.url) as client:
            while time.monotonic() < deadline:
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.module} exited; see {self.log.name}")
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.module} did not become ready; see {self.log.name}")

    async def metrics_text(self) -> str:
        async with httpx.AsyncClient(base_url=self.url) as client:
            return (await client.get("/metrics")).text

    def cpu_seconds(self) -> float:
        """CPU time the service process has used (user + system), from /proc."""
        try:
            return process_cpu_s(self.proc.pid)
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def rss_mib(pid: int) -> float:
    """Resident set size of a process (VmRSS), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pin_measured() -> tuple[int | None, set[int], str]:
    """Keep the last core for the load generator: this thread (and every process it starts
    from now on) goes to the others. Returns (the generator's core or None, the measured
    cores, a description); the caller moves its own thread to the generator's core once
    what it measures has started."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, set(cores), "not pinned: one core"
    measured = set(cores[:-1])
    os.sched_setaffinity(0, measured)
    return cores[-1], measured, f"load generator on core {cores[-1]}, measured on {cores[:-1]}"


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def children(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children ...)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def process_name(pid: int) -> str:
    """A short name for a process of the stack: the service (``python -m <name>``),
    ``postgresql`` (server and backends), the broker (``tansu``, ``kafka``), or the
    command's first word."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in args if a]
    if any("multiprocessing" in w for w in words):  # a worker of HTTP_WORKERS > 1: its service
        try:
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return "?"
        return process_name(ppid)
    if "-m" in words and words.index("-m") + 1 < len(words):
        return words[words.index("-m") + 1].replace("_", "-")
    if not words:
        return "?"
    if words[0].startswith("postgres:"):  # a backend or helper, named by its title
        return "postgresql"
    command = Path(words[0]).name
    if command == "postgres":
        return "postgresql"
    if command == "java" and any(w.startswith("kafka.") for w in words):
        return "kafka"
    return command


def stack_processes(root: int) -> dict[str, list[int]]:
    """The processes below ``root`` grouped by :func:`process_name`."""
    groups: dict[str, list[int]] = {}
    for pid in children(root):
        groups.setdefault(process_name(pid), []).append(pid)
    return groups


def cpu_of(pids: list[int]) -> float:
    """CPU seconds the processes have used so far (those that ended count 0)."""
    total = 0.0
    for pid in pids:
        try:
            total += process_cpu_s(pid)
        except (OSError, IndexError):
            continue
    return total


def memory_mib(pids: list[int]) -> float:
    """Proportional set size (shared pages split between their users), MiB."""
    total_kib = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total_kib += int(line.split()[1])
                break
    return total_kib / 1024


def ensure_tool(command: str, package: str | None = None) -> str:
    """The path of ``command``, installed with apt-get (Debian's package) when missing."""
    import shutil
    import subprocess

    found = shutil.which(command)
    if found:
        return found
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
    print(f"{command} is missing: apt-get install {package or command}", flush=True)
    for step in (["install", "-y", "-q", package or command], ["update", "-q"]):
        subprocess.run([*apt, *step], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which(command)
        if found:
            return found
    subprocess.run([*apt, "install", "-y", "-q", package or command], check=False)
    found = shutil.which(command)
    if not found:
        raise SystemExit(f"{command} could not be installed (apt-get install {package or command})")
    return found


def wrk(url: str, *, seconds: float, concurrency: int, headers: dict[str, str]) -> dict[str, float]:
    """Load ``url`` with wrk (C, one thread, keep-alive connections) for ``seconds`` from
    ``concurrency`` connections: requests/s, p50/p99 ms, answers that were not 2xx/3xx.
    A C load generator takes a small share of the cores it measures (issue 28)."""
    import re
    import subprocess

    args = [
        ensure_tool("wrk"),
        "-t",
        "1",
        "-c",
        str(concurrency),
        "-d",
        f"{max(1, round(seconds))}s",
    ]
    args += ["--latency", "--timeout", "30s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(q: str) -> float:
        found = re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return round(float(found.group(1)) * scale[found.group(2)], 2) if found else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": round(float(rate.group(1))) if rate else 0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "requests": int(total.group(1)) if total else 0,
        "not_ok": int(bad.group(1)) if bad else 0,
        **({"socket_errors": errors.group(1)} if errors else {}),
    }


@dataclass
class Stack:
    proc: subprocess.Popen[str]
    gateway: str
    urls: dict[str, str]
    lines: list[str]


def start_stack(
    services: str = "identity,work-orders",
    state_dir: str | None = None,
    *run_args: str,
    **extra_env: str,
) -> Stack:
    """The platform as `make run` starts it (``services``: "" for all), on free ports;
    ``state_dir`` (a fresh temporary one by default) holds its databases and logs,
    ``run_args`` go to sc_devstack.run (``--no-demo``), and ``extra_env`` is given to every
    process (``HTTP_WORKERS="2"``)."""
    port = free_port()
    env = {
        **os.environ,
        "SERVICES": services,
        "SIMULATOR": "off",
        "GATEWAY_PORT": str(port),
        "SC_STATE_DIR": state_dir or tempfile.mkdtemp(prefix="sc-bench-gw-"),
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "MQTT_PORT": str(free_port()),
        # a benchmark sends far more than one person may
        "RATE_PER_CALLER_PER_SECOND": "1000000",
        "RATE_PER_CALLER_BURST": "1000000",
        "RATE_PER_ADDRESS_PER_SECOND": "1000000",
        "RATE_PER_ADDRESS_BURST": "1000000",
    } | extra_env
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    # make run's own launcher, with more time to come up: on a 2-core machine shared with
    # other work, seven services importing and migrating at once took longer than its 90 s
    launcher = (
        "import sys, sc_devstack.run as run; "
        "run.Stack.wait_healthy.__defaults__ = (float(sys.argv[1]),); "
        "sys.exit(run.main(sys.argv[2:]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, str(START_TIMEOUT_S), *run_args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    urls: dict[str, str] = {}
    deadline = time.monotonic() + START_TIMEOUT_S + 120
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.match(r"^(?:ready)?\s+(\S+)\s+(http://\S+)", line)
        if found:
            urls[found.group(1)] = found.group(2)
        if line.startswith("Ctrl-C stops everything"):
            return Stack(proc, f"http://127.0.0.1:{port}", urls, lines)
    proc.kill()
    raise SystemExit("the stack did not start:\n" + "".join(lines[-40:]))


def stop_stack(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()

"""The whole platform, started once per test run the way `make run` starts it, driven
only through the gateway, as an app would."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DEMO_PASSWORD = "demo-pass-2026"
_STACK: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # whichever test comes first also waits for the whole stack and its demo data to start
    # (minutes on a busy 2-core machine): pytest-timeout's 300 s counts setup too
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(900))


# Where a stack started by the xdist controller (below) tells its workers where it is.
_SHARED = ("SC_E2E_GATEWAY_URL", "SC_E2E_STATE_DIR", "SC_E2E_BOOTSTRAP")


def _start_stack() -> tuple[subprocess.Popen[str], str]:
    """The platform as `make run` starts it, with its own broker and PostgreSQL; returns
    the process and the gateway's URL once the stack says it is ready (else fails, the
    stack stopped)."""
    port = _free_port()
    state = tempfile.mkdtemp(prefix="sc-e2e-")
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "SC_STATE_DIR": state,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "MQTT_PORT": str(_free_port()),
        "SERVICE_PORTS": "any",  # never 8101...: another stack on the machine may be starting
        # no simulated fleet: the energy scenario's totals must be its own readings only
        "SIMULATOR": "off",
        # gov-affairs' population sweep checks the day that ended once per community: every
        # 20 s (not 10 min) a community a test creates is swept soon after (test_e2e_gov_console)
        "POPULATION_SWEEP_INTERVAL_S": "20",
        # care's lone-elder watch scans every 20 s (not 5 min): a silent meter's check-on
        # visit is opened soon after the test sends its readings (test_e2e_care_console
        # waited up to 5 min for the next scan: 22-291 s)
        "WATCH_SCAN_INTERVAL_S": "20",
        # every test calls from 127.0.0.1 and many as the same demo accounts: two workers
        # (the role matrix's seven threads among them) must not share one address's budget
        # (the gateway's own tests and test_e2e_client_address prove the limits)
        "RATE_PER_ADDRESS_PER_SECOND": "2000",
        "RATE_PER_ADDRESS_BURST": "4000",
        "RATE_PER_CALLER_PER_SECOND": "1000",
        "RATE_PER_CALLER_BURST": "2000",
    }
    # its own broker and PostgreSQL, as `make run` on a fresh machine
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    for name in _SHARED:
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sc_devstack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: _stop reaches every child
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        # no clock of its own: the stack bounds its own start (HEALTH_TIMEOUT_S) and ends
        # its output when it gives up; the tests' timeout (or, with workers, the stage's
        # bound) covers one that hangs silently, and the stack is stopped then too
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C stops everything"):
                break
        if proc.poll() is not None or not lines or not lines[-1].startswith("Ctrl-C"):
            raise RuntimeError("the platform did not start:\n" + "".join(lines[-60:]))
    except BaseException:
        _stop(proc)
        raise
    _STACK["state_dir"] = state
    for line in lines:  # integrators subscribe to the stack's own broker
        found = re.match(r"^broker\s+(\S+)", line)
        if found:
            _STACK["bootstrap"] = found.group(1)
    return proc, f"http://127.0.0.1:{port}"


_OWNED = pytest.StashKey[subprocess.Popen[str]]()


def _is_controller(config: pytest.Config) -> bool:
    """The xdist controller of a run with workers (``-n 2``): it collects nothing itself."""
    workers = getattr(config.option, "numprocesses", None)
    return bool(workers) and not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    """With workers, the controller starts one stack before they start, and they share it
    (they inherit its address through the environment): each test makes its own
    community, accounts and data, so two files can run side by side. Without workers
    the session fixture below starts it, on the first test that needs it."""
    config.addinivalue_line(
        "markers",
        "exclusive(name): never at the same time as another test marked with the same name "
        "(tests that write and then total the demo community's shared data)",
    )
    if not _is_controller(config) or config.option.collectonly:
        return
    if os.environ.get("SC_E2E_GATEWAY_URL"):
        return  # a stack someone started and shares already
    try:
        proc, url = _start_stack()
    except RuntimeError as failure:
        pytest.exit(str(failure), returncode=1)
    config.stash[_OWNED] = proc
    os.environ["SC_E2E_GATEWAY_URL"] = url
    os.environ["SC_E2E_STATE_DIR"] = _STACK["state_dir"]
    os.environ["SC_E2E_BOOTSTRAP"] = _STACK.get("bootstrap", "")


def pytest_unconfigure(config: pytest.Config) -> None:
    proc = config.stash.get(_OWNED, None)
    if proc is not None:
        _stop(proc)
        for name in _SHARED:
            os.environ.pop(name, None)


@pytest.fixture(scope="session")
def gateway_url() -> Iterator[str]:
    shared = os.environ.get("SC_E2E_GATEWAY_URL")
    if shared:  # started by the controller for every worker (or by hand)
        _STACK["state_dir"] = os.environ.get("SC_E2E_STATE_DIR", "")
        if os.environ.get("SC_E2E_BOOTSTRAP"):
            _STACK["bootstrap"] = os.environ["SC_E2E_BOOTSTRAP"]
        yield shared
        return
    try:
        proc, url = _start_stack()
    except RuntimeError as failure:
        pytest.fail(str(failure))
    try:
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[str]) -> None:
    """Ctrl-C to the stack (it stops its services, broker and database), then, if it has
    not ended within a minute, SIGKILL to its whole process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.fixture(scope="session")
def login(gateway_url: str):  # type: ignore[no-untyped-def]
    """Each demo account's bearer header, signed in once and again once half of the token's
    lifetime (``expires_in``) has passed: a run of the whole e2e stage outlasts a token, and
    a test holds the header it was given for its own few minutes."""
    tokens: dict[str, tuple[str, float]] = {}

    def _login(username: str) -> dict[str, str]:
        token, renew_at = tokens.get(username, ("", 0.0))
        if time.monotonic() >= renew_at:
            response = httpx.post(
                f"{gateway_url}/api/v1/auth/token",
                timeout=30,
                json={"username": username, "password": DEMO_PASSWORD},
            )
            assert response.status_code == 200, response.text
            answer = response.json()
            token = answer["access_token"]
            tokens[username] = (token, time.monotonic() + float(answer["expires_in"]) / 2)
        return {"Authorization": f"Bearer {token}"}

    return _login


@pytest.fixture(scope="session")
def broker_bootstrap(gateway_url: str) -> str:
    """The Kafka bootstrap of the running stack, as an integrator is given it."""
    assert "bootstrap" in _STACK, "the stack did not say where its broker is"
    return _STACK["bootstrap"]


@pytest.fixture(autouse=True)
def _exclusive(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked ``exclusive(name)`` holds a lock of that name (a file beside the
    shared stack's state) for its whole run: two workers never run two such tests at once.
    The energy test totals the demo households' water use around its own readings; the
    care test's silent meter writes water readings into a demo household too."""
    names = sorted({str(m.args[0]) for m in request.node.iter_markers("exclusive")})
    if not names:
        yield
        return
    locks = Path(request.getfixturevalue("state_dir")) / "e2e-locks"
    locks.mkdir(exist_ok=True)
    with contextlib.ExitStack() as held:
        for name in names:  # always in the same order: two tests never wait on each other
            handle = held.enter_context(open(locks / name, "a"))
            fcntl.flock(handle, fcntl.LOCK_EX)  # waits while the other worker's test runs
            held.callback(fcntl.flock, handle, fcntl.LOCK_UN)
        yield


# The browser tests (the console's and the residents' app's) drive one browser, Debian's
# Chromium (playwright install cannot download browsers here).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots (gitignored)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLOW = 30_000  # ms: generous bounds for a loaded 2-core machine
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _ensure_chromium() -> None:
    """Debian's Chromium and a Chinese font for the screenshots (the assertions read text,
    not pixels)."""
    packages = (("chromium", CHROMIUM), ("fonts-wqy-microhei", CJK_FONT))
    if all(path.exists() for _, path in packages):
        return
    # one worker installs while the others wait, then finds them there: two workers' apt-get
    # at once on a fresh machine failed one on dpkg's lock (a whole browser module in error)
    with open(Path(tempfile.gettempdir()) / "sc-e2e-apt.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = [pkg for pkg, path in packages if not path.exists()]
        if not missing:
            return
        apt = shutil.which("apt-get")
        if apt is None:
            pytest.fail(f"{', '.join(missing)} missing and there is no apt-get to install them")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        # and waits for dpkg's lock if anything else on the machine holds it
        wait = ["-o", "DPkg::Lock::Timeout=600"]
        if subprocess.run([apt, *wait, "install", "-y", "-q", *missing], env=env).returncode:
            subprocess.run([apt, *wait, "update", "-q"], env=env, check=True)
            subprocess.run([apt, *wait, "install", "-y", "-q", *missing], env=env, check=True)


@pytest.fixture(scope="module")  # per module: no Playwright loop left over for other tests
def browser() -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    _ensure_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=SLOW)  # every expectation waits this long, not Playwright's 5 s
    with sync_playwright() as p:
        p.selectors.set_test_id_attribute("data-test")
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def state_dir(gateway_url: str) -> str:
    """Where the stack keeps its state (the local payment simulators say where they are)."""
    return _STACK["state_dir"]

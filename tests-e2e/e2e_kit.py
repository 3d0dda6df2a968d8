"""What the end-to-end scenarios share: waiting for an outcome, a Server-Sent Events
reader (as an app's EventSource), registering a device where a person lives, a fuzzer's
own sign-in, and the fuzz of the merged OpenAPI itself (no 5xx; a household's member
reads no other household); a checked answer, a demo account's bearer header and an
Element Plus select, as the console scenarios use them."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import schemathesis
from conftest import DEMO_PASSWORD
from hypothesis import HealthCheck, given, seed, settings

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

T = TypeVar("T")


def wait_until(probe: Callable[[], T | None], timeout: float, what: str) -> T:
    """Call ``probe`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class FuzzSession:
    """A demo account's own sign-in for a fuzz of the merged OpenAPI, never the tests'
    shared tokens: the fuzz calls ``POST /api/v1/auth/logout`` too, which ends the sign-in
    it is made with, at every verifier (ADR 0028). Signed in again when a token is revoked
    (the fuzz signed itself out) and well before one runs out (they live 15 min)."""

    RELOGIN_S = 600.0

    def __init__(self, gateway_url: str, username: str, password: str) -> None:
        self.gateway_url, self.username, self.password = gateway_url, username, password
        self.at, self.header = 0.0, {}

    def headers(self) -> dict[str, str]:
        if not self.header or time.monotonic() - self.at > self.RELOGIN_S:
            r = httpx.post(
                f"{self.gateway_url}/api/v1/auth/token",
                json={"username": self.username, "password": self.password},
                timeout=60,
            )
            assert r.status_code == 200, r.text
            self.header = {"Authorization": f"Bearer {r.json()['access_token']}"}
            self.at = time.monotonic()
        return self.header

    def call(self, case: Any) -> Any:
        """``case`` called with this sign-in; once more with a new one if the fuzz had
        signed itself out (a 401 ``auth.token_revoked``: logout worked, as it should), and
        once more after the wait it names if the gateway said the stack was busy
        (:func:`gateway_busy`). A second busy answer, and any other 5xx, is the answer."""
        response = case.call(base_url=self.gateway_url, headers=self.headers())
        if response.status_code == 401 and "auth.token_revoked" in response.text:
            self.header = {}
            response = case.call(base_url=self.gateway_url, headers=self.headers())
        wait = gateway_busy(response)
        if wait is not None:
            time.sleep(wait)
            response = case.call(base_url=self.gateway_url, headers=self.headers())
        return response


BUSY_WAIT_MAX_S = 15.0


def _header(response: Any, name: str) -> str:
    value = response.headers.get(name) or response.headers.get(name.lower()) or ""
    return str(value[0] if isinstance(value, list) and value else value or "")


def gateway_busy(response: Any) -> float | None:
    """How long to wait before asking again, when ``response`` is the gateway saying the
    stack is busy rather than the route failing: a 503 with ``Retry-After`` (its own
    ``gateway.busy``, an upstream's open circuit) or its own 504 ``upstream.timeout``
    under load. ``None`` for every other answer: a 500, 502, or a 503/504 without those
    marks is a server error of the route."""
    if response.status_code not in (503, 504):
        return None
    retry_after = _header(response, "Retry-After")
    if not retry_after:
        try:
            answer = response.json()
        except ValueError:
            return None
        code = answer.get("code") if isinstance(answer, dict) else None
        if response.status_code == 504 and code == "upstream.timeout":
            return 1.0
        return None
    try:
        return min(max(float(retry_after), 0.0), BUSY_WAIT_MAX_S)
    except ValueError:
        return 1.0


HOUSEHOLD_ROLES = ("resident", "family", "tenant")


def households_in(value: Any) -> Iterator[str]:
    """Every household id an answer names (``household_id``, ``household_ids``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "household_id" and isinstance(item, str):
                yield item
            elif key == "household_ids" and isinstance(item, list):
                yield from (h for h in item if isinstance(h, str))
            else:
                yield from households_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from households_in(item)


def every_household(gateway_url: str, admin: dict[str, str]) -> set[str]:
    """The id of every household there is, as the platform admin lists them."""
    found: set[str] = set()
    offset: int | None = 0
    while offset is not None:
        r = httpx.get(
            f"{gateway_url}/api/v1/households",
            headers=admin,
            params={"limit": 100, "offset": offset},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        found |= {h["id"] for h in r.json()["items"]}
        offset = r.json()["next_offset"]
    return found


def content_type(response: Any) -> str:
    """A schemathesis answer's Content-Type (its headers hold a list per name)."""
    return _header(response, "Content-Type")


def fuzz(gateway_url: str, username: str, password: str, examples: int) -> list[str]:
    """Schemathesis over the gateway's merged OpenAPI, ``examples`` generated inputs per
    operation as the demo account ``username`` (its own sign-in): what went wrong, one line
    each. Never a server error; a household's member (resident, family, tenant) is never
    answered with another household that exists (``household_id``, ``household_ids``).

    The inputs come from one seed, printed and named in the failures: ``SC_FUZZ_SEED=<n>``
    generates the same inputs again (the stack's data may still differ between runs)."""
    fuzz_seed = int(os.environ.get("SC_FUZZ_SEED") or random.randrange(2**32))
    print(f"fuzz as {username}: seed {fuzz_seed} (SC_FUZZ_SEED={fuzz_seed} replays it)")
    session = FuzzSession(gateway_url, username, password)
    others: set[str] = set()
    if username in HOUSEHOLD_ROLES:
        me = httpx.get(f"{gateway_url}/api/v1/me", headers=session.headers(), timeout=60)
        assert me.status_code == 200, me.text
        mine = {h["household_id"] for h in me.json()["households"]}
        assert mine, f"the demo {username} lives somewhere"
        admin = FuzzSession(gateway_url, "platform_admin", password).headers()
        others = every_household(gateway_url, admin) - mine
        assert others, "the demo has households other than the fuzzer's"
    schema = schemathesis.openapi.from_url(f"{gateway_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, "the gateway merged the services' documents"
    failures: list[str] = []
    for operation in operations:

        @seed(fuzz_seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = session.call(case)
            said = f"{username}: {case.method} {case.formatted_path} -> {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{said}: {response.text[:200]}")
            elif (
                others
                and case.method == "GET"
                and response.status_code == 200
                and content_type(response).startswith("application/json")
            ):
                answer = response.json()
                named = set(households_in(answer))
                if case.path == "/api/v1/households":  # the households themselves
                    named |= {h.get("id") for h in answer.get("items", [])}
                if named & others:
                    failures.append(f"{said} names households {sorted(named & others)}")

        call()
    if failures:
        failures.insert(0, f"replay the inputs with SC_FUZZ_SEED={fuzz_seed}")
    return failures


@dataclass
class Stream:
    """``GET /api/v1/stream`` read in a thread; ``events`` holds (event, data, seen_at)."""

    url: str
    headers: dict[str, str]
    events: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    ready: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Stream:
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        if not self.ready.wait(30):
            raise AssertionError("the stream did not open")
        return self

    def _read(self) -> None:
        headers = {**self.headers, "Accept": "text/event-stream"}
        timeout = httpx.Timeout(10, read=60)
        with httpx.stream(
            "GET", f"{self.url}/api/v1/stream", headers=headers, timeout=timeout
        ) as r:
            assert r.status_code == 200, r.read()
            name, data = "message", ""
            for line in r.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif line == "" and data:
                    self.events.append((name, json.loads(data), time.monotonic()))
                    if name == "ready":
                        self.ready.set()
                    name, data = "message", ""

    def find(self, event: str, **match: Any) -> tuple[dict[str, Any], float] | None:
        for name, data, seen in list(self.events):
            if name == event and all(data.get(k) == v for k, v in match.items()):
                return data, seen
        return None

    def stop(self) -> None:
        self._stop.set()


def me(api: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    r = api.get("/api/v1/me", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def home_of(api: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    """The household (and its place) of a resident, tenant or family member."""
    households = me(api, headers)["households"]
    assert households
    return dict(households[0])


def register_device(
    api: httpx.Client,
    admin: dict[str, str],
    name: str,
    device_type: str,
    home: dict[str, Any],
    **extra: Any,
) -> tuple[str, str]:
    """A device in ``home``'s room; returns (device id, access token)."""
    r = api.post(
        "/api/v1/devices",
        headers=admin,
        json={
            "name": name,
            "device_type": device_type,
            "community_id": home["community_id"],
            "building_id": home["building_id"],
            "unit_id": home["unit_id"],
            "room_id": home["room_id"],
            "household_id": home["household_id"],
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["access_token"]


def ok(r: httpx.Response, status: int = 201) -> dict[str, Any]:
    """The answer's JSON once its status is the one expected (else the problem's text)."""
    assert r.status_code == status, r.text
    return dict(r.json())


def token(api: httpx.Client, username: str) -> dict[str, str]:
    """A fresh bearer header for an account of the demo password (one a test made)."""
    body = ok(
        api.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}),
        200,
    )
    return {"Authorization": f"Bearer {body['access_token']}"}


def pick(page: Page, select: Locator, option: str) -> None:
    """Choose ``option`` in an Element Plus select (its list opens at the page's end)."""
    select.click()
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()

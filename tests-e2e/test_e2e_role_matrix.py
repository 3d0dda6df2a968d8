"""The role × route matrix over the gateway's merged OpenAPI (issue 30): every operation of
every service, called without a token and as every demo account, through the gateway of the
stack ``make run`` starts.

- Every operation has a declared rule in ``route_rules.txt`` (public, signed_in, action,
  public_action);
  a new operation without one, or a rule naming no operation, fails the test, and the
  document's own ``security`` must say the same.
- Without a token, everything not public is 401 problem+json, from the gateway.
- No caller ever gets a 5xx.
- resident, family and tenant read, in every list and object they are given, no household
  but their own.

The requests change nothing: a path's id is one no object has, a body is ``[]`` (never
what an operation takes), so a caller the route admits meets 404 or 422 and one it refuses
401 or 403. Operations that act with no input at all (rule ``action``) are called without
a token only (``public_action``: anyone may, signing out by a refresh token). Each account
signs in on its own (never the shared tokens of other tests).

CI (``make test``) calls every operation anonymously and as the roles of ``CI_ROLES``
(the household roles, staff, the platform admin: 1,917 calls, 109 s here at a load of 30);
``make test-security`` (``SC_SECURITY_FUZZ=1``) as every demo account (5,426 calls, 454 s).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD

RULES = Path(__file__).with_name("route_rules.txt")
ROLES = (
    "resident",
    "tenant",
    "visitor",
    "family",
    "property_staff",
    "property_manager",
    "grid_worker",
    "community_admin",
    "gov_officer",
    "police",
    "doctor",
    "caregiver",
    "merchant",
    "volunteer",
    "platform_admin",
    "auditor",
)
HOUSEHOLD_ROLES = ("resident", "family", "tenant")
# answers that show other households to residents by design, and why
SHARED = {
    # housing listings (6.4 b): a published flat for rent or sale is read by the community's
    # residents; it names the owner's household (issue 30 review: worth asking whether it must)
    "/api/v1/commerce/listings",
}
CI_ROLES = (*HOUSEHOLD_ROLES, "property_staff", "platform_admin")
FULL = os.environ.get("SC_SECURITY_FUZZ") == "1"
METHODS = ("get", "post", "put", "patch", "delete")
UNKNOWN = str(uuid.UUID(int=0x5EC0_0030))  # an id no object has
WORKERS = 6
BUSY_RETRIES = 5


def declared_rules() -> dict[tuple[str, str], str]:
    rules: dict[tuple[str, str], str] = {}
    for line in RULES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            method, path, rule = line.split()
            assert rule in {"public", "signed_in", "action", "public_action"}, line
            assert (method, path) not in rules, f"declared twice: {line}"
            rules[(method, path)] = rule
    return rules


def sample(schema: dict[str, Any], name: str) -> str:
    """A value of a parameter's type that names nothing that exists."""
    options = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
    for option in options:
        if "enum" in option:
            return str(option["enum"][0])
    for option in options:
        kind, fmt = option.get("type"), option.get("format")
        if kind == "integer":
            return str(max(int(option.get("minimum", 1)), 1))
        if kind == "number":
            return "1"
        if kind == "boolean":
            return "false"
        if fmt == "date-time":
            return datetime.now(UTC).isoformat()
        if fmt == "date":
            return date.today().isoformat()
        if kind == "array":
            return sample(option.get("items", {}), name)
    return UNKNOWN


def request_of(path: str, op: dict[str, Any]) -> tuple[str, dict[str, str], bool]:
    """The path with its parameters filled, the required query parameters, and whether a
    body (``[]``) is sent."""
    query: dict[str, str] = {}
    for param in op.get("parameters", []):
        value = sample(param.get("schema", {}), param["name"])
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", value)
        elif param["in"] == "query" and param.get("required"):
            query[param["name"]] = value
    return path, query, "requestBody" in op


class Caller:
    """One demo account's own sign-in (signed in again if a token is refused as revoked)."""

    def __init__(self, client: httpx.Client, username: str | None) -> None:
        self.client, self.username = client, username
        self.header: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        if self.username is not None and not self.header:
            r = self.send(
                "POST",
                "/api/v1/auth/token",
                json={"username": self.username, "password": DEMO_PASSWORD},
            )
            assert r.status_code == 200, r.text
            self.header = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self.header

    def call(self, method: str, path: str, query: dict[str, str], body: bool) -> httpx.Response:
        while True:
            response = self.send(
                method,
                path,
                params=query,
                headers={"Accept": "application/json", **self.headers()},
                **({"json": []} if body else {}),
            )
            if response.status_code == 401 and "auth.token_revoked" in response.text:
                self.header = {}
                continue
            return response

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, asked again (as a client would) while the gateway answers that it
        or the service is busy: its rate limit (429), a full pool or an upstream that did
        not answer in time on a loaded machine (503/504 ``gateway.*``/``upstream.*``, a
        few times). What the service itself answers is returned as it is."""
        for attempt in range(BUSY_RETRIES + 1):
            response = self.client.request(method, path, **kwargs)
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            if not busy(response) or attempt == BUSY_RETRIES:
                return response
            time.sleep(1.0 + attempt)
        return response


def anonymous_allowed(op: dict[str, Any]) -> bool:
    """The document's word: no security requirement, or an empty one among them."""
    security = op.get("security")
    return security is not None and (security == [] or {} in security)


def busy(response: httpx.Response) -> bool:
    """The gateway's own answer that it or an upstream is busy (not the service's)."""
    if response.status_code not in (503, 504):
        return False
    try:
        code = str(response.json().get("code", ""))
    except ValueError:
        return False
    return code.startswith(("gateway.", "upstream."))


def refused(response: httpx.Response) -> bool:
    """401 problem+json: what a caller without a token is told."""
    kind = response.headers.get("content-type", "")
    return response.status_code == 401 and kind.startswith("application/problem+json")


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


@pytest.mark.timeout(1800)
def test_every_operation_as_every_role(gateway_url: str) -> None:
    document = httpx.get(f"{gateway_url}/openapi.json", timeout=60).json()
    operations = {
        (method.upper(), path): op
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }
    rules = declared_rules()
    missing = [
        f"{m} {p} {'public' if anonymous_allowed(operations[(m, p)]) else 'signed_in'}"
        for m, p in sorted(set(operations) - set(rules))
    ]
    assert missing == [], f"operations without a rule: add to {RULES.name} (and check them)"
    assert sorted(set(rules) - set(operations)) == [], "rules naming no operation"
    drift = [
        f"{m} {p}: declared {rule}, the document says {operations[(m, p)].get('security')}"
        for (m, p), rule in rules.items()
        if rule.startswith("public") != anonymous_allowed(operations[(m, p)])
    ]
    assert drift == [], "\n".join(drift)

    wrong: list[str] = []
    leaks: list[str] = []
    with httpx.Client(base_url=gateway_url, timeout=120) as client:
        homes: dict[str, set[str]] = {}
        for role in HOUSEHOLD_ROLES:
            me = Caller(client, role)
            answer = me.client.get("/api/v1/me", headers=me.headers()).json()
            homes[role] = {h["household_id"] for h in answer["households"]}
            assert homes[role], f"the demo {role} lives somewhere"
        assert homes["resident"] == homes["family"] != homes["tenant"]

        def run(username: str | None) -> int:
            calls = 0
            with httpx.Client(base_url=gateway_url, timeout=120) as own:
                calls = matrix_row(Caller(own, username))
            return calls

        def matrix_row(caller: Caller) -> int:
            username = caller.username
            calls = 0
            for (method, template), op in operations.items():
                rule = rules[(method, template)]
                if username is not None and rule.endswith("action"):
                    continue
                path, query, body = request_of(template, op)
                response = caller.call(method, path, query, body)
                calls += 1
                status = response.status_code
                said = f"{method} {template} as {username or 'anonymous'}: {status}"
                if status >= 500:
                    wrong.append(f"{said} {response.text[:200]}")
                elif username is None and not rule.startswith("public") and not refused(response):
                    wrong.append(f"{said} (expected 401 problem+json)")
                if (
                    username in HOUSEHOLD_ROLES
                    and method == "GET"
                    and template not in SHARED
                    and status == 200
                    and response.headers.get("content-type", "").startswith("application/json")
                ):
                    answer = response.json()
                    named = set(households_in(answer))
                    if template == "/api/v1/households":  # the households themselves
                        named |= {h["id"] for h in answer["items"]}
                    others = named - homes[username]
                    if others:
                        leaks.append(f"{said} names households {sorted(others)}")
            return calls

        started = time.monotonic()
        with ThreadPoolExecutor(WORKERS) as pool:
            calls = sum(pool.map(run, [None, *(ROLES if FULL else CI_ROLES)]))
        print(f"role matrix: {calls} calls in {time.monotonic() - started:.0f} s")
    assert wrong == [], "\n" + "\n".join(sorted(wrong))
    assert leaks == [], "\n" + "\n".join(sorted(leaks))

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
  but their own; the integrator's service account (a data exchange on the community,
  granted no household's data: grade PUBLIC) reads none at all.

The requests change nothing: a path's id is one no object has, a body is ``[]`` (never
what an operation takes), so a caller the route admits meets 404 or 422 and one it refuses
401 or 403. Operations that act with no input at all (rule ``action``) are called without
a token only (``public_action``: anyone may, signing out by a refresh token). Each account
signs in on its own (never the shared tokens of other tests).

CI (``make test``) calls every operation anonymously, as the roles of ``CI_ROLES`` (the
household roles, staff, the platform admin) and as an integrator's service account (1,917
calls and 109 s here at a load of 30 before the integrator was added);
``make test-security`` (``SC_SECURITY_FUZZ=1``) as every demo account and the integrator
(5,426 calls, 454 s, likewise before).
"""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD

from e2e_kit import HOUSEHOLD_ROLES, households_in

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
# answers that show other households to residents by design, and why (none: a housing
# listing names its owner's household only to that household and the community's staff)
SHARED: frozenset[str] = frozenset()
CI_ROLES = (*HOUSEHOLD_ROLES, "property_staff", "platform_admin")
# a service account (an integrator's client: client credentials, the role ``integrator`` on
# the demo community, as the demo's own): created by the platform admin for the run, since
# the demo's client secret is random and only printed
INTEGRATOR = "integrator"
FULL = os.environ.get("SC_SECURITY_FUZZ") == "1"
METHODS = ("get", "post", "put", "patch", "delete")
UNKNOWN = str(uuid.UUID(int=0x5EC0_0030))  # an id no object has
INT4_MAX = 2**31 - 1  # an integer id no serial table reaches here
WORKERS = 7
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
            # the largest the schema allows, within PostgreSQL's integer: serial ids start
            # at 1, so 1 named the first row of a table (the demo resident's live charge,
            # transaction 1, was stopped by this test as the resident)
            return str(min(int(option.get("maximum", INT4_MAX)), INT4_MAX))
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
    """One demo account's own sign-in (signed in again if a token is refused as revoked);
    with ``credentials`` (client id, secret), a service account's, by client credentials."""

    def __init__(
        self,
        client: httpx.Client,
        username: str | None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.client, self.username, self.credentials = client, username, credentials
        self.header: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        if self.username is not None and not self.header:
            body = {"username": self.username, "password": DEMO_PASSWORD}
            if self.credentials is not None:
                client_id, secret = self.credentials
                body = {
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": secret,
                }
            r = self.send("POST", "/api/v1/auth/token", json=body)
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


def new_integrator(admin: Caller, community: str) -> tuple[str, str]:
    """A new integrator's client on ``community`` (the demo's): (client id, secret)."""
    client_id = f"matrix-{uuid.uuid4().hex[:12]}"
    r = admin.send(
        "POST",
        "/api/v1/service-accounts",
        headers=admin.headers(),
        json={
            "client_id": client_id,
            "display_name": "角色矩阵集成方 Role matrix integrator",
            "grants": [{"role": "integrator", "scope_type": "community", "scope_id": community}],
        },
    )
    assert r.status_code == 201, r.text
    return client_id, r.json()["client_secret"]


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
        communities: set[str] = set()
        for role in HOUSEHOLD_ROLES:
            me = Caller(client, role)
            answer = me.client.get("/api/v1/me", headers=me.headers()).json()
            homes[role] = {h["household_id"] for h in answer["households"]}
            communities |= {h["community_id"] for h in answer["households"]}
            assert homes[role], f"the demo {role} lives somewhere"
        assert homes["resident"] == homes["family"] != homes["tenant"]
        [community] = communities  # the demo's one
        integrator = new_integrator(Caller(client, "platform_admin"), community)
        homes[INTEGRATOR] = set()  # a service account lives nowhere: no household is its own

        def run(username: str | None) -> int:
            calls = 0
            credentials = integrator if username == INTEGRATOR else None
            with httpx.Client(base_url=gateway_url, timeout=120) as own:
                calls = matrix_row(Caller(own, username, credentials))
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
                    username in homes
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
            callers = [None, *(ROLES if FULL else CI_ROLES), INTEGRATOR]
            calls = sum(pool.map(run, callers))
        print(f"role matrix: {calls} calls in {time.monotonic() - started:.0f} s")
    assert wrong == [], "\n" + "\n".join(sorted(wrong))
    assert leaks == [], "\n" + "\n".join(sorted(leaks))

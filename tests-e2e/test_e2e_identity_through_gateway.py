"""Identity through the gateway: login, who am I, masking by role, refusals as
problem+json, and a property-based fuzz of the merged OpenAPI with no 5xx."""

from __future__ import annotations

import re

import httpx
from conftest import DEMO_PASSWORD

from e2e_kit import fuzz

MASKED_ID = re.compile(r"^\d{3}\*+\w{4}$")


def test_resident_logs_in_and_sees_herself(gateway_url: str, login) -> None:  # type: ignore[no-untyped-def]
    me = httpx.get(f"{gateway_url}/api/v1/me", headers=login("resident"), timeout=30)
    assert me.status_code == 200, me.text
    body = me.json()
    assert "resident" in body["roles"]
    assert me.headers["x-request-id"]


def test_wrong_password_and_missing_token_are_problems(gateway_url: str) -> None:
    bad = httpx.post(
        f"{gateway_url}/api/v1/auth/token",
        timeout=30,
        json={"username": "resident", "password": "not-the-password"},
    )
    assert bad.status_code == 401
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["code"] == "auth.invalid_credentials"
    anonymous = httpx.get(f"{gateway_url}/api/v1/persons", timeout=30)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "auth.unauthenticated"


def test_property_staff_never_sees_id_numbers(gateway_url: str, login) -> None:  # type: ignore[no-untyped-def]
    people = httpx.get(
        f"{gateway_url}/api/v1/persons",
        headers=login("property_staff"),
        params={"limit": 100},
        timeout=30,
    )
    assert people.status_code == 200, people.text
    items = people.json()["items"]
    assert items, "the demo community has people the property staff can see"
    for person in items:
        if person.get("id_number"):
            assert MASKED_ID.match(person["id_number"]), person["id_number"]


def test_merged_openapi_fuzz_has_no_server_errors(gateway_url: str) -> None:
    # its own sign-in: the fuzz logs out too, which would end the other tests' shared one
    assert fuzz(gateway_url, "platform_admin", DEMO_PASSWORD, examples=3) == []

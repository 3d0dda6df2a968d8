"""Issue 30 (8, 10): lists mask ID numbers and phones for every role; an authorised role
reveals one field of one person (account, visitor pass) with a stated purpose, and the
reveal is the audited read; reads of residence history, accounts and visitor passes are
audited. The attack: community_admin, gov_officer and police listed every ID number
(a child's too), property staff every phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from identity_kit import IdentityKit

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
MOBILE = re.compile(r"1\d{10}")


def clear(items: list[dict[str, Any]], *fields: str) -> list[str]:
    """The values of ``fields`` shown in clear."""
    return [
        str(item[f])
        for item in items
        for f in fields
        if item.get(f) and (ID_NUMBER.fullmatch(str(item[f])) or MOBILE.fullmatch(str(item[f])))
    ]


async def audited(kit: IdentityKit, action: str) -> list[dict[str, Any]]:
    return [a for a in await kit.audit_actions() if a["action"] == action]


async def test_lists_mask_for_every_role_and_a_reveal_is_one_audited_field(
    kit: IdentityKit,
) -> None:
    for role in ("community_admin", "gov_officer", "police", "grid_worker", "property_staff"):
        r = await kit.as_(role, "GET", "/api/v1/persons", params={"limit": 100})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert items and clear(items, "id_number", "phone") == [], role
    # a household's own members stay readable to it
    mine = (await kit.as_("resident", "GET", "/api/v1/persons")).json()["items"]
    assert "110105198001011238" in [p["id_number"] for p in mine]

    person = next(p for p in items if p["name"].startswith("陈"))
    url = f"/api/v1/persons/{person['id']}/reveal"
    # a purpose is required; a role whose grade does not cover the field is refused
    r = await kit.as_("police", "POST", url, json={"field": "id_number"})
    assert r.status_code == 422
    why = {"field": "id_number", "purpose": "案件核查 case 2026-118"}
    r = await kit.as_("property_staff", "POST", url, json=why)
    assert r.status_code == 403 and r.json()["code"] == "privacy.reveal_not_allowed"
    r = await kit.as_("police", "POST", url, json={"field": "gender", "purpose": "核实 check"})
    assert r.status_code == 422 and r.json()["code"] == "privacy.not_revealable"
    r = await kit.as_("police", "POST", url, json=why)
    assert r.status_code == 200 and ID_NUMBER.fullmatch(r.json()["value"])
    (reveal,) = await audited(kit, "person.reveal")
    assert reveal["resource_id"] == person["id"] and reveal["detail"] == why

    # residence history: audited at every read
    r = await kit.as_("police", "GET", f"/api/v1/persons/{person['id']}/residencies")
    assert r.status_code == 200
    history = await audited(kit, "residency.read_sensitive")
    assert [h["resource_id"] for h in history] == [person["id"]]


async def test_accounts_and_visitor_passes_mask_in_lists_and_reads_are_audited(
    kit: IdentityKit,
) -> None:
    r = await kit.as_("community_admin", "GET", "/api/v1/accounts", params={"limit": 100})
    assert r.status_code == 200
    accounts = r.json()["items"]
    assert clear(accounts, "mobile") == []
    assert await audited(kit, "account.read_sensitive")
    resident = kit.ids["account:resident"]
    why = {"field": "mobile", "purpose": "通知业主 call the owner"}
    r = await kit.as_("community_admin", "POST", f"/api/v1/accounts/{resident}/reveal", json=why)
    assert r.status_code == 200
    assert [a["detail"] for a in await audited(kit, "account.reveal")] == [why]

    household = str(kit.ids["household1-1-101"])
    body = {"household_id": household, "visitor_name": "访客乙", "visitor_phone": "13912345678",
            "valid_until": (datetime.now(UTC) + timedelta(hours=2)).isoformat()}  # fmt: skip
    created = await kit.as_("resident", "POST", "/api/v1/visitor-passes", json=body)
    assert created.status_code == 201, created.text
    staff = await kit.as_("property_staff", "GET", "/api/v1/visitor-passes")
    assert staff.status_code == 200 and clear(staff.json()["items"], "visitor_phone") == []
    own = await kit.as_("resident", "GET", "/api/v1/visitor-passes")
    assert "13912345678" in [p["visitor_phone"] for p in own.json()["items"]]
    assert len(await audited(kit, "visitor_pass.read_sensitive")) == 2
    url = f"/api/v1/visitor-passes/{created.json()['id']}/reveal"
    why = {"field": "visitor_phone", "purpose": "访客未到 visitor not arrived"}
    r = await kit.as_("property_staff", "POST", url, json=why)
    assert r.status_code == 200 and r.json()["value"] == "13912345678"
    assert len(await audited(kit, "visitor_pass.reveal")) == 1

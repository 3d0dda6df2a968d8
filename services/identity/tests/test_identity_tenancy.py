"""Tenants linked with an end date (issue 19 item 8): the owner invites a tenant (or the
property approves one) with the day the tenancy ends; some days before, the owner is told
in words (zh-CN, with English beside); on that day, in the community's time zone, the
tenant's household grant is revoked like any other (``GrantChangedV1`` revoked, which every
verifier applies to the tokens that carry it) and their residency ends. The sweep runs
with the moment it is given (an injected clock), never by waiting."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from identity_kit import IdentityKit

from sc_devinfra.waiting import eventually

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACE = "幸福里社区（演示） 1号楼1单元101室"


def _local_today() -> date:
    return datetime.now(UTC).astimezone(SHANGHAI).date()


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """That local time in Shanghai, as the instant the sweep is given."""
    return datetime.combine(day, time(hour, minute), SHANGHAI)


async def _signed_in(kit: IdentityKit, mobile: str, name: str) -> dict[str, str]:
    code = await kit.sms_code(mobile, "signup")  # the code proves the number
    body = {"mobile": mobile, "password": "tenant-2026", "display_name": name, "sms_code": code}
    created = await kit.client.post("/api/v1/signup", json=body)
    assert created.status_code == 201, created.text
    login = await kit.login(mobile, "tenant-2026")
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _notices(kit: IdentityKit) -> list[dict[str, Any]]:
    rows = await kit.sql(
        "SELECT convert_from(payload, 'UTF8') FROM event_outbox"
        " WHERE topic = 'notification.requests.v1' ORDER BY seq"
    )
    return [json.loads(r[0]) for r in rows]


async def _households(kit: IdentityKit, mobile: str) -> list[tuple[str, str]]:
    """The households a fresh sign-in carries. A token issued in the second of a grant's
    revocation is refused with the older ones (iat has whole seconds), so sign in until
    the token is accepted (at most a second or so later)."""

    async def me() -> dict[str, Any] | None:
        login = await kit.login(mobile, "tenant-2026")
        assert login.status_code == 200, login.text
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        r = await kit.client.get("/api/v1/me", headers=bearer)
        if r.status_code == 401 and r.json()["code"] == "auth.token_revoked":
            return None
        assert r.status_code == 200, r.text
        return {"me": r.json(), "bearer": bearer}

    found = await eventually(me, timeout=60, what=f"a token of {mobile} accepted")
    return [(h["role"], h["place_label"]) for h in found["me"]["households"]]


async def test_a_tenant_invited_until_a_day_loses_the_household_on_that_day(
    kit: IdentityKit,
) -> None:
    household = kit.ids["household1-1-101"]
    url = f"/api/v1/households/{household}/invitations"
    ends_on = _local_today() + timedelta(days=10)
    family = await kit.as_(
        "resident", "POST", url, json={"relation": "family", "ends_on": ends_on.isoformat()}
    )
    assert family.status_code == 422, family.text
    assert (family.json()["code"], family.json()["errors"][0]["field"]) == (
        "join.end_date_for_tenants",
        "body.ends_on",
    )
    past = await kit.as_(
        "resident", "POST", url, json={"relation": "tenant", "ends_on": _local_today().isoformat()}
    )
    assert past.status_code == 422 and past.json()["code"] == "join.end_date_past"
    assert past.json()["detail"].startswith("租期截止日期须晚于今天")

    issued = await kit.as_(
        "resident", "POST", url, json={"relation": "tenant", "ends_on": ends_on.isoformat()}
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["ends_on"] == ends_on.isoformat()
    li = await _signed_in(kit, "13500004444", "李租")
    joined = await kit.client.post(
        "/api/v1/join-requests/by-invitation",
        json={"code": issued.json()["code"], "name": "李租"},
        headers=li,
    )
    assert joined.status_code == 201, joined.text
    assert (joined.json()["relation_label"], joined.json()["ends_on"]) == (
        "租户",
        ends_on.isoformat(),
    )
    assert joined.json()["ended"] is False
    assert await _households(kit, "13500004444") == [("tenant", PLACE)]

    tenancies = kit.app.state.usecases.tenancies
    # today and a week on: nothing to say yet
    assert (await tenancies.sweep(datetime.now(UTC))).reminded == 0
    assert (await tenancies.sweep(_at(ends_on - timedelta(days=4), 23, 59))).reminded == 0
    # three days before: the owner (张伟) is told, once
    swept = await tenancies.sweep(_at(ends_on - timedelta(days=3), 8))
    assert (swept.reminded, swept.ended) == (1, 0)
    assert (await tenancies.sweep(_at(ends_on - timedelta(days=2), 8))).reminded == 0
    owner = str(kit.ids["account:resident"])
    told = [n for n in await _notices(kit) if n["request_id"].endswith("-ending")]
    assert len(told) == 1
    assert told[0]["recipients"]["user_ids"] == [owner]
    day_zh = f"{ends_on.year}年{ends_on.month}月{ends_on.day}日"
    assert told[0]["variables"]["body"].startswith(f"租户李租在 {PLACE} 的租期将于{day_zh}结束")
    assert f"ends on {ends_on.isoformat()}" in told[0]["variables"]["body_en"]
    assert await _households(kit, "13500004444") == [("tenant", PLACE)]

    # the last minute before the day, in Shanghai: still a tenant
    assert (await tenancies.sweep(_at(ends_on - timedelta(days=1), 23, 59))).ended == 0
    # the day itself (16:00 UTC the evening before): the grant is revoked
    swept = await tenancies.sweep(_at(ends_on, 0, 0).astimezone(UTC))
    assert swept.ended == 1
    account = joined.json()["account_id"]
    grants = await kit.sql(
        "SELECT count(*) FROM grants WHERE account_id = :a AND role = 'tenant'", a=account
    )
    assert grants[0][0] == 0
    events = await kit.sql(
        "SELECT convert_from(payload, 'UTF8') FROM event_outbox"
        " WHERE topic = 'identity.events.v1' AND headers->>'ce_type' = :t ORDER BY seq",
        t="community.grant.changed.v1",
    )
    revoked = [
        e
        for e in (json.loads(r[0]) for r in events)
        if e["account_id"] == account and e["change"] == "revoked"
    ]
    assert [(e["role"], e["scope_id"], e["changed_by"]) for e in revoked] == [
        ("tenant", str(household), "identity")
    ]
    moved_out = await kit.sql(
        "SELECT r.moved_out_on FROM residencies r JOIN accounts a ON a.person_id = r.person_id"
        " WHERE a.id = :a",
        a=account,
    )
    assert [row[0] for row in moved_out] == [ends_on]
    # a new sign-in carries no household; the tenant is told
    assert await _households(kit, "13500004444") == []
    ended = [n for n in await _notices(kit) if n["request_id"].endswith("-ended")]
    assert [n["recipients"]["user_ids"] for n in ended] == [[account]]
    assert ended[0]["variables"]["body"] == f"您在 {PLACE} 的租期已于{day_zh}结束，住户权限已停止。"

    # the token she held is refused once the revocation reaches the verifier (ADR 0028)
    async def refused() -> bool:
        r = await kit.client.get("/api/v1/me", headers=li)
        return r.status_code == 401 and r.json()["code"] == "auth.token_revoked"

    await eventually(refused, timeout=120, what="the tenant's old token refused")
    assert await _households(kit, "13500004444") == []
    login = await kit.login("13500004444", "tenant-2026")
    fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    mine = await kit.client.get("/api/v1/join-requests", headers=fresh)
    assert mine.status_code == 200, mine.text
    assert [(r["ends_on"], r["ended"]) for r in mine.json()["items"]] == [
        (ends_on.isoformat(), True)
    ]
    # swept again: nothing more happens
    again = await tenancies.sweep(_at(ends_on + timedelta(days=1)))
    assert (again.reminded, again.ended) == (0, 0)
    actions = {a["action"] for a in await kit.audit_actions()}
    assert {"join_request.tenancy_reminded", "join_request.tenancy_ended"} <= actions


async def test_the_property_approves_a_tenant_until_a_day(kit: IdentityKit) -> None:
    zhao = await _signed_in(kit, "13500005555", "赵租")
    ask = {
        "community_code": "DEMO-001",
        "building_code": "1",
        "unit_code": "1",
        "room_code": "101",
        "relation": "tenant",
        "name": "赵租",
    }
    asked = await kit.client.post("/api/v1/join-requests", json=ask, headers=zhao)
    assert asked.status_code == 201, asked.text
    url = f"/api/v1/join-requests/{asked.json()['id']}/approve"
    yesterday = (_local_today() - timedelta(days=1)).isoformat()
    refused = await kit.as_("property_manager", "POST", url, json={"ends_on": yesterday})
    assert refused.status_code == 422 and refused.json()["code"] == "join.end_date_past"
    ends_on = _local_today() + timedelta(days=30)
    approved = await kit.as_("property_manager", "POST", url, json={"ends_on": ends_on.isoformat()})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status_label"], approved.json()["ends_on"]) == (
        "已通过",
        ends_on.isoformat(),
    )
    tenancies = kit.app.state.usecases.tenancies
    swept = await tenancies.sweep(_at(ends_on))  # reminded and ended in one sweep: it ends
    assert (swept.reminded, swept.ended) == (0, 1)
    assert await _households(kit, "13500005555") == []

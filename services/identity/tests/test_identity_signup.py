"""Sign-up (issue 19 item 8), as the residents' app and the property's console see it: a
new resident creates an account with her mobile number, signs in with it, asks to join a
flat named as she knows it; the household's owner (for family) or the property approves,
and her next token carries the household; a rejection says why."""

from __future__ import annotations

from typing import Any

from identity_kit import IdentityKit

FLAT_1_1_101 = {
    "community_code": "DEMO-001",
    "building_code": "1",
    "unit_code": "1",
    "room_code": "101",
}
FLAT_2_2_302 = {
    "community_code": "DEMO-001",
    "building_code": "2",
    "unit_code": "2",
    "room_code": "302",
}


async def _signed_in(kit: IdentityKit, mobile: str, name: str) -> dict[str, str]:
    code = await kit.sms_code(mobile, "signup")  # the code proves the number
    body = {"mobile": mobile, "password": "sun-li-2026", "display_name": name, "sms_code": code}
    created = await kit.client.post("/api/v1/signup", json=body)
    assert created.status_code == 201, created.text
    login = await kit.login(mobile, "sun-li-2026")
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _as(kit: IdentityKit, headers: dict[str, str], method: str, url: str, **kw: Any) -> Any:
    return await kit.client.request(method, url, headers=headers, **kw)


async def test_a_new_resident_signs_up_and_the_owner_lets_her_in(kit: IdentityKit) -> None:
    code = await kit.sms_code("139 1234 5678", "signup")  # the code proves the number
    body = {
        "mobile": "139 1234 5678",
        "password": "sun-li-2026",
        "display_name": "孙丽",
        "sms_code": code,
    }
    created = await kit.client.post("/api/v1/signup", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["mobile"] == "139****5678"
    assert "登录" in created.json()["next"]
    again = await kit.client.post("/api/v1/signup", json=body)
    assert again.status_code == 409
    assert again.json()["code"] == "account.mobile_taken"
    assert again.json()["detail"] == "该手机号已注册，请直接登录"
    bad = await kit.client.post("/api/v1/signup", json=body | {"mobile": "12345"})
    assert bad.status_code == 422

    login = await kit.login("13912345678", "sun-li-2026")
    assert login.status_code == 200, login.text
    sun = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = (await _as(kit, sun, "GET", "/api/v1/me")).json()
    assert me["name"] == "孙丽" and me["households"] == []

    wrong = await _as(
        kit, sun, "POST", "/api/v1/join-requests",
        json=FLAT_1_1_101 | {"building_code": "9", "relation": "family", "name": "孙丽"},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "join.unknown_place"
    assert wrong.json()["detail"] == "幸福里社区（演示）没有这栋楼"
    assert wrong.json()["errors"][0]["field"] == "body.building_code"

    ask = {**FLAT_1_1_101, "relation": "family", "name": "孙丽"}
    asked = await _as(kit, sun, "POST", "/api/v1/join-requests", json=ask)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["place"] == "幸福里社区（演示） 1号楼1单元101室"
    assert (request["relation_label"], request["status_label"]) == ("家庭成员", "待审核")
    twice = await _as(kit, sun, "POST", "/api/v1/join-requests", json=ask)
    assert twice.status_code == 409 and twice.json()["code"] == "join.pending"

    # the property's staff are told, in words, without an id
    notices = await kit.sql(
        "SELECT convert_from(payload, 'UTF8') FROM event_outbox"
        " WHERE topic = 'notification.requests.v1' ORDER BY seq"
    )
    assert any(
        "有居民申请以家庭成员身份登记到 幸福里社区（演示） 1号楼1单元101室" in n[0] for n in notices
    )
    assert any(  # English beside, for an English reader (issue 18)
        "A resident asks to be registered at 幸福里社区（演示） 1号楼1单元101室 as a family member"
        in n[0]
        for n in notices
    )

    # who sees it: the owner of the flat and the property, not a volunteer
    for role in ("resident", "property_staff"):
        pending = (await kit.as_(role, "GET", "/api/v1/join-requests?status=pending")).json()
        assert [r["name"] for r in pending["items"]] == ["孙丽"], role
    assert (await kit.as_("volunteer", "GET", "/api/v1/join-requests")).json()["items"] == []

    url = f"/api/v1/join-requests/{request['id']}/approve"
    own = await _as(kit, sun, "POST", url)
    assert own.status_code == 403 and own.json()["code"] == "join.own_request"
    tenant = await kit.as_("tenant", "POST", url)  # another flat's tenant
    assert tenant.status_code == 403
    approved = await kit.as_("resident", "POST", url)  # 张伟, the flat's owner
    assert approved.status_code == 200, approved.text
    assert approved.json()["status_label"] == "已通过"
    decided = await kit.as_("property_staff", "POST", url)
    assert decided.status_code == 409 and decided.json()["code"] == "join.decided"

    # her next sign-in carries the household: the app names her home
    login = await kit.login("13912345678", "sun-li-2026")
    sun = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = (await _as(kit, sun, "GET", "/api/v1/me")).json()
    assert [(h["role"], h["place_label"]) for h in me["households"]] == [
        ("family", "幸福里社区（演示） 1号楼1单元101室")
    ]
    members = await kit.as_("resident", "GET", "/api/v1/persons")
    assert "孙丽" in {p["name"] for p in members.json()["items"]}
    types = await kit.outbox_types("identity.events.v1")
    assert "community.residency.started.v1" in types
    assert "community.grant.changed.v1" in types
    actions = {a["action"] for a in await kit.audit_actions()}
    assert {"account.signup", "join_request.create", "join_request.approve"} <= actions


async def test_the_property_rejects_with_a_reason_the_applicant_reads(kit: IdentityKit) -> None:
    zhou = await _signed_in(kit, "13700001111", "周涛")
    asked = await _as(
        kit, zhou, "POST", "/api/v1/join-requests",
        json=FLAT_2_2_302 | {"relation": "owner", "name": "周涛"},
    )  # fmt: skip
    assert asked.status_code == 201, asked.text
    url = f"/api/v1/join-requests/{asked.json()['id']}/reject"
    # an owner (业主) is only ever confirmed by the property, not by the flat's other owner
    not_owner = await kit.as_("resident", "POST", url, json={"reason": "不认识"})
    assert not_owner.status_code == 403
    silent = await kit.as_("property_manager", "POST", url, json={})
    assert silent.status_code == 422 and silent.json()["code"] == "join.reason_required"
    rejected = await kit.as_(
        "property_manager", "POST", url, json={"reason": "产权信息不符，请携带房产证到物业办理"}
    )
    assert rejected.status_code == 200, rejected.text
    mine = (await _as(kit, zhou, "GET", "/api/v1/join-requests")).json()["items"]
    assert [(r["status_label"], r["reason"]) for r in mine] == [
        ("未通过", "产权信息不符，请携带房产证到物业办理")
    ]
    me = (await _as(kit, zhou, "GET", "/api/v1/me")).json()
    assert me["households"] == []


async def test_the_owner_s_code_lets_a_family_member_in_at_once_and_only_once(
    kit: IdentityKit,
) -> None:
    household = kit.ids["household1-1-101"]
    url = f"/api/v1/households/{household}/invitations"
    refused = await kit.as_("family", "POST", url, json={"relation": "family"})
    assert refused.status_code == 403  # a family member invites nobody; the owner does
    issued = await kit.as_("resident", "POST", url, json={"relation": "family"})
    assert issued.status_code == 201, issued.text
    invitation = issued.json()
    code = invitation["code"]
    assert len(code) == 8 and code.isalnum() and code.upper() == code
    assert (invitation["relation_label"], invitation["place"]) == (
        "家庭成员",
        "幸福里社区（演示） 1号楼1单元101室",
    )

    wu = await _signed_in(kit, "13600002222", "吴佳")
    typed = f"{code[:4].lower()}-{code[4:].lower()}"  # as a person types it
    joined = await _as(
        kit, wu, "POST", "/api/v1/join-requests/by-invitation", json={"code": typed, "name": "吴佳"}
    )
    assert joined.status_code == 201, joined.text
    assert (joined.json()["status_label"], joined.json()["place"]) == (
        "已通过",
        "幸福里社区（演示） 1号楼1单元101室",
    )
    login = await kit.login("13600002222", "sun-li-2026")
    me = await _as(
        kit, {"Authorization": f"Bearer {login.json()['access_token']}"}, "GET", "/api/v1/me"
    )
    assert [(h["role"], h["place_label"]) for h in me.json()["households"]] == [
        ("family", "幸福里社区（演示） 1号楼1单元101室")
    ]

    zhao = await _signed_in(kit, "13600003333", "赵强")
    reused = await _as(
        kit,
        zhao,
        "POST",
        "/api/v1/join-requests/by-invitation",
        json={"code": code, "name": "赵强"},
    )
    assert reused.status_code == 422
    assert reused.json()["code"] == "join.invalid_invitation"
    assert reused.json()["detail"] == "邀请码不正确、已使用或已过期，请向业主重新索取"

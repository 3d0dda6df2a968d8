"""The service hall over HTTP, with identity's places and grants arriving as events on a
real broker, a real PostgreSQL and tokens verified against a real JWKS endpoint: issue 23's
scenario as the app and the console drive it (the gateway's copy is in tests-e2e)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from gov_affairs.db.hall import role_holders
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    GrantChange,
    GrantChangedV1,
    HouseholdChange,
    HouseholdChangedV1,
    NotificationRequestedV1,
    Placement,
)
from sc_core.auth import Grant
from sc_core.validators import id_number_check_char


def _id(born: str) -> str:
    first = f"110105{born}002"
    return first + id_number_check_char(first)


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buf, format="JPEG")
    return buf.getvalue()


async def _settle_place(
    h: Harness, community: str, household: str, staff: list[tuple[str, str]]
) -> None:
    now = datetime.now(UTC)
    place = Placement(
        community_id=community, building_id="b-1", unit_id="u-1", room_id="r-101", grid_id="g-1"
    )
    await h.send(
        HouseholdChangedV1(
            aggregate_id=household,
            household_id=household,
            change=HouseholdChange.CREATED,
            placement=place,
            member_count=2,
            status="active",
            changed_by="identity",
            changed_at=now,
        ),
        key=household,
    )
    for account, role in staff:
        await h.send(
            GrantChangedV1(
                aggregate_id=account,
                account_id=account,
                grant_id=f"g-{account}-{community}",
                change=GrantChange.GRANTED,
                role=role,
                scope_type="community",
                scope_id=community,
                community_id=community,
                changed_by="identity",
                changed_at=now,
            ),
            key=account,
        )

    # staff act only once identity's events are here: a step's signers are the grants
    # projected so far (under load the consumer lags the producer by seconds)
    hall = h.usecases.hall

    async def settled() -> bool:
        async with hall.db.uow(read_only=True) as uow:
            home = await hall.places.household(uow, household)
            holders = await role_holders(
                uow,
                {role for _, role in staff},
                community_id=community,
                building_id=place.building_id,
                grid_id=place.grid_id,
            )
        return home is not None and all(account in holders[role] for account, role in staff)

    await eventually(settled, timeout=120, what="the household and its staff's grants")


async def _upload(h: Harness, who: dict[str, str], *materials: str) -> dict[str, list[str]]:
    out = {}
    for m in materials:
        r = await h.client.post(
            "/api/v1/hall/files", headers=who, files={"file": (f"{m}.jpg", _jpeg(), "image/jpeg")}
        )
        assert r.status_code == 201, r.text
        out[m] = [r.json()["id"]]
    return out


async def _apply(h: Harness, who: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    async def attempt() -> dict[str, Any] | None:
        r = await h.client.post("/api/v1/hall/applications", headers=who, json=body)
        if r.status_code == 409 and r.json()["code"] == "hall.place_unknown":
            return None
        assert r.status_code == 201, r.text
        return dict(r.json())

    found = await eventually(attempt)
    assert found, "the household's place never reached gov-affairs"
    return dict(found)


async def test_instant_grant_public_check_and_two_signers_in_order(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{community}"
    await _settle_place(
        h, community, household, [("admin-1", "community_admin"), ("officer-1", "gov_officer")]
    )
    elder = h.resident(household, sub=f"elder-{community}")
    son = h.issuer.bearer(f"son-{community}", grants=[Grant("family", "household", household)])
    admin = h.staff(community, "admin-1", "community_admin")
    officer = h.staff(community, "officer-1", "gov_officer")

    items = await h.client.get(
        "/api/v1/hall/items", headers=elder, params={"community_id": community}
    )
    assert sorted(i["code"] for i in items.json()) == [
        "dibao",
        "disability_care_subsidy",
        "old_age_allowance",
        "temporary_aid",
    ]

    form = {
        "name": "王秀英",
        "id_number": _id("19400212"),
        "hukou_local": True,
        "on_behalf": False,
        "phone": "13812345678",
        "bank_account": "6222020200112233445",
    }
    granted = await _apply(
        h,
        elder,
        {
            "item_code": "old_age_allowance",
            "data": form,
            "materials": await _upload(h, elder, "id_card", "hukou_book", "bank_card"),
        },
    )
    assert (granted["status"], granted["instant"], granted["status_text"]["en"]) == (
        "approved",
        True,
        "approved",
    )
    assert granted["data"]["id_number"] == form["id_number"]  # the applicant sees their own answers

    # the code travels only in the approval notice to the applicant
    sent = await h.read(
        NotificationRequestedV1,
        lambda evs: any(e.data.get("correlation_id") == granted["id"] for e in evs),
    )
    [notice] = [e for e in sent if e.data.get("correlation_id") == granted["id"]]
    assert notice.data["recipients"]["user_ids"] == [f"elder-{community}"]
    code = notice.data["variables"]["code"]

    check = await h.client.get(f"/api/v1/certificates/verify/{code}")
    assert check.status_code == 200, check.text
    assert (check.json()["standing"], check.json()["holder"]) == ("valid", "王*英")
    assert check.json()["standing_text"] == {"zh": "有效", "en": "Valid"}
    page = await h.client.get(
        f"/api/v1/certificates/verify/{code}", headers={"Accept": "text/html"}
    )
    assert page.headers["content-type"].startswith("text/html") and "王*英" in page.text
    malformed = await h.client.get("/api/v1/certificates/verify/not-a-code")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "certificate.code_malformed")
    # the refusal in the reader's words: zh-CN first, English beside (issue 18 item 5)
    assert malformed.json()["detail"] == "这不是有效的验证码"
    assert malformed.json()["messages"]["en"] == "This is not a verification code"
    pdf = await h.client.get(f"/api/v1/certificates/{granted['certificate_id']}/pdf", headers=elder)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    stranger = await h.client.get(
        f"/api/v1/certificates/{granted['certificate_id']}/pdf", headers=son
    )
    assert stranger.status_code == 404

    # a proxy without the letter of authority is asked for it, then two signers in order
    proxy = {
        **form,
        "name": "陈秀兰",
        "id_number": _id("19380301"),
        "on_behalf": True,
        "proxy_name": "李娜",
    }
    asked = await _apply(
        h,
        son,
        {
            "item_code": "old_age_allowance",
            "data": proxy,
            "materials": await _upload(h, son, "id_card", "hukou_book", "bank_card"),
        },
    )
    assert asked["status"] == "needs_more"
    assert asked["requests"][0]["note"] == {
        "zh": "请补充以下材料：代办委托书及代办人身份证",
        "en": "Please add: Letter of authority and the proxy's ID card",
    }
    app_id = asked["id"]
    early = await h.client.post(f"/api/v1/hall/applications/{app_id}/resubmit", headers=son)
    assert (early.status_code, early.json()["code"]) == (422, "hall.materials_missing")
    assert early.json()["messages"] == {"zh-CN": "仍缺少材料", "en": "Material is still missing"}
    letter = (await _upload(h, son, "proxy_letter"))["proxy_letter"]
    r = await h.client.post(
        f"/api/v1/hall/applications/{app_id}/materials",
        headers=son,
        json={"material": "proxy_letter", "files": letter},
    )
    assert r.status_code == 200, r.text
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/resubmit", headers=son)
    assert r.json()["status"] == "in_review", r.text
    inbox = await h.client.get("/api/v1/hall/inbox", headers=admin)
    assert app_id in {t["application_id"] for t in inbox.json()["items"]}
    turn = await h.client.post(
        f"/api/v1/hall/applications/{app_id}/approve", headers=officer, json={}
    )
    assert (turn.status_code, turn.json()["code"]) == (403, "approval.not_your_turn")
    assert turn.json()["detail"] == "你在此申请上没有待办的审批任务"
    seen = await h.client.get(f"/api/v1/hall/applications/{app_id}", headers=admin)
    assert seen.json()["data"]["id_number"].startswith("110***")  # staff read it masked
    r = await h.client.post(
        f"/api/v1/hall/applications/{app_id}/approve", headers=admin, json={"comment": "材料已核"}
    )
    assert [s["status"] for s in r.json()["steps"]] == ["approved", "active"], r.text
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/approve", headers=officer, json={})
    assert (r.json()["status"], bool(r.json()["certificate_id"])) == ("approved", True), r.text
    outsider = await h.client.get(
        f"/api/v1/hall/applications/{app_id}", headers=h.resident("hh-other", sub="someone-else")
    )
    assert outsider.status_code == 404
    assert json.loads(json.dumps(r.json()))["steps"][1]["status"] == "approved"

    # both elders are in the welfare register now: masked, paid once a month, counted per grid
    reg = await h.client.get(
        "/api/v1/welfare/register", headers=admin, params={"community_id": community}
    )
    assert reg.status_code == 200, reg.text
    assert sorted(b["name"] for b in reg.json()["items"]) == ["王*英", "陈*兰"]
    assert {b["programme_name"]["zh"] for b in reg.json()["items"]} == {"高龄补贴"}
    denied = await h.client.get(
        "/api/v1/welfare/register", headers=elder, params={"community_id": community}
    )
    assert denied.status_code == 403
    today = datetime.now(UTC).astimezone(CHINA).date()
    month = f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"
    run = await h.client.post(
        "/api/v1/welfare/payments", headers=admin, json={"community_id": community, "month": month}
    )
    assert run.json() == {"recorded": 2}, run.text
    again = await h.client.post(
        "/api/v1/welfare/payments", headers=admin, json={"community_id": community, "month": month}
    )
    assert again.json() == {"recorded": 0}
    stats = await h.client.get(
        "/api/v1/welfare/statistics",
        headers=admin,
        params={"community_id": community, "by": "grid", "month": month},
    )
    [grid] = stats.json()
    assert (grid["place_id"], grid["active"]) == ("g-1", 2)
    assert (grid["monthly_total"], grid["paid_in_month"]) == ("200.00", "200.00")

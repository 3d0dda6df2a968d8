"""The service hall as the residents' app reads it (issue 23 item 2): the catalogue paged and
searched by name, my applications, an application's history and requests in words, and the
certificate's verification code for its holder. Real PostgreSQL, a real broker, real tokens."""

from __future__ import annotations

from test_gov_affairs_hall_api import _apply, _id, _settle_place, _upload

from gov_affairs_helpers import Harness


async def test_catalogue_mine_history_and_code(harness: Harness, community: str) -> None:
    h = harness
    household = f"hh-{community}"
    await _settle_place(
        h, community, household, [("admin-a", "community_admin"), ("officer-a", "gov_officer")]
    )
    son = h.resident(household, sub=f"son-{community}")
    admin = h.staff(community, "admin-a", "community_admin")
    officer = h.staff(community, "officer-a", "gov_officer")

    page = await h.client.get(
        "/api/v1/hall/catalogue",
        headers=son,
        params={"community_id": community, "limit": 2, "offset": 0},
    )
    assert page.status_code == 200, page.text
    assert (page.json()["total"], len(page.json()["items"]), page.json()["next_offset"]) == (
        4,
        2,
        2,
    )
    found = await h.client.get(
        "/api/v1/hall/catalogue", headers=son, params={"community_id": community, "q": "高龄"}
    )
    [item] = found.json()["items"]
    assert (item["code"], item["category_text"]["zh"], item["issues_certificate"]) == (
        "old_age_allowance",
        "养老服务",
        True,
    )
    assert [m["name"]["zh"] for m in item["materials"] if not m["conditional"]] == [
        "老人身份证",
        "户口簿",
        "本人银行卡或存折",
    ]
    english = await h.client.get(
        "/api/v1/hall/catalogue", headers=son, params={"community_id": community, "q": "OLD-AGE"}
    )
    assert [i["code"] for i in english.json()["items"]] == ["old_age_allowance"]

    # a son applies on his father's behalf with every material: a person reviews it
    form = {
        "name": "陈德明",
        "id_number": _id("19380301"),
        "hukou_local": True,
        "on_behalf": True,
        "proxy_name": "陈小明",
        "phone": "13812345678",
        "bank_account": "6222020200112233445",
    }
    materials = await _upload(h, son, "id_card", "hukou_book", "bank_card", "proxy_letter")
    applied = await _apply(
        h, son, {"item_code": "old_age_allowance", "data": form, "materials": materials}
    )
    assert (applied["status"], applied["current_step"]["zh"]) == ("in_review", "社区初审")
    assert [e["text"]["zh"] for e in applied["history"]] == ["提交申请"]
    app_id = applied["id"]

    asked = await h.client.post(
        f"/api/v1/hall/applications/{app_id}/request-more",
        headers=admin,
        json={"materials": ["bank_card"], "comment": "银行卡照片不清晰，请重新拍摄"},
    )
    assert asked.json()["status"] == "needs_more", asked.text
    mine = await h.client.get(f"/api/v1/hall/applications/{app_id}", headers=son)
    body = mine.json()
    assert body["status_text"] == {"zh": "待补正材料", "en": "waiting for more material"}
    [request] = body["requests"]
    assert [n["zh"] for n in request["material_names"]] == ["本人银行卡或存折"]
    assert request["note"]["zh"] == "银行卡照片不清晰，请重新拍摄"
    assert [(e["text"]["zh"], e["comment"]) for e in body["history"]] == [
        ("提交申请", ""),
        ("工作人员要求补充材料", "银行卡照片不清晰，请重新拍摄"),
    ]
    assert body["material_names"]["proxy_letter"]["en"].startswith("Letter of authority")
    assert body["certificate"] is None

    listed = await h.client.get("/api/v1/hall/my-applications", headers=son)
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["items"]
    assert (row["id"], row["item_name"]["zh"], row["status_text"]["zh"]) == (
        app_id,
        "高龄补贴申请",
        "待补正材料",
    )
    others = await h.client.get(
        "/api/v1/hall/my-applications", headers=h.resident(household, sub=f"wife-{community}")
    )
    assert others.json()["items"] == []  # only one's own

    again = (await _upload(h, son, "bank_card"))["bank_card"]
    r = await h.client.post(
        f"/api/v1/hall/applications/{app_id}/materials",
        headers=son,
        json={"material": "bank_card", "files": again},
    )
    assert r.status_code == 200, r.text
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/resubmit", headers=son)
    assert r.json()["status"] == "in_review", r.text
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/approve", headers=admin, json={})
    assert r.status_code == 200, r.text
    assert r.json()["current_step"]["en"] == "Street office approval", r.text
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/approve", headers=officer, json={})
    assert r.json()["status"] == "approved", r.text
    assert r.json()["certificate"] is None  # staff never see the holder's code

    done = (await h.client.get(f"/api/v1/hall/applications/{app_id}", headers=son)).json()
    assert done["status_text"]["zh"] == "已办结（通过）"
    assert [e["text"]["zh"] for e in done["history"]][-3:] == [
        "审批人同意",
        "审批人同意",
        "办结：审批通过",
    ]
    cert = done["certificate"]
    assert cert["title"]["zh"] == "高龄补贴核定通知书"
    assert cert["verify_url"].endswith(f"/api/v1/certificates/verify/{cert['code']}")
    check = await h.client.get(f"/api/v1/certificates/verify/{cert['code']}")
    assert (check.status_code, check.json()["holder"]) == (200, "陈*明")

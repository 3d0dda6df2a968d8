"""The online service hall (网上办事大厅) in the residents' app (issue 23 item 2), in a real
browser at phone size (as test_e2e_resident_app.py) against the stack `make run` starts, in
a community of this test's own: a son finds the old-age allowance in the catalogue by name,
reads its conditions and materials, fills the form rendered from its JSON Schema (a wrong
mobile number refused in words first), uploads a photo for each material and applies on
his father's behalf; the community asks for a clearer bank card photo (through the API, as
the console does); he sees what is asked in words on 我的办件, adds the photo and sends it
back; the community and then the street office approve; he reads the result, the history
in words and the certificate's verification code, which the public check confirms.
Every wait is a Playwright expectation or a polled condition with a generous bound."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, expect
from test_e2e_resident_app import phone, shot, sign_in
from test_e2e_safety_loop import png

from e2e_kit import ok, token, wait_until
from sc_core.validators import id_number_check_char

H = "/api/v1/hall"


def _id(born: str) -> str:
    first = f"110105{born}002"
    return first + id_number_check_char(first)


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community with one flat and its household: the son and a neighbour in it, the
    committee member and the street officer who sign."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"HL{run}", "name": f"办事大厅测试社区{run}", "address": "测试路23号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": f"大厅{run}号楼", "floors": 6},
        )
    )
    u = ok(
        api.post(
            "/api/v1/units",
            headers=admin,
            json={"building_id": b["id"], "code": "1", "name": "1单元"},
        )
    )
    room = ok(
        api.post(
            "/api/v1/rooms", headers=admin, json={"unit_id": u["id"], "floor": 2, "code": "201"}
        )
    )
    household = ok(api.post("/api/v1/households", headers=admin, json={"room_id": room["id"]}))
    people: dict[str, Any] = {"community": c}
    for who, role, scope in (
        ("son", "resident", ("household", household["id"])),
        ("probe", "resident", ("household", household["id"])),
        ("ca", "community_admin", ("community", c["id"])),
        ("go", "gov_officer", ("community", c["id"])),
    ):
        people[who] = ok(
            api.post(
                "/api/v1/accounts",
                headers=admin,
                json={
                    "username": f"hl{run}{who}",
                    "display_name": f"大厅测试{who}",
                    "password": DEMO_PASSWORD,
                    "grants": [{"role": role, "scope_type": scope[0], "scope_id": scope[1]}],
                },
            )
        )
    return people


FORM = {
    "name": "陈德明",
    "id_number": _id("19380301"),
    "hukou_local": True,
    "on_behalf": True,
    "proxy_name": "陈小明",
    "phone": "13812345678",
    "bank_account": "6222020200112233445",
}


def _ready(api: httpx.Client, probe: dict[str, str], ca: dict[str, str]) -> None:
    """Wait until gov-affairs knows the household's place and both signers (identity's
    events): a neighbour's application reaches the street office's step, then is withdrawn."""
    files = {}
    for m in ("id_card", "hukou_book", "bank_card", "proxy_letter"):
        r = api.post(f"{H}/files", headers=probe, files={"file": (f"{m}.png", png(), "image/png")})
        files[m] = [ok(r)["id"]]

    def applied() -> dict[str, Any] | None:
        data = {**FORM, "name": "周玉兰", "id_number": _id("19390405")}  # another elder
        body = {"item_code": "old_age_allowance", "data": data, "materials": files}
        r = api.post(f"{H}/applications", headers=probe, json=body)
        if r.status_code in (409, 422) and r.json()["code"] in (
            "hall.place_unknown",
            "approval.not_enough_signers",
        ):
            return None
        return ok(r)

    app = wait_until(applied, 300, "the household and the committee member in gov-affairs")

    def second_step() -> dict[str, Any] | None:
        r = api.post(f"{H}/applications/{app['id']}/approve", headers=ca, json={})
        if r.status_code in (409, 422) and r.json()["code"] == "approval.not_enough_signers":
            return None
        return ok(r, 200)

    wait_until(second_step, 300, "the street officer in gov-affairs")
    ok(api.post(f"{H}/applications/{app['id']}/withdraw", headers=probe, json={}), 200)


def test_a_son_applies_in_the_hall_adds_what_is_asked_and_reads_the_code(
    browser: Browser, gateway_url: str, login: Any, tmp_path: Path
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        ca, go = token(api, made["ca"]["username"]), token(api, made["go"]["username"])
        _ready(api, token(api, made["probe"]["username"]), ca)

        page = phone(browser, gateway_url)
        sign_in(page, made["son"]["username"])
        page.locator(".uni-tabbar__item").filter(has_text="服务").tap()  # the tab bar
        page.get_by_test_id("service-hall").tap()
        page.get_by_test_id("hall-search").locator("input").fill("高龄")
        page.get_by_test_id("hall-search-go").tap()
        item = page.get_by_test_id("hall-item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("高龄补贴申请")
        expect(item).to_contain_text("养老服务")  # the category in words, never "elderly"
        shot(page, "hall")
        item.tap()
        expect(page.get_by_test_id("hall-conditions")).to_contain_text("年满80周岁")
        expect(page.get_by_test_id("material-proxy_letter")).to_contain_text("代办委托书")

        def field(path: str) -> Any:
            return page.get_by_test_id(f"hall-field-{path}")

        field("name").locator("input").fill(FORM["name"])
        field("id_number").locator("input").fill(FORM["id_number"])
        field("hukou_local").get_by_test_id("yes").tap()
        field("on_behalf").get_by_test_id("yes").tap()
        field("proxy_name").locator("input").fill(FORM["proxy_name"])
        field("phone").locator("input").fill("1381234")
        field("bank_account").locator("input").fill(FORM["bank_account"])
        page.get_by_test_id("hall-submit").tap()
        expect(field("phone").get_by_test_id("field-error")).to_have_text(
            "联系电话：应为11位手机号码"
        )
        field("phone").locator("input").fill(FORM["phone"])
        for code in ("id_card", "hukou_book", "bank_card", "proxy_letter"):
            photo = tmp_path / f"{code}.png"
            photo.write_bytes(png())
            material = page.get_by_test_id(f"material-{code}")
            with page.expect_file_chooser() as chooser:
                material.get_by_test_id("add-photo").tap()
            chooser.value.set_files(str(photo))
            expect(material.get_by_test_id("material-file")).to_have_count(1)
        shot(page, "hall-apply")
        page.get_by_test_id("hall-submit").tap()
        expect(page.get_by_test_id("hall-status")).to_have_text("审核中")
        expect(page.get_by_test_id("hall-current-step")).to_have_text("当前环节：社区初审")

        # the committee asks for a clearer photo of the bank card (the console's 补正)
        mine = ok(api.get(f"{H}/my-applications", headers=token(api, made["son"]["username"])), 200)
        [app] = mine["items"]
        ok(
            api.post(
                f"{H}/applications/{app['id']}/request-more",
                headers=ca,
                json={"materials": ["bank_card"], "comment": "银行卡照片不清晰，请重新拍摄"},
            ),
            200,
        )
        page.goto("/app/pages/hall/mine")
        row = page.get_by_test_id("my-application").filter(has_text="高龄补贴申请")
        expect(row.get_by_test_id("my-application-status")).to_have_text("待补正材料")
        row.tap()
        asked = page.get_by_test_id("hall-request")
        expect(asked.get_by_test_id("hall-request-note")).to_have_text(
            "银行卡照片不清晰，请重新拍摄"
        )
        expect(asked.get_by_test_id("hall-request-material")).to_have_text("· 本人银行卡或存折")
        shot(page, "hall-asked")
        photo = tmp_path / "bank_card_again.png"
        photo.write_bytes(png())
        with page.expect_file_chooser() as chooser:
            asked.get_by_test_id("add-photo").tap()
        chooser.value.set_files(str(photo))
        expect(asked.get_by_test_id("material-file")).to_have_count(1)
        page.get_by_test_id("hall-resubmit").tap()
        expect(page.get_by_test_id("hall-status")).to_have_text("审核中")
        expect(page.get_by_test_id("hall-request")).to_have_count(0)

        # the community, then the street office approve
        for signer in (ca, go):
            ok(api.post(f"{H}/applications/{app['id']}/approve", headers=signer, json={}), 200)
        page.reload()
        expect(page.get_by_test_id("hall-status")).to_have_text("已办结（通过）")
        history = page.get_by_test_id("hall-history")
        for said in ("提交申请", "工作人员要求补充材料", "补充材料后重新提交", "办结：审批通过"):
            expect(history).to_contain_text(said)
        certificate = page.get_by_test_id("hall-certificate")
        expect(certificate).to_contain_text("高龄补贴核定通知书")
        code = page.get_by_test_id("hall-certificate-code").inner_text().strip()
        assert len(code) == 19 and code.count("-") == 3, code
        link = page.get_by_test_id("hall-verify-link")
        expect(link).to_have_text("打开查验页面")
        assert (link.get_attribute("data-href") or "").endswith(
            f"/api/v1/certificates/verify/{code}"
        )
        shot(page, "hall-result")
        for text in ("old_age_allowance", "approved", "bank_card", app["id"]):
            expect(page.locator("body")).not_to_contain_text(text)
        check = ok(api.get(f"/api/v1/certificates/verify/{code}"), 200)
        assert (check["standing"], check["holder"]) == ("valid", "陈*明")
        page.context.close()

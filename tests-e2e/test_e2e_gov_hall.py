"""Issue 23's end-to-end scenario, only through the gateway, as the residents' app and the
committee's console would: an elder applies for the old-age allowance with every material
and an instant-approval rule grants it; the certificate's code, read from her inbox,
verifies at the public endpoint; a family member applying on an elder's behalf without the
letter of authority is asked for it, and the community then the street office approve."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image

from e2e_kit import home_of, wait_until
from sc_core.validators import id_number_check_char


def _id(born: str) -> str:
    first = f"110105{born}002"
    return first + id_number_check_char(first)


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buf, format="JPEG")
    return buf.getvalue()


def _upload(api: httpx.Client, h: dict[str, str], *materials: str) -> dict[str, list[str]]:
    out = {}
    for m in materials:
        r = api.post(
            "/api/v1/hall/files", headers=h, files={"file": (f"{m}.jpg", _jpeg(), "image/jpeg")}
        )
        assert r.status_code == 201, r.text
        out[m] = [r.json()["id"]]
    return out


def _apply(api: httpx.Client, h: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    def attempt() -> dict[str, Any] | None:
        r = api.post("/api/v1/hall/applications", headers=h, json=body)
        if r.status_code == 409 and r.json()["code"] == "hall.place_unknown":
            return None  # identity's placement has not reached gov-affairs yet
        assert r.status_code == 201, r.text
        return dict(r.json())

    return wait_until(attempt, 60, "gov-affairs to know the household's place")


def test_old_age_allowance_instant_then_a_proxy_approved_by_two_in_order(
    gateway_url: str, login: Any
) -> None:
    resident, family = login("resident"), login("family")
    admin, officer = login("community_admin"), login("gov_officer")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, resident)
        items = api.get(
            "/api/v1/hall/items", headers=resident, params={"community_id": home["community_id"]}
        )
        assert items.status_code == 200, items.text
        allowance = next(i for i in items.json() if i["code"] == "old_age_allowance")
        assert allowance["name"] == {"zh": "高龄补贴申请", "en": "Old-age allowance"}
        assert allowance["form"]["properties"]["id_number"]["x-kind"] == "id_number"

        # 1. the elder, with every material: granted at once (即办)
        form = {
            "name": "王秀英",
            "id_number": _id("19400212"),
            "hukou_local": True,
            "on_behalf": False,
            "phone": "13812345678",
            "bank_account": "6222020200112233445",
        }
        materials = _upload(api, resident, "id_card", "hukou_book", "bank_card")
        granted = _apply(
            api,
            resident,
            {
                "item_code": "old_age_allowance",
                "household_id": home["household_id"],
                "data": form,
                "materials": materials,
            },
        )
        assert (granted["status"], granted["instant"]) == ("approved", True)
        assert granted["status_text"]["zh"] == "已办结（通过）"
        certificate = granted["certificate_id"]
        assert certificate

        # the code reaches her in-app inbox with the approval notice
        def code_in_inbox() -> str | None:
            r = api.get("/api/v1/inbox", headers=resident, params={"limit": 50})
            assert r.status_code == 200, r.text
            for message in r.json()["items"]:
                body = message.get("body") or ""
                if "证明验证码" in body and "高龄补贴" in body:
                    return str(body.split("证明验证码：")[1].rstrip("。").strip())
            return None

        code = wait_until(code_in_inbox, 60, "the approval notice in the elder's inbox")

        # 2. anyone checks the code, without logging in, as the QR code leads them
        check = api.get(f"/api/v1/certificates/verify/{code}")
        assert check.status_code == 200, check.text
        assert check.json()["standing"] == "valid"
        assert check.json()["holder"] == "王*英"
        assert check.json()["title"]["zh"] == "高龄补贴核定通知书"
        page = api.get(
            f"/api/v1/certificates/verify/{code.lower()}", headers={"Accept": "text/html"}
        )
        assert page.status_code == 200 and "有效" in page.text and "王*英" in page.text
        assert "11010519400212" not in page.text
        wrong = api.get("/api/v1/certificates/verify/0000-0000-0000-0001")
        assert wrong.status_code == 400 and wrong.json()["code"] == "certificate.code_malformed"
        pdf = api.get(f"/api/v1/certificates/{certificate}/pdf", headers=resident)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

        # 3. a family member for another elder, without the letter of authority
        proxy_form = {
            **form,
            "name": "陈秀兰",
            "id_number": _id("19380301"),
            "on_behalf": True,
            "proxy_name": "李娜",
        }
        materials = _upload(api, family, "id_card", "hukou_book", "bank_card")
        asked = _apply(
            api,
            family,
            {
                "item_code": "old_age_allowance",
                "household_id": home["household_id"],
                "data": proxy_form,
                "materials": materials,
            },
        )
        assert asked["status"] == "needs_more"
        assert asked["requests"][0]["materials"] == ["proxy_letter"]
        assert asked["requests"][0]["note"]["zh"] == "请补充以下材料：代办委托书及代办人身份证"
        app_id = asked["id"]
        letter = _upload(api, family, "proxy_letter")["proxy_letter"]
        r = api.post(
            f"/api/v1/hall/applications/{app_id}/materials",
            headers=family,
            json={"material": "proxy_letter", "files": letter},
        )
        assert r.status_code == 200, r.text
        r = api.post(f"/api/v1/hall/applications/{app_id}/resubmit", headers=family)
        assert r.status_code == 200 and r.json()["status"] == "in_review", r.text

        # the community first: the street office cannot sign before it
        inbox = api.get("/api/v1/hall/inbox", headers=admin)
        assert app_id in {t["application_id"] for t in inbox.json()["items"]}
        early = api.post(f"/api/v1/hall/applications/{app_id}/approve", headers=officer, json={})
        assert early.status_code == 403 and early.json()["code"] == "approval.not_your_turn"
        staff_view = api.get(f"/api/v1/hall/applications/{app_id}", headers=admin)
        assert staff_view.json()["data"]["id_number"].startswith("110***")  # masked for staff
        r = api.post(
            f"/api/v1/hall/applications/{app_id}/approve",
            headers=admin,
            json={"comment": "材料已核"},
        )
        assert r.status_code == 200, r.text
        assert [s["status"] for s in r.json()["steps"]] == ["approved", "active"]
        r = api.post(f"/api/v1/hall/applications/{app_id}/approve", headers=officer, json={})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved" and r.json()["certificate_id"]

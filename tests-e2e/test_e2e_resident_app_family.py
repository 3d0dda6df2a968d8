"""The family's view of an elder (家人关怀) and childcare for guardians (托育) in the
residents' app, in a real browser at phone size (the phone, sign-in and screenshots of
test_e2e_resident_app.py), against the stack `make run` starts:

- `make run`'s care demo: 张德福 is in the care of his son 张伟 (the ``resident``), and one
  day his blood pressure was above the doctor's range (90–140/60–90). From home, two taps
  (Services, 家人关怀) show his latest readings against the range in words and the breach
  in words (血压偏高：152/94 mmHg), never an enum or an id;
- a nursery of the demo community enrols 张伟's daughter with him as a guardian (set up
  through care's API as the staff would); the nursery's staff check her in with the
  guardian's code (issued to him by care, as the app shows it) and a temperature, and
  write a note; the app's 托育接送 shows today's check-in with the temperature, the note,
  and his check-in/out QR code.

Screenshots go to tests-e2e/artifacts/app-*.png (gitignored). Every wait is a Playwright
expectation or a polled condition with a generous bound; nothing sleeps.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_resident_app import phone, shot, sign_in

from e2e_kit import home_of, me, wait_until


def test_the_son_sees_his_fathers_breach_in_words(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident = login("resident")

    def father_with_breach() -> bool:
        # care's demo loads after the stack is up; the family list names him once it has
        r = api.get("/api/v1/care/family", headers=resident)
        if r.status_code != 200 or not r.json()["items"]:
            return False
        pid = r.json()["items"][0]["id"]
        found = api.get(f"/api/v1/care/people/{pid}/breaches", headers=resident)
        return found.status_code == 200 and found.json()["total"] >= 1

    wait_until(father_with_breach, 300, "the demo elder's breach")

    page = phone(browser, gateway_url)
    sign_in(page)
    page.locator(".uni-tabbar__item").filter(has_text="服务").tap()  # the tab bar
    page.get_by_test_id("service-elderCare").tap()
    person = page.get_by_test_id("family-person").filter(has_text="张德福")
    expect(person).to_contain_text("监护人")  # the basis of his consent, in words
    alert = person.get_by_test_id("family-alert").first
    expect(alert).to_contain_text("血压偏高：152/94 mmHg（正常范围 90–140/60–90 mmHg）")
    vitals = person.get_by_test_id("family-vital")
    expect(vitals.filter(has_text="血压")).to_contain_text("正常范围 90–140/60–90")
    expect(vitals.filter(has_text="心率")).to_contain_text("次/分")
    expect(person).to_contain_text("没有待就诊的预约")
    expect(person).not_to_contain_text("blood_pressure")
    expect(person).not_to_contain_text("in_range")
    shot(page, "family")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


def _nursery_with_child(api: httpx.Client, login: Any, guardian: str) -> dict[str, Any]:
    """A nursery open all day in the demo community, a class, and the guardian's daughter
    enrolled in it (by the staff, as they would); returns the ids."""
    admin, doctor = login("community_admin"), login("doctor")
    community = home_of(api, login("resident"))["community_id"]
    tag = uuid.uuid4().hex[:6]
    r = api.post(
        "/api/v1/care/nurseries",
        headers=admin,
        json={"community_id": community, "name": f"幸福里托育园{tag}", "opens": "00:00",
              "closes": "23:59"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    nursery = r.json()["id"]
    r = api.post(
        f"/api/v1/care/nurseries/{nursery}/classes",
        headers=admin, json={"name": "小一班", "capacity": 10},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    klass = r.json()["id"]
    person = f"e2e-child-{tag}"
    r = api.post(
        "/api/v1/care/people",
        headers=doctor,
        json={"name": "张小米", "birth_date": "2023-04-12", "gender": "female",
              "community_id": community, "person_id": person, "guardians": [guardian]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = api.post(
        "/api/v1/care/children",
        headers=admin,
        json={"person_id": person, "class_id": klass,
              "guardians": [{"user_id": guardian, "relation": "父亲", "can_pick_up": True,
                             "can_authorise": True}]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return {"nursery": nursery, "child": r.json()["id"], "admin": admin}


def test_a_guardian_sees_his_daughters_check_in_and_his_code(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident = login("resident")
    made = _nursery_with_child(api, login, me(api, resident)["id"])
    child, admin = made["child"], made["admin"]
    # at the door: the staff scan the code care issued to the father, with her temperature
    r = api.get(f"/api/v1/care/children/{child}/qr", headers=resident)
    assert r.status_code == 200, r.text
    r = api.post(
        f"/api/v1/care/nurseries/{made['nursery']}/check-in",
        headers=admin, json={"code": r.json()["code"], "temperature": 36.6},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    r = api.post(
        f"/api/v1/care/children/{child}/notes",
        headers=admin, json={"kind": "nap", "text": "午睡一小时，睡得很香"},
    )  # fmt: skip
    assert r.status_code == 201, r.text

    page = phone(browser, gateway_url)
    sign_in(page)
    page.goto("/app/pages/services/index")
    page.get_by_test_id("service-childcare").tap()
    card = page.get_by_test_id("child").filter(has_text="张小米")
    expect(card).to_contain_text("可接送")
    today = card.get_by_test_id("child-today")
    expect(today).to_contain_text("入园")
    expect(today).to_contain_text("体温 36.6 ℃")
    expect(today).to_contain_text("在园")
    expect(card.get_by_test_id("child-note").first).to_contain_text("午睡 · 午睡一小时，睡得很香")
    card.get_by_test_id("child-code").tap()
    qr = card.get_by_test_id("child-qr")
    expect(qr.get_by_test_id("qr")).to_be_visible()
    expect(qr).to_contain_text("只能使用一次")
    shot(page, "childcare")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()

"""More of the residents' app (apps/resident) in a real browser at phone size, the same way
as test_e2e_resident_app.py (its phone, sign-in and screenshots), against the stack `make
run` starts:

- the community office publishes a notice (drafted and submitted by the community admin,
  approved by the street office: two people); the resident sees it unread on home and on
  the board (pinned, its category in words), opens it, which leaves the read receipt the
  committee counts, and it shows read;
- a month's property bill is due: the resident sees it on home and on the bills page in
  yuan, pays it with WeChat Pay's QR code (the local simulator is the payer who scans it,
  as in test_e2e_parking_payment.py), and sees it paid with its receipt number;
- an activity's one place is taken: the resident joins its waiting list (first in line),
  then cancels;
- a survey with skip logic: answering "no" hides the follow-up question, and the response
  the service keeps has no answer to it;
- an owners' assembly vote: the resident casts the home's ballot in the app and reads the
  live tally (each threshold with its numbers, met or missed); on a second vote the
  property enters the home's paper ballot while the page is open, and the app's ballot is
  refused in words; a poll voted in the app shows its receipt;
- an activity the resident has a place in: checked in with the venue's QR code content,
  rated once it has started.

Screenshots go to tests-e2e/artifacts/app-*.png (gitignored). Every wait is a Playwright
expectation or a polled condition with a generous bound; nothing sleeps.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from test_e2e_resident_app import phone, shot, sign_in

from e2e_kit import home_of, wait_until


def test_a_resident_opens_a_notice_the_office_published_and_it_shows_read(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, admin, office = login("resident"), login("community_admin"), login("gov_officer")
    community = home_of(api, resident)["community_id"]
    title = f"电梯年检通知（第{uuid.uuid4().int % 1000:03d}号）"
    body = "本周四9:00至12:00，2号楼电梯年检停运，请走楼梯，注意安全。"
    made = api.post(
        "/api/v1/notices",
        headers=admin,
        json={
            "community_id": community,
            "title": title,
            "body": body,
            "category": "safety",
            "pinned": True,
        },
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/notices/{made.json()['id']}"
    # drafted and submitted by the community admin; approving it is someone else's
    r = api.post(f"{url}/steps", headers=admin, json={"action": "submit"})
    assert r.status_code == 200, r.text
    r = api.post(f"{url}/steps", headers=office, json={"action": "approve"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "published"

    def on_board() -> bool:
        # gov-affairs learns where 张伟 lives from identity's events after the stack starts
        r = api.get("/api/v1/notices", headers=resident, params={"limit": 100})
        if r.status_code == 429:
            return False
        assert r.status_code == 200, r.text
        return any(n["title"] == title for n in r.json()["items"])

    wait_until(on_board, 300, "the notice on the resident's board")

    page = phone(browser, gateway_url)
    sign_in(page)
    # home counts it unread (with whatever else is unread on the board)
    expect(page.get_by_test_id("notices-unread")).to_contain_text("条未读")
    shot(page, "home-notices")

    page.get_by_test_id("home-notices").tap()
    notice = page.get_by_test_id("notice").filter(has_text=title)
    expect(notice).to_contain_text("置顶")
    expect(notice).to_contain_text("安全提示")  # the category in words, never "safety"
    expect(notice).not_to_contain_text("safety")
    expect(notice.get_by_test_id("notice-state")).to_have_text("未读")
    shot(page, "notices")

    notice.tap()
    expect(page.get_by_test_id("notice-title")).to_have_text(title)
    expect(page.get_by_test_id("notice-body")).to_have_text(body)
    expect(page.get_by_test_id("notice-receipt")).to_be_visible()
    shot(page, "notice")
    # opening it left the receipt at gov-affairs: the committee counts the resident
    figures = api.get(f"{url}/unread", headers=admin)
    assert figures.status_code == 200, figures.text
    assert figures.json()["reads"] == 1

    page.go_back()
    expect(notice.get_by_test_id("notice-state")).to_have_text("已读")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


@pytest.mark.exclusive("resident-orders")
def test_a_resident_pays_a_due_property_bill_with_wechat_pay_and_sees_it_paid(
    browser: Browser, gateway_url: str, login: Any, state_dir: str
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, manager = login("resident"), login("property_manager")
    community = home_of(api, resident)["community_id"]
    # a month's bills of this test's own (the demo's last month is left to the console's
    # test): a month long past, so the bill is overdue
    year, month = random.randint(2015, 2024), random.randint(1, 12)
    period = f"{year}-{month:02d}"
    r = api.post(
        "/api/v1/property-bills/generate",
        headers=manager,
        json={
            "community_id": community,
            "period": period,
            "due": date(year, month, 28).isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["bills"] >= 1
    mine = api.get("/api/v1/property-bills", headers=resident, params={"period": period})
    assert mine.status_code == 200, mine.text
    (bill,) = mine.json()["items"]
    assert bill["status"] == "unpaid" and bill["amount_due"] > 0
    amount = f"{bill['amount_due'] / 100:.2f} 元"
    month_words = f"{year}年{month}月"

    page = phone(browser, gateway_url)
    sign_in(page)
    # home: bills due
    expect(page.get_by_test_id("bills-due-count")).to_contain_text("笔待缴")
    page.get_by_test_id("home-bills").tap()
    due = page.get_by_test_id("bills-due").get_by_test_id("bill").filter(has_text=month_words)
    expect(due).to_contain_text(bill["room_label"])
    expect(due.get_by_test_id("bill-amount")).to_have_text(amount)
    expect(due.get_by_test_id("bill-status")).to_have_text("已逾期")
    shot(page, "bills")

    due.get_by_test_id("pay-bill").tap()
    expect(page.get_by_test_id("pay-amount")).to_have_text(amount)
    expect(page.get_by_test_id("pay-what")).to_contain_text(month_words)
    page.get_by_test_id("provider-wechat").tap()
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/payments/orders") and r.request.method == "POST"
    ) as created:
        page.get_by_test_id("pay").tap()
    assert created.value.status == 201, created.value.text()
    order = created.value.json()
    assert (order["purpose"], order["target_id"]) == ("property_bill", bill["id"])
    assert (order["provider"], order["channel"]) == ("wechat", "qr")
    assert order["amount"] == bill["amount_due"]  # the service's quote, not the app's
    expect(page.get_by_test_id("pay-qr").get_by_test_id("qr")).to_be_visible()
    expect(page.get_by_test_id("pay-state")).to_have_text("等待支付结果…")
    shot(page, "pay-qr")

    # the resident scans the code with WeChat: the simulator takes the money and calls the
    # service back; the page follows the order until it is paid
    sim = json.loads((Path(state_dir) / "parking-payment" / "payment-sim" / "sim.json").read_text())
    paid = httpx.post(
        sim["wechat_url"] + "/sim/pay", json={"code_url": order["pay"]["code_url"]}, timeout=30
    )
    assert paid.status_code == 200, paid.text
    # through the callback and the page's next look: generous on a loaded 2-core machine
    expect(page.get_by_test_id("pay-state")).to_have_text("支付成功", timeout=120_000)
    stored = api.get(f"/api/v1/property-bills/{bill['id']}", headers=resident).json()
    assert stored["status"] == "paid" and stored["receipt_no"], stored
    expect(page.get_by_test_id("paid")).to_contain_text(stored["receipt_no"])
    shot(page, "paid")

    # back on the bills page: paid, with its receipt, and no longer due
    page.get_by_test_id("pay-done").tap()
    settled = page.get_by_test_id("bills-settled").get_by_test_id("bill")
    settled = settled.filter(has_text=month_words)
    expect(settled.get_by_test_id("bill-status")).to_have_text("已缴")
    expect(settled.get_by_test_id("bill-receipt")).to_have_text(f"收据号 {stored['receipt_no']}")
    expect(
        page.get_by_test_id("bills-due").get_by_test_id("bill").filter(has_text=month_words)
    ).to_have_count(0)
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


def test_a_resident_joins_an_activitys_waiting_list_and_cancels(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, tenant = login("resident"), login("tenant")
    admin, office = login("community_admin"), login("gov_officer")
    community = home_of(api, resident)["community_id"]
    title = f"重阳节包饺子（第{uuid.uuid4().int % 1000:03d}场）"
    start = datetime.now(UTC) + timedelta(days=3)
    made = api.post(
        "/api/v1/activities",
        headers=admin,
        json={
            "community_id": community,
            "title": title,
            "description": "和社区长者一起包饺子，材料由社区准备。",
            "venue": "社区活动室（2号楼一层）",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 1,
        },
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/activities/{made.json()['id']}"
    # planned and announced by the community admin, approved by the street office
    for who, action in ((admin, "submit"), (office, "approve"), (admin, "announce")):
        r = api.post(f"{url}/steps", headers=who, json={"action": action})
        assert r.status_code == 200, (action, r.text)

    def tenant_signs_up() -> dict[str, Any] | None:
        # gov-affairs learns where the tenant lives from identity's events after the start
        r = api.post(f"{url}/signups", headers=tenant, json={"party": 1})
        if r.status_code in (403, 429):
            return None
        assert r.status_code == 201, r.text
        return dict(r.json())

    # the one place goes to the tenant
    taken = wait_until(tenant_signs_up, 300, "the tenant's sign-up")
    assert taken["mine"]["status"] == "confirmed"

    page = phone(browser, gateway_url)
    sign_in(page)
    page.goto("/app/pages/services/index")
    page.get_by_test_id("service-activities").tap()
    card = page.get_by_test_id("activity").filter(has_text=title)
    expect(card).to_contain_text("名额 1/1")
    expect(card).to_contain_text("社区活动室（2号楼一层）")
    card.get_by_test_id("activity-sign-up").tap()
    expect(card.get_by_test_id("activity-mine")).to_have_text("候补第 1 位")
    mine = api.get(url, headers=resident).json()["mine"]
    assert (mine["status"], mine["waiting_position"]) == ("waitlisted", 1)
    shot(page, "activity")

    card.get_by_test_id("activity-cancel").tap()
    expect(card.get_by_test_id("activity-sign-up")).to_be_visible()
    expect(card.get_by_test_id("activity-mine")).to_have_count(0)
    assert api.get(url, headers=resident).json()["mine"] is None  # no sign-up in force
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


def test_a_resident_answers_a_survey_whose_skip_logic_hides_a_question(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, admin = login("resident"), login("community_admin")
    community = home_of(api, resident)["community_id"]
    run = uuid.uuid4().hex[:6]
    title = f"社区服务体验调查（{run}）"

    def text(zh: str, en: str) -> dict[str, str]:
        return {"zh": zh, "en": en}

    definition = {
        "code": f"app-check-{run}",
        "title": text(title, f"Community services survey ({run})"),
        "sections": [
            {
                "id": "s1",
                "title": text("使用情况", "Use"),
                "questions": [
                    {
                        "id": "used",
                        "kind": "single_choice",
                        "text": text("您用过线上报修吗", "Have you reported a repair online?"),
                        "options": [
                            {"code": "yes", "label": text("用过", "Yes")},
                            {"code": "no", "label": text("没用过", "No")},
                        ],
                    },
                    {
                        "id": "easy",
                        "kind": "likert5",
                        "text": text("线上报修很方便", "Reporting online is easy"),
                        "show_if": [{"question": "used", "op": "equals", "value": "yes"}],
                    },
                    {
                        "id": "say",
                        "kind": "open_text",
                        "text": text("您还有什么建议", "Anything else?"),
                        "required": False,
                    },
                ],
            }
        ],
    }
    made = api.post(
        "/api/v1/evaluation/surveys",
        headers=admin,
        json={"community_id": community, "definition": definition},
    )
    assert made.status_code == 201, made.text
    survey = made.json()

    def on_list() -> bool:
        # evaluation learns where 张伟 lives from identity's events after the stack starts
        r = api.get("/api/v1/evaluation/surveys", headers=resident, params={"limit": 100})
        if r.status_code == 429:
            return False
        assert r.status_code == 200, r.text
        return any(s["id"] == survey["id"] for s in r.json()["items"])

    wait_until(on_list, 300, "the survey on the resident's list")

    page = phone(browser, gateway_url)
    sign_in(page)
    page.goto("/app/pages/services/index")
    page.get_by_test_id("service-surveys").tap()
    card = page.get_by_test_id("survey").filter(has_text=title)
    card.tap()
    expect(page.get_by_test_id("survey-title")).to_have_text(title)
    # "yes" shows the follow-up question, "no" hides it again
    page.get_by_test_id("option-used-yes").tap()
    expect(page.get_by_test_id("question-easy")).to_be_visible()
    page.get_by_test_id("option-easy-4").tap()
    page.get_by_test_id("option-used-no").tap()
    expect(page.get_by_test_id("question-easy")).to_have_count(0)
    page.get_by_test_id("text-say").locator("textarea").fill("希望多办便民活动")
    shot(page, "survey")
    page.get_by_test_id("survey-submit").tap()
    expect(page.get_by_test_id("survey-done")).to_contain_text("感谢您的参与")
    # one response, without an answer to the hidden question (the service refuses one)
    r = api.get(f"/api/v1/evaluation/surveys/{survey['id']}", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["responses"] == 1

    page.get_by_test_id("survey-back").tap()
    expect(card.get_by_test_id("survey-state")).to_have_text("已参与")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


def _open_vote(api: httpx.Client, admin: dict[str, str], community: str, title: str) -> Any:
    now = datetime.now(UTC)
    body = {
        "community_id": community,
        "title": title,
        "title_en": "Repaint the corridors",
        "matter": "ordinary",
        "opens_at": (now - timedelta(minutes=5)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
    }

    def opened() -> dict[str, Any] | None:
        # gov-affairs learns the register from identity's events after the stack starts
        r = api.post("/api/v1/votes", json=body, headers=admin)
        if r.status_code == 429 or (r.status_code == 422 and r.json()["code"] == "vote.no_owners"):
            return None
        assert r.status_code == 201, r.text
        return dict(r.json())

    return wait_until(opened, 300, "the room register in gov-affairs")


def test_an_owner_casts_the_homes_ballot_in_the_app_and_reads_the_live_tally(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, admin = login("resident"), login("community_admin")
    home = home_of(api, resident)
    community = home["community_id"]
    run = uuid.uuid4().int % 1000
    title = f"楼道粉刷（第{run:03d}号议题）"
    vote = _open_vote(api, admin, community, title)
    url = f"/api/v1/votes/{vote['id']}"

    page = phone(browser, gateway_url)
    sign_in(page)
    page.goto("/app/pages/services/index")
    page.get_by_test_id("service-votes").tap()
    card = page.get_by_test_id("vote").filter(has_text=title)
    expect(card).to_contain_text("表决中")
    expect(card).to_contain_text("一般事项（过半数同意）")  # the matter in words
    card.tap()
    expect(page.get_by_test_id("vote-title")).to_have_text(title)
    page.get_by_test_id("choice-agree").tap()
    page.get_by_test_id("vote-submit").tap()
    expect(page.get_by_test_id("vote-mine")).to_have_text("您的选择：同意（线上）")
    expect(page.get_by_test_id("vote-cast")).to_have_count(0)  # one ballot per home

    # the live tally as the service counts it: each threshold with its numbers, in words
    tally = api.get(url, headers=admin).json()
    assert tally["in_app"] == 1
    expect(page.get_by_test_id("vote-verdict")).to_contain_text("表决进行中，按目前的票数")
    for check in tally["checks"]:
        line = page.get_by_test_id(f"check-{check['key']}")
        expect(line).to_contain_text(check["name"]["zh"])
        expect(line).to_contain_text(f"{check['counted']} / {check['of']}（{check['percent']}）")
        expect(line).to_contain_text(check["threshold"]["zh"])
        expect(line.get_by_test_id("check-met")).to_have_text(
            "已达到" if check["met"] else "未达到"
        )
    heads = next(c for c in tally["checks"] if c["key"] == "participation_heads")
    assert heads["counted"] == "1"
    expect(page.get_by_test_id("vote-channels")).to_have_text("线上 1 票，纸质票 0 张")
    shot(page, "vote")

    # a second vote: the page is open when the property enters the home's paper ballot;
    # the app's ballot is then refused in words and the page shows the paper one
    second = _open_vote(api, admin, community, f"增设非机动车充电桩（第{run:03d}号议题）")
    page.goto(f"/app/pages/votes/detail?id={second['id']}")
    expect(page.get_by_test_id("vote-submit")).to_be_visible()
    paper = api.post(
        f"/api/v1/votes/{second['id']}/paper-ballots",
        headers=admin,
        json={"room_id": home["room_id"], "choice": "disagree", "serial": f"P-{run:03d}-1"},
    )
    assert paper.status_code == 200, paper.text
    page.get_by_test_id("choice-agree").tap()
    page.get_by_test_id("vote-submit").tap()
    expect(page.get_by_test_id("vote-refused")).to_have_text(
        "您家已经投过票了（线上或纸质票），每套房屋只能投一票"
    )
    expect(page.get_by_test_id("vote-mine")).to_have_text("您的选择：反对（纸质票）")
    expect(page.get_by_test_id("vote-channels")).to_have_text("线上 0 票，纸质票 1 张")
    shot(page, "vote-refused")
    assert api.get(url, headers=resident).json()["my_ballot"]["choice"] == "agree"
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


def test_a_resident_votes_in_a_poll_and_keeps_the_receipt(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, admin = login("resident"), login("community_admin")
    community = home_of(api, resident)["community_id"]
    question = f"小区东门是否改为24小时开放？（{uuid.uuid4().hex[:6]}）"

    def readable() -> bool:
        # gov-affairs learns where 张伟 lives from identity's events after the stack starts
        r = api.get("/api/v1/polls", headers=resident, params={"community_id": community})
        assert r.status_code in (200, 403, 429), r.text
        return r.status_code == 200

    wait_until(readable, 300, "the resident's community in gov-affairs")
    now = datetime.now(UTC)
    made = api.post(
        "/api/v1/polls",
        headers=admin,
        json={
            "community_id": community,
            "question": question,
            "question_en": "Open the east gate day and night?",
            "options": [{"zh": "赞成", "en": "Yes"}, {"zh": "不赞成", "en": "No"}],
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(days=3)).isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    poll = made.json()

    page = phone(browser, gateway_url)
    sign_in(page)
    page.goto("/app/pages/services/index")
    page.get_by_test_id("service-votes").tap()
    card = page.get_by_test_id("poll").filter(has_text=question)
    expect(card).to_contain_text("表决中")
    card.tap()
    expect(page.get_by_test_id("poll-question")).to_have_text(question)
    page.get_by_test_id("poll-option-0").tap()
    with page.expect_response(
        lambda r: r.url.endswith(f"/api/v1/polls/{poll['id']}/votes") and r.request.method == "POST"
    ) as answer:
        page.get_by_test_id("poll-submit").tap()
    assert answer.value.status == 201, answer.value.text()
    kept = answer.value.json()["receipt"]
    expect(page.get_by_test_id("poll-receipt")).to_have_text(kept)
    expect(page.get_by_test_id("poll-results")).to_have_text("投票结束后公布结果")
    expect(page.get_by_test_id("poll-form")).to_have_count(0)
    shot(page, "poll")
    stored = api.get(f"/api/v1/polls/{poll['id']}", headers=resident).json()
    assert stored["voted"] is True and stored["results"] is None
    # the receipt is kept on the device: the poll's page shows it again
    page.reload()
    expect(page.get_by_test_id("poll-receipt")).to_have_text(kept)
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()


def test_a_resident_checks_in_with_the_venue_code_and_rates_the_activity(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, admin, office = login("resident"), login("community_admin"), login("gov_officer")
    community = home_of(api, resident)["community_id"]

    def readable() -> bool:
        # gov-affairs learns where 张伟 lives from identity's events after the stack starts
        r = api.get("/api/v1/activities", headers=resident, params={"community_id": community})
        assert r.status_code in (200, 403, 429), r.text
        return r.status_code == 200

    wait_until(readable, 300, "the resident's community in gov-affairs")
    title = f"社区健康讲座（第{uuid.uuid4().int % 1000:03d}场）"
    # it starts in two minutes: check-in opens half an hour before, rating at the start
    start = datetime.now(UTC) + timedelta(minutes=2)
    made = api.post(
        "/api/v1/activities",
        headers=admin,
        json={
            "community_id": community,
            "title": title,
            "description": "社区医生讲解高血压的日常管理。",
            "venue": "社区卫生服务站二楼",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 30,
        },
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/activities/{made.json()['id']}"
    for who, action in ((admin, "submit"), (office, "approve"), (admin, "announce")):
        r = api.post(f"{url}/steps", headers=who, json={"action": action})
        assert r.status_code == 200, (action, r.text)
    r = api.post(f"{url}/signups", headers=resident, json={"party": 1})
    assert r.status_code == 201, r.text
    assert r.json()["mine"]["status"] == "confirmed"
    code = api.get(f"{url}/check-in-code", headers=admin)
    assert code.status_code == 200, code.text

    page = phone(browser, gateway_url)
    sign_in(page)
    page.goto("/app/pages/activities/index")
    card = page.get_by_test_id("activity").filter(has_text=title)
    card.get_by_test_id("activity-check-in").tap()
    # H5 has no camera API: the code's content, as a scanner app reads it
    card.get_by_test_id("check-in-code").locator("input").fill("not-this-code")
    card.get_by_test_id("check-in-submit").tap()
    expect(card.get_by_test_id("activity-refused")).to_have_text("这不是本次活动的签到码")
    card.get_by_test_id("check-in-code").locator("input").fill(code.json()["code"])
    card.get_by_test_id("check-in-submit").tap()
    expect(card.get_by_test_id("activity-checked-in")).to_have_text("已签到")
    assert api.get(url, headers=resident).json()["mine"]["checked_in"] is True
    shot(page, "activity-checked-in")

    # rating opens once the activity has started (the service's clock, the same machine's)
    wait_until(lambda: datetime.now(UTC) > start + timedelta(seconds=1), 300, "the start")
    page.reload()
    card = page.get_by_test_id("activity").filter(has_text=title)
    card.get_by_test_id("star-4").tap()
    card.get_by_test_id("rating-comment").locator("textarea").fill("讲得很实用，希望多办")
    card.get_by_test_id("rating-submit").tap()
    expect(card.get_by_test_id("activity-rated")).to_have_text("已评价：4 星")
    mine = api.get(url, headers=resident).json()["mine"]
    assert (mine["checked_in"], mine["rating"]) == (True, 4)
    shot(page, "activity-rated")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()

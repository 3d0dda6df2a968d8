"""Legal services (法律服务, 6.5.4 c) in the residents' app, in a real browser at phone size (the
phone, sign-in and screenshots of test_e2e_resident_app.py), against the stack `make run`
starts, in a community of this test's own (test_e2e_legal_console.py's): the committee
registers a community lawyer and opens a consultation time with a fee (through the API);
the resident opens 法律服务 from the Services tab, sees the lawyer's free time with its fee in
yuan, books it for a housing matter with a question, and sees it in 我的预约; the office
records the consultation's outcome (through the API); the resident then sees it consulted,
with the lawyer's advice, and rates it four stars with a comment, once.

Screenshots go to tests-e2e/artifacts/app-legal-*.png (gitignored). Every wait is a
Playwright expectation or a polled condition with a generous bound; nothing sleeps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_legal_console import _community
from test_e2e_resident_app import phone, shot, sign_in

from e2e_kit import ok, token, wait_until

L = "/api/v1/legal"


def test_a_resident_books_a_lawyer_s_time_sees_it_done_and_rates_it(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        community = made["community"]["id"]
        office = token(api, made["ca"]["username"])
        resident = token(api, made["res"]["username"])
        lawyer_name = f"李律师{run}"
        lawyer = ok(
            api.post(
                f"{L}/lawyers",
                headers=office,
                json={
                    "community_id": community,
                    "account_id": made["law"]["id"],
                    "name": lawyer_name,
                    "firm": "北京市安居律师事务所",
                    "specialties": ["housing"],
                },
            )
        )
        start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        slot = {
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=45)).isoformat(),
            "place": "社区党群服务中心 法律服务室",
            "fee_fen": 5000,
        }
        opened = api.post(
            f"{L}/lawyers/{lawyer['id']}/slots", headers=office, json={"slots": [slot]}
        )
        assert opened.status_code == 201, opened.text

        def seen_by_resident() -> bool:
            # gov-affairs learns the new household from identity's events
            r = api.get(
                f"{L}/slots",
                headers=resident,
                params={"community_id": community, "free_only": True},
            )
            return r.status_code == 200 and any(
                s["lawyer_name"] == lawyer_name for s in r.json()["items"]
            )

        wait_until(seen_by_resident, 300, "the resident's household in gov-affairs")

        # the app: Services → 法律服务; the free time with its fee in yuan
        page = phone(browser, gateway_url)
        sign_in(page, made["res"]["username"])
        page.locator(".uni-tabbar__item").filter(has_text="服务").tap()
        page.get_by_test_id("service-legal").tap()
        free = page.get_by_test_id("legal-slot").filter(has_text=lawyer_name)
        expect(free).to_have_count(1)
        expect(free).to_contain_text("社区律师")
        expect(free.get_by_test_id("legal-slot-fee")).to_have_text("50.00元")
        expect(free).to_contain_text("社区党群服务中心 法律服务室")
        expect(free).to_contain_text("费用由律师收取，本应用不收费")
        shot(page, "legal-slots")

        # book it: the matter and the question
        question = f"物业费上涨未经业主大会表决，能否拒交？{run}"
        free.get_by_test_id("legal-book").tap()
        free.get_by_test_id("legal-topic-housing").tap()
        free.get_by_test_id("legal-question").locator("textarea").fill(question)
        free.get_by_test_id("legal-book-send").tap()
        mine = page.get_by_test_id("legal-booking").filter(has_text=question)
        expect(mine).to_have_count(1)
        expect(mine.get_by_test_id("legal-status")).to_have_text("已预约")
        expect(mine).to_contain_text(lawyer_name)
        expect(mine).to_contain_text("房产物业")
        expect(mine.get_by_test_id("legal-fee")).to_have_text("费用：50.00元")
        expect(mine.get_by_test_id("legal-rate")).to_have_count(0)
        expect(page.get_by_test_id("legal-slot").filter(has_text=lawyer_name)).to_have_count(0)
        shot(page, "legal-booked")

        # the office records the consultation (the API the console uses)
        booked = ok(api.get(f"{L}/bookings", headers=resident), 200)["items"]
        booking = next(b for b in booked if b["question"] == question)
        assert (booking["status"], booking["topic"], booking["fee_fen"]) == (
            "booked",
            "housing",
            5000,
        )
        advice = "物业费调整须依合同约定及业主大会决定，建议先与物业书面协商。"
        done = api.post(
            f"{L}/bookings/{booking['id']}/outcome", headers=office, json={"outcome": advice}
        )
        assert done.status_code == 200, done.text

        # the resident: consulted, the advice shown; rated four stars with a comment, once
        page.reload()
        mine = page.get_by_test_id("legal-booking").filter(has_text=question)
        expect(mine.get_by_test_id("legal-status")).to_have_text("已咨询")
        expect(mine).to_contain_text(advice)
        expect(mine.get_by_test_id("legal-cancel")).to_have_count(0)
        mine.get_by_test_id("legal-rate").tap()
        mine.get_by_test_id("stars").locator(".wd-rate__item").nth(3).tap()
        expect(mine.get_by_test_id("legal-rate-box")).to_contain_text("满意")
        mine.get_by_test_id("legal-comment").locator("input").fill("讲解清楚，很有帮助")
        mine.get_by_test_id("legal-rate-send").tap()
        expect(mine.get_by_test_id("legal-rated")).to_have_text(
            "您的评价：4 星 · 讲解清楚，很有帮助"
        )
        expect(mine.get_by_test_id("legal-rate")).to_have_count(0)
        shot(page, "legal-rated")

        rated = ok(api.get(f"{L}/bookings/{booking['id']}", headers=office), 200)
        assert (rated["status"], rated["rating"], rated["rating_comment"]) == (
            "done",
            4,
            "讲解清楚，很有帮助",
        )
        assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
        page.context.close()

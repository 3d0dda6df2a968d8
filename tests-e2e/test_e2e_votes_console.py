"""An owners' assembly vote through the gateway and in the console (issue 24, Civil Code
art. 278), on the stack `make run` starts with its demo community: the community admin
opens a vote on the room register identity published (owners and exclusive areas), 张伟
votes in the app once (a second ballot is refused), and the console's 业主大会表决 page
shows the live tally: each threshold with its numbers, met or missed, in words. Every wait
is bounded and generous; nothing sleeps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from e2e_kit import home_of, wait_until


def test_an_owner_votes_once_and_the_committee_reads_the_live_tally(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    title = f"更换1号楼电梯（第{uuid.uuid4().int % 1000:03d}号议题）"
    now = datetime.now(UTC)
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        resident = login("resident")
        admin = login("community_admin")
        community = home_of(api, resident)["community_id"]
        body = {
            "community_id": community,
            "title": title,
            "title_en": "Replace the lifts of building 1",
            "matter": "special",
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
        }

        def opened() -> dict[str, Any] | None:
            # gov-affairs learns the register from identity's events after the stack starts
            r = api.post("/api/v1/votes", json=body, headers=admin)
            if r.status_code == 429 or (
                r.status_code == 422 and r.json()["code"] == "vote.no_owners"
            ):
                return None
            assert r.status_code == 201, r.text
            return dict(r.json())

        vote = wait_until(opened, 300, "the room register in gov-affairs")
        assert vote["eligible"] >= 1 and float(vote["total_area_m2"]) > 0
        url = f"/api/v1/votes/{vote['id']}"
        cast = api.post(f"{url}/ballots", json={"choice": "agree"}, headers=resident)
        assert cast.status_code == 200, cast.text
        assert cast.json()["my_ballot"]["choice_name"]["zh"] == "同意"
        again = api.post(f"{url}/ballots", json={"choice": "disagree"}, headers=resident)
        assert again.status_code == 409 and again.json()["code"] == "vote.already_cast"
        tally = api.get(url, headers=admin).json()
        heads = next(c for c in tally["checks"] if c["key"] == "participation_heads")
        assert heads["counted"] == "1"

        page = signed_in(browser, gateway_url, "community_admin")
        expect(page.get_by_test_id("menu-votes")).to_be_attached()
        page.goto("/console/gov/votes")
        row = page.locator(".el-table__row", has_text=title)
        expect(row).to_contain_text("表决中")
        expect(row).to_contain_text("特别事项（四分之三以上同意）")
        row.get_by_test_id("vote-show").click()
        card = page.get_by_test_id("vote-tally")
        expect(card).to_contain_text(title)
        expect(page.get_by_test_id("vote-verdict")).to_contain_text("表决进行中，按目前的票数")
        checks = page.get_by_test_id("vote-checks")
        line = checks.locator(".el-table__row", has_text="参与表决的业主人数")
        expect(line).to_contain_text(f"1 / {heads['of']}")
        expect(line).to_contain_text("三分之二以上")
        expect(line).to_contain_text("未达到" if not heads["met"] else "已达到")
        agreeing = checks.locator(".el-table__row", has_text="同意的业主人数")
        expect(agreeing).to_contain_text("已达到")
        expect(page.get_by_test_id("vote-shares")).to_contain_text("线上 1 票，纸质票 0 张")
        shot(page, "gov-votes")

"""A community activity from plan to generated summary in the console (社区活动, issue 24
item 1, 6.6), on the stack `make run` starts: in a community of this test's own, one
committee member plans an activity in the browser (venue, time, one place, the audience a
building) and submits it; another approves and announces it. One resident signs up and has
the place, a second waits; the first checks in with the code the venue's QR carries (read
off the console) and rates the activity once it has begun. The organiser finishes it,
archives it with a photo uploaded in the browser, reads the generated summary as a page (who
came, the rating and comment in words, the photo) and downloads its PDF. Every wait is
bounded and generous and waits for a condition; nothing sleeps."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, Locator, Page, expect
from test_e2e_commerce_console import png
from test_e2e_console import shot, signed_in

from e2e_kit import ok, pick, token, wait_until

A = "/api/v1/activities"
# the activity starts this long after it is planned (sign-ups close at the start, rating
# opens then): the test waits for that start on the service's clock, so the lead is most
# of the test's time (5 min made it 311 s of the e2e stage's ~20 min); the browser's
# steps from planning to the check-in take well under a minute
LEAD_MIN = 3


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community with one building of two flats and their households; two committee
    members (the organiser and the approver) and a resident of each flat."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"AC{run}", "name": f"活动测试社区{run}", "address": "测试路6号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": f"活动{run}号楼", "floors": 6},
        )
    )
    u = ok(
        api.post(
            "/api/v1/units",
            headers=admin,
            json={"building_id": b["id"], "code": "1", "name": "1单元"},
        )
    )
    homes = []
    for code in ("101", "102"):
        room = ok(
            api.post(
                "/api/v1/rooms", headers=admin, json={"unit_id": u["id"], "floor": 1, "code": code}
            )
        )
        homes.append(
            ok(api.post("/api/v1/households", headers=admin, json={"room_id": room["id"]}))
        )
    people: dict[str, Any] = {"community": c, "building": b}
    for who, grants in (
        ("org", [{"role": "community_admin", "scope_type": "community", "scope_id": c["id"]}]),
        ("ok", [{"role": "gov_officer", "scope_type": "community", "scope_id": c["id"]}]),
        ("r1", [{"role": "resident", "scope_type": "household", "scope_id": homes[0]["id"]}]),
        ("r2", [{"role": "resident", "scope_type": "household", "scope_id": homes[1]["id"]}]),
    ):
        people[who] = ok(
            api.post(
                "/api/v1/accounts",
                headers=admin,
                json={
                    "username": f"ac{run}{who}",
                    "display_name": f"活动测试{who}",
                    "password": DEMO_PASSWORD,
                    "grants": grants,
                },
            )
        )
    return people


def _local(page: Page, minutes: int) -> str:
    """The browser's own wall clock ``minutes`` from now, as the date picker takes it."""
    return str(
        page.evaluate(
            """(m) => {
              const d = new Date(Date.now() + m * 60000);
              const p = (n) => String(n).padStart(2, "0");
              return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
                `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
            }""",
            minutes,
        )
    )


def _row(page: Page, title: str) -> Locator:
    return page.locator(".el-table__row", has_text=title)


@pytest.mark.timeout(2700)  # the stack's start (20+ min under load), then the activity's start
def test_an_activity_from_plan_to_its_summary_with_a_photo(
    browser: Browser, gateway_url: str, login: Any, tmp_path: Path
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    title = f"重阳节敬老包饺子{run}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        community = made["community"]["id"]
        r1, r2 = token(api, made["r1"]["username"]), token(api, made["r2"]["username"])

        def known() -> bool:
            # gov-affairs learns the new households from identity's events
            return all(
                api.get(A, headers=who, params={"community_id": community}).status_code == 200
                for who in (r1, r2)
            )

        wait_until(known, 300, "the residents' households in gov-affairs")

        organiser = signed_in(browser, gateway_url, made["org"]["username"])
        approver = signed_in(browser, gateway_url, made["ok"]["username"])
        for page in (organiser, approver):
            expect(page.get_by_test_id("menu-activities")).to_be_attached()
            page.goto("/console/gov/activities")

        # the organiser plans it: venue, time, one place, the audience one building
        organiser.get_by_test_id("create").click()
        dialog = organiser.locator(".el-dialog:visible")
        field = lambda label: dialog.locator(".el-form-item", has_text=label)  # noqa: E731
        field("标题").locator("input").fill(title)
        field("活动内容").locator("textarea").fill("社区老年人和志愿者一起包饺子，欢迎报名。")
        field("地点").locator("input").fill("社区活动室（1号楼一层）")
        for label, minutes in (("开始时间", LEAD_MIN), ("结束时间", LEAD_MIN + 120)):
            box = field(label).locator("input")
            box.fill(_local(organiser, minutes))
            box.press("Enter")
        dialog.locator(".el-dialog__title").click()  # the pickers closed
        field("名额").locator("input").fill("1")
        pick(organiser, field("面向楼栋").locator(".el-select"), made["building"]["name"])
        dialog.locator(".el-dialog__title").click()
        dialog.get_by_test_id("save").click()
        row = _row(organiser, title)
        expect(row).to_contain_text("策划中")
        expect(row).to_contain_text("社区活动室（1号楼一层）")
        row.get_by_test_id("activity-submit").click()
        expect(row).to_contain_text("待审核")

        # another member approves and announces it
        approver.reload()
        theirs = _row(approver, title)
        expect(theirs).to_contain_text("待审核")
        theirs.get_by_test_id("activity-approve").click()
        expect(theirs).to_contain_text("已审核")
        theirs.get_by_test_id("activity-announce").click()
        expect(theirs).to_contain_text("报名中")

        [found] = [
            a
            for a in ok(api.get(A, headers=r1, params={"community_id": community}), 200)["items"]
            if a["title"] == title
        ]
        url = f"{A}/{found['id']}"
        first = ok(api.post(f"{url}/signups", headers=r1, json={"party": 1}))
        assert first["mine"]["status_name"] == {"zh": "已报名", "en": "you have a place"}
        second = ok(api.post(f"{url}/signups", headers=r2, json={"party": 1}))
        assert second["mine"]["status_name"]["zh"] == "候补中"
        assert second["mine"]["waiting_position"] == 1

        # the console counts the place taken and the one waiting
        approver.reload()
        expect(theirs.locator("td").nth(3)).to_have_text("1/1")
        expect(theirs.locator("td").nth(4)).to_have_text("1")

        # the venue's QR code, read off the console; only the one with a place checks in
        theirs.get_by_test_id("activity-check-in-code").click()
        code = approver.get_by_test_id("activity-code").inner_text().strip()
        assert code
        approver.locator(".el-message-box").get_by_role("button", name="知道了").click()
        waiting = api.post(f"{url}/check-in", headers=r2, json={"code": code})
        assert waiting.status_code == 422 and waiting.json()["code"] == "activity.no_place"
        came = ok(api.post(f"{url}/check-in", headers=r1, json={"code": code}), 200)
        assert came["mine"]["checked_in"] is True

        comment = "饺子很好吃，志愿者很热心"

        def rated() -> dict[str, Any] | None:
            # a rating is for an activity that has begun (activity.not_yet before)
            r = api.post(f"{url}/rating", headers=r1, json={"stars": 5, "comment": comment})
            if r.status_code == 422 and r.json()["code"] == "activity.not_yet":
                return None
            return ok(r, 200)

        assert wait_until(rated, LEAD_MIN * 60 + 300, "the activity's start")["mine"]["rating"] == 5

        # the organiser finishes it and archives it with a photo
        organiser.reload()
        row.get_by_test_id("activity-finish").click()
        expect(row).to_contain_text("已结束")
        row.get_by_test_id("activity-archive").click()
        photo = tmp_path / "包饺子.png"
        photo.write_bytes(png(8, 6))
        form = organiser.get_by_test_id("activity-archive-form")
        form.get_by_test_id("activity-photo-upload").locator("input[type=file]").set_input_files(
            str(photo)
        )
        expect(form.locator("[data-test=activity-archive-photos] img")).to_have_count(1)
        notes = "活动气氛热烈，老人们收到了志愿者包的饺子。"
        notes_box = "[data-test=activity-archive-notes]"
        organiser.locator(f"textarea{notes_box}, {notes_box} textarea").fill(notes)
        organiser.get_by_test_id("activity-archive-save").click()
        expect(row).to_contain_text("已归档")

        # the summary as a page: who came, the rating and comment, the photo; then its PDF
        row.get_by_test_id("activity-summary").click()
        expect(organiser.get_by_test_id("activity-summary-title")).to_have_text(f"{title}活动小结")
        text = organiser.get_by_test_id("activity-summary-text")
        expect(text).to_contain_text(f"在社区活动室（1号楼一层）举办了“{title}”活动")
        expect(text).to_contain_text("共有1人报名，实到1人，到场率100%")
        expect(text).to_contain_text("1位居民参与评价，平均5.0分（满分5分）")
        expect(text).to_contain_text(notes)
        expect(organiser.get_by_test_id("activity-summary-comments")).to_contain_text(comment)
        picture = organiser.get_by_test_id("activity-summary-photos").locator("img")
        expect(picture).to_have_count(1)
        wait_until(
            lambda: picture.evaluate("(img) => img.complete && img.naturalWidth") == 8,
            60,
            "the archived photo drawn",
        )
        shot(organiser, "gov-activity-summary")
        with organiser.expect_download() as download:
            organiser.get_by_test_id("activity-summary-pdf").click()
        assert download.value.suggested_filename == f"{title}活动小结.pdf"
        with open(download.value.path(), "rb") as f:
            assert f.read(5) == b"%PDF-"
        organiser.context.close()
        approver.context.close()

        # what residents read is the same summary
        summary = ok(api.get(f"{url}/summary", headers=r2), 200)
        assert summary["came"] == 1 and summary["comments"] == [comment]

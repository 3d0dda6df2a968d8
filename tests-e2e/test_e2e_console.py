"""The web console in a real browser (Debian's Chromium driven by Playwright) against the
stack `make run` starts (the session's `gateway_url`; its console is built by that start).

- sign-in is identity's own page (the console holds no password); signing out ends that
  page's session too, and a callback the console did not start is refused;
- property staff sign in, see their menus (not the admins'), see a smoke alarm arrive live
  after a device reading (no reload), acknowledge it, open its work order and reply with a
  photo that then shows in the case's timeline;
- a resident sees their own household and its members, and nobody else's;
- the big screen renders its panels with the overview's live numbers and the map;
- an auditor verifies today's audit chain;
- a parking manager reads a car park's free spaces drop when a car enters (and the gate desk
  shows the car's passage by itself), the month's bills with their collection rate, and
  changes a tariff's free minutes in its dialog;
- the community, then the street office, approve an application in the service hall's inbox,
  and its elder appears (masked) in the welfare register.

Screenshots of the main pages go to tests-e2e/artifacts/ (gitignored). Every wait is a
Playwright expectation with a generous bound; nothing sleeps.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conftest import ARTIFACTS, DEMO_PASSWORD, SLOW
from playwright.sync_api import Browser, Page, expect
from test_e2e_gov_hall import _apply as hall_apply
from test_e2e_gov_hall import _id as hall_id
from test_e2e_gov_hall import _upload as hall_upload
from test_e2e_safety_loop import alarms_of, png

from e2e_kit import home_of, register_device, wait_until


def signed_in(browser: Browser, gateway_url: str, username: str, **viewport: int) -> Page:
    context = browser.new_context(
        base_url=gateway_url,
        viewport={"width": viewport.get("width", 1440), "height": viewport.get("height", 900)},
        locale="zh-CN",
    )
    context.set_default_timeout(SLOW)
    page = context.new_page()
    page.goto("/console/")
    # the console holds no password: it sends people to identity's own sign-in page
    # (authorization code with PKCE) and takes the code back at /console/callback
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("heading")).to_have_text("智慧社区 统一登录")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login").click()
    expect(page.get_by_test_id("who")).to_be_visible()
    return page


def shot(page: Page, name: str) -> None:
    # the pop-ups of arriving messages would cover the page in the picture
    page.evaluate("document.querySelectorAll('.el-notification').forEach((n) => n.remove())")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.exclusive("demo-alarms")
def test_staff_see_a_smoke_alarm_live_ack_it_and_reply_to_its_work_order_with_a_photo(
    browser: Browser,
    gateway_url: str,
    login: Any,
) -> None:
    page = signed_in(browser, gateway_url, "property_staff")
    # menus follow the roles: staff handle alarms and cases; accounts and audit are not theirs
    expect(page.get_by_test_id("menu-alarms")).to_be_attached()
    expect(page.get_by_test_id("menu-work-orders")).to_be_attached()
    expect(page.get_by_test_id("menu-accounts")).to_have_count(0)
    expect(page.get_by_test_id("menu-audit")).to_have_count(0)
    shot(page, "home")

    page.goto("/console/alarms")
    expect(page.get_by_test_id("live-state")).to_have_text("实时连接")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, login("resident"))
        device, token = register_device(
            api,
            login("community_admin"),
            f"ui-smoke-{uuid.uuid4().hex[:6]}",
            "smoke_detector",
            home,
        )
        r = api.post(f"/api/v1/{token}/telemetry", json={"smokeDetected": True})
        assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
        [alarm] = wait_until(
            lambda: alarms_of(api, login("property_staff"), device), 60, "the alarm"
        )

    # the alarm arrives in the open page over the stream: a row named by its type, critical
    assert alarm["alarm_type"] == "smoke"
    row = page.locator(".el-table__row", has_text="烟感告警").first
    expect(row).to_be_visible(timeout=60_000)
    expect(row).to_contain_text("紧急")
    expect(row).to_contain_text("未确认")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    shot(page, "alarms")

    row.get_by_test_id("ack").click()
    row = page.locator(".el-table__row", has_text="烟感告警").first
    expect(row).to_contain_text("已确认")

    # its work order, from the alarm's detail
    row.get_by_test_id("alarm-title").click()
    page.get_by_test_id("alarm-work-order").click()
    expect(page).to_have_url(re.compile(r"/console/work-orders/[0-9a-f-]{36}$"), timeout=60_000)
    expect(page.get_by_test_id("sla")).not_to_be_empty()
    page.get_by_test_id("wo-accept").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("受理")

    photo = ARTIFACTS / "reply-photo.png"
    photo.write_bytes(png())
    reply = f"已到现场排查，烟感误报原因已记录 {uuid.uuid4().hex[:4]}"
    page.get_by_test_id("reply-text").fill(reply)
    page.get_by_test_id("reply-photo").locator("input[type=file]").set_input_files(str(photo))
    expect(page.locator(".el-upload-list__item.is-success")).to_have_count(1)
    page.get_by_test_id("reply-send").click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(reply)
    entry = page.locator(".el-timeline-item", has_text=reply)
    expect(entry.get_by_test_id("photo").locator("img")).to_be_visible()
    shot(page, "work-order")


def test_signing_out_ends_the_sign_in_and_a_forged_callback_is_refused(
    browser: Browser, gateway_url: str
) -> None:
    page = signed_in(browser, gateway_url, "property_manager")
    page.get_by_test_id("logout").click()
    # back on the console's sign-in page, and identity's session is gone with it: the next
    # sign-in asks for the password again instead of signing straight back in
    expect(page.get_by_test_id("sign-in")).to_be_visible()
    assert page.evaluate("localStorage.getItem('sc-console-tokens')") is None
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_test_id("password")).to_be_visible()

    # a code arriving at the callback without this tab's sign-in (its state) is not taken
    page.goto("/console/callback?code=not-ours&state=forged")
    expect(page.get_by_test_id("login-error")).to_contain_text("登录已过期或不是从本页发起")
    assert page.evaluate("localStorage.getItem('sc-console-tokens')") is None
    page.context.close()


def test_a_resident_sees_their_household_and_no_one_elses(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        mine = api.get("/api/v1/persons", headers=login("resident"), params={"limit": 100})
        assert mine.status_code == 200, mine.text
        members = [p["name"] for p in mine.json()["items"] if p.get("name")]
        theirs = api.get("/api/v1/persons", headers=login("tenant"), params={"limit": 100})
        others = [p["name"] for p in theirs.json()["items"] if p.get("name")]
    assert members and others

    page = signed_in(browser, gateway_url, "resident")
    for staff_only in ("menu-devices", "menu-alarm-rules", "menu-accounts", "menu-audit"):
        expect(page.get_by_test_id(staff_only)).to_have_count(0)
    page.goto("/console/my-home")
    household = page.get_by_test_id("my-household")
    expect(household).to_have_count(1)
    for name in members:
        expect(household.get_by_test_id("members")).to_contain_text(name)
    shot(page, "my-home")

    page.goto("/console/register/persons")
    table = page.get_by_test_id("list")
    expect(table).to_contain_text(members[0])
    expect(page.locator(".el-pagination")).to_contain_text(f"共 {len(mine.json()['items'])} 条")
    for name in others:
        expect(table).not_to_contain_text(name)


@pytest.mark.exclusive("demo-alarms")
def test_the_big_screen_shows_the_overview_live(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    page = signed_in(browser, gateway_url, "community_admin", width=1920, height=1080)
    admin = login("community_admin")
    api = httpx.Client(base_url=gateway_url, timeout=30, headers=admin)
    community = home_of(api, login("resident"))["community_id"]

    def overview() -> dict[str, Any]:
        r = api.get("/api/v1/overview", params={"community_id": community})
        assert r.status_code == 200, r.text
        return dict(r.json())

    def same_as_the_list() -> bool:  # counts, not lists, equal to the lists' totals
        counted = sum(c["count"] for c in overview()["alarms"]["active_by_severity"])
        listed = api.get(
            "/api/v1/alarms", params={"community_id": community, "active": True, "limit": 1}
        ).json()["total"]
        return bool(counted == listed)

    wait_until(same_as_the_list, 60, "the overview's alarm count to equal the list's")
    assert overview()["map"]["features"], "the map has the community's places"

    page.goto("/console/screen")

    def shows(test_id: str, value: Callable[[dict[str, Any]], Any]) -> bool:
        shown = page.get_by_test_id(test_id).locator("b").inner_text()
        return shown == str(value(overview()))

    # the screen's numbers are the overview's (it refreshes on every alarm and every 30 s)
    wait_until(lambda: shows("screen-wo-open", lambda o: o["work_orders"]["open"]), 90, "open")
    wait_until(lambda: shows("screen-devices-online", lambda o: o["devices"]["online"]), 90, "on")
    wait_until(
        lambda: shows(
            "screen-alarms-active",
            lambda o: sum(c["count"] for c in o["alarms"]["active_by_severity"]),
        ),
        90,
        "the active alarms on the screen",
    )
    # a new alarm arrives on the open screen: its counter moves and it tops the live list
    before = int(page.get_by_test_id("screen-alarms-active").locator("b").inner_text())
    home = home_of(api, login("resident"))
    _, token = register_device(
        api, admin, f"ui-screen-{uuid.uuid4().hex[:6]}", "smoke_detector", home
    )
    assert api.post(f"/api/v1/{token}/telemetry", json={"smokeDetected": True}).status_code == 200
    expect(page.get_by_test_id("screen-alarms-active").locator("b")).to_have_text(
        str(before + 1), timeout=60_000
    )
    expect(page.get_by_test_id("screen-live").locator("li.critical").first).to_be_visible()
    for panel in ("screen-devices", "screen-severity", "screen-energy"):
        expect(page.get_by_test_id(panel).locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("screen-live")).to_be_visible()
    # the map draws the GeoJSON places (no tiles configured: a blank canvas)
    expect(page.locator("[data-test=screen-map] path.leaflet-interactive").first).to_be_attached()
    shot(page, "big-screen")
    api.close()


def test_an_auditor_verifies_todays_chain(browser: Browser, gateway_url: str) -> None:
    page = signed_in(browser, gateway_url, "auditor")
    expect(page.get_by_test_id("menu-audit")).to_be_attached()
    expect(page.get_by_test_id("menu-devices")).to_have_count(0)
    page.goto("/console/audit")
    expect(page.get_by_test_id("list").locator(".el-table__row").first).to_be_visible()
    page.get_by_test_id("verify").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("校验通过")
    shot(page, "audit")


@pytest.mark.exclusive("demo-car-park")
def test_parking_staff_see_a_car_park_s_free_spaces_drop_when_a_car_enters(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    """The car park page shows the gate's count: a temporary car read at a new entry camera
    takes one space, and the manager reads it in the table (剩余车位) after a search."""
    manager = login("property_manager")
    with httpx.Client(base_url=gateway_url, timeout=30, headers=manager) as api:
        community = home_of(api, login("resident"))["community_id"]

        def lot() -> dict[str, Any]:
            r = api.get("/api/v1/parking/lots", params={"community_id": community})
            assert r.status_code == 200, r.text
            return dict(next(x for x in r.json() if x["name"] == "幸福里地面停车场"))

        before = lot()
        page = signed_in(browser, gateway_url, "property_manager")
        expect(page.get_by_test_id("menu-parking-lots")).to_be_attached()
        expect(page.get_by_test_id("menu-welfare")).to_have_count(0)  # the civil office's
        page.goto("/console/parking/lots")
        row = page.locator(".el-table__row", has_text="幸福里地面停车场")
        expect(row.get_by_test_id("lot-free")).to_have_text(str(before["free"]))
        expect(row).to_contain_text(str(before["capacity"]))

        camera = f"E2E-CAM-{uuid.uuid4().hex[:6].upper()}"
        gate = api.post(
            "/api/v1/parking/gates",
            json={
                "lot_id": before["id"],
                "name": "北门入口",
                "direction": "entry",
                "camera_id": camera,
                "barrier_device_id": camera.replace("CAM", "BARRIER"),
            },
        )
        assert gate.status_code == 201, gate.text
        plate = f"京Q{uuid.uuid4().int % 100000:05d}"
        # the gate desk (岗亭) is open on a staff member's screen before the car arrives
        desk = signed_in(browser, gateway_url, "property_staff")
        expect(desk.get_by_test_id("menu-parking-desk")).to_be_attached()
        desk.goto("/console/parking/desk")
        expect(desk.get_by_role("heading", name="岗亭值守：过车记录")).to_be_visible()
        stamp = {"Timeval": {"sec": int(time.time()), "usec": 0}}
        read = {
            "AlarmInfoPlate": {
                "serialno": camera,
                "result": {
                    "PlateResult": {
                        "license": plate,
                        "colorType": 1,
                        "confidence": 96,
                        "timeStamp": stamp,
                    }
                },
            }
        }
        r = api.post(
            f"/api/v1/parking/anpr/{gate.json()['camera_token']}/alarm-info-plate", json=read
        )
        assert r.status_code == 200, r.text
        after = lot()
        assert after["free"] == before["free"] - 1, (before, after)

        page.get_by_role("button", name="查询").click()
        expect(row.get_by_test_id("lot-free")).to_have_text(str(after["free"]))
        shot(page, "parking-lots")

        # the desk shows the car's passage without a click (it refreshes itself): the plate,
        # the gate's name and the decision in words, never the enum's value
        passage = desk.get_by_test_id("desk-list").locator(".el-table__row", has_text=plate)
        expect(passage.get_by_test_id("desk-gate-name")).to_have_text("北门入口")
        expect(passage.get_by_test_id("desk-decision")).to_have_text("放行")
        expect(passage).to_contain_text("临时车入场")
        expect(passage).not_to_contain_text("entry_temporary")
        shot(desk, "parking-desk")
        desk.context.close()

        # the month's bills and the collection rate (收缴率), as the API counts them
        first = api.get("/api/v1/property-bills", params={"limit": 1}).json()["items"][0]
        period = first["period"]
        # a bill names the flat as people say it (幸福里社区 1号楼1单元101室), never its id
        assert re.search(r"\d+号楼\d+单元\d+室", first["room_label"]), first["room_label"]
        rate = api.get(
            "/api/v1/property-bills/collection",
            params={"community_id": community, "period": period},
        ).json()
        page.goto("/console/payments/bills")
        expect(page.get_by_test_id("paid-bills")).to_have_text(
            f"已缴 {rate['paid_bills']} / {rate['bills']} 户"
        )
        expect(page.get_by_test_id("list")).to_contain_text(period)
        expect(page.get_by_test_id("list")).to_contain_text("¥")
        expect(page.get_by_test_id("list")).to_contain_text(re.compile(r"\d+号楼\d+单元\d+室"))
        shot(page, "property-bills")

        # a manager changes a tariff's free minutes in the dialog; the list shows the new value
        name = f"E2E临时车{uuid.uuid4().hex[:4]}"
        r = api.post(
            "/api/v1/parking/tariffs",
            json={"community_id": community, "name": name, "rules": {"unit_price": 300}},
        )
        assert r.status_code == 201, r.text
        assert r.json()["rules"]["free_minutes"] == 15
        page.goto("/console/parking/tariffs")
        tariff = page.get_by_test_id("list").locator(".el-table__row", has_text=name)
        expect(tariff.get_by_test_id("tariff-free")).to_have_text("15")
        tariff.get_by_test_id("tariff-edit").click()
        dialog = page.get_by_role("dialog", name="修改收费标准")
        minutes = dialog.locator(
            "[data-test=tariff-free-minutes] input, input[data-test=tariff-free-minutes]"
        )
        expect(minutes).to_have_value("15")
        minutes.fill("45")
        minutes.press("Tab")
        page.get_by_test_id("tariff-save").click()
        expect(dialog).to_be_hidden()
        expect(tariff.get_by_test_id("tariff-free")).to_have_text("45")
        expect(tariff).to_contain_text("45 分钟内免费，每 60 分钟 ¥3.00")
        changed = api.get("/api/v1/parking/tariffs", params={"community_id": community}).json()
        assert next(x for x in changed if x["name"] == name)["rules"]["free_minutes"] == 45
        shot(page, "parking-tariffs")


def test_a_committee_and_the_street_office_approve_an_application_in_order(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    """A family member applies for an elder's old-age allowance without the letter of
    authority (the residents' app's calls), adds it when asked; the community signs in the
    console's approval inbox, then the street office; the elder joins the welfare register."""
    family = login("family")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, login("resident"))
        form = {
            "name": "赵桂芝",
            "id_number": hall_id("19360517"),
            "hukou_local": True,
            "on_behalf": True,
            "proxy_name": "李娜",
            "phone": "13812345678",
            "bank_account": "6222020200112233446",
        }
        asked = hall_apply(
            api,
            family,
            {
                "item_code": "old_age_allowance",
                "household_id": home["household_id"],
                "data": form,
                "materials": hall_upload(api, family, "id_card", "hukou_book", "bank_card"),
            },
        )
        assert asked["status"] == "needs_more", asked
        letter = hall_upload(api, family, "proxy_letter")["proxy_letter"]
        r = api.post(
            f"/api/v1/hall/applications/{asked['id']}/materials",
            headers=family,
            json={"material": "proxy_letter", "files": letter},
        )
        assert r.status_code == 200, r.text
        r = api.post(f"/api/v1/hall/applications/{asked['id']}/resubmit", headers=family)
        assert r.status_code == 200 and r.json()["status"] == "in_review", r.text
    number = asked["number"]

    page = signed_in(browser, gateway_url, "community_admin")
    page.goto("/console/gov/hall-inbox")
    row = page.locator(".el-table__row", has_text=number)
    expect(row).to_contain_text("高龄补贴申请")
    expect(row).to_contain_text("审核中")
    expect(row).to_contain_text("赵桂芝")
    row.get_by_test_id("hall-open").click()
    detail = page.get_by_test_id("hall-detail")
    expect(detail).to_contain_text("110***")  # the ID number masked for staff
    expect(detail).not_to_contain_text(form["id_number"])
    expect(detail.get_by_test_id("hall-materials")).to_contain_text("代办委托书")
    expect(detail).to_contain_text("已补正")
    shot(page, "hall-application")
    detail.get_by_test_id("hall-comment").fill("材料已核，同意")
    detail.get_by_test_id("hall-approve").click()
    steps = detail.get_by_test_id("hall-steps")
    expect(steps.locator(".el-step").nth(0)).to_contain_text("已通过")
    expect(steps.locator(".el-step").nth(1)).to_contain_text("办理中")
    expect(page.locator(".el-table__row", has_text=number)).to_have_count(0)  # not mine now
    page.context.close()

    page = signed_in(browser, gateway_url, "gov_officer")
    page.goto("/console/gov/hall-inbox")
    row = page.locator(".el-table__row", has_text=number)
    row.get_by_test_id("hall-open").click()
    detail = page.get_by_test_id("hall-detail")
    detail.get_by_test_id("hall-approve").click()
    expect(detail).to_contain_text("已办结（通过）")
    page.goto("/console/gov/welfare")
    register = page.get_by_test_id("welfare-register").get_by_test_id("list")
    expect(register).to_contain_text("赵*芝")
    expect(register).to_contain_text("高龄补贴")
    expect(register).not_to_contain_text("赵桂芝")
    shot(page, "welfare-register")

    # the street office reads the residents' surveys too: as many as the API lists for it
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        r = api.get("/api/v1/evaluation/surveys", headers=login("gov_officer"))
        assert r.status_code == 200, r.text
    page.goto("/console/evaluation/surveys")
    expect(page.locator(".el-pagination")).to_contain_text(f"共 {r.json()['total']} 条")

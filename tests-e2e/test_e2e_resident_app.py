"""The residents' app (apps/resident, uni-app) in a real browser at phone size: Debian's
Chromium driven by Playwright with a phone's viewport and touch, against the stack
`make run` starts (the session's `gateway_url`; its start builds the app, which the gateway
serves under /app/). The staff side is driven through the gateway's API, or the console.

- a resident signs in with an SMS code (read from the development sink); a wrong code is
  refused in words;
- a resident signs in, reports a leaking pipe with a photo and their position, sees the
  property accept it live (no reload), confirms the fix and rates it;
- the resident presses SOS (two taps from home) and the property's console shows the alarm
  live; the nearest shelter and the supplies are listed;
- a visitor pass with its QR, a door opened from the app, the household's electricity by
  day as a chart, large text and high contrast;
- the WeChat mini-program package of the same build is complete (checked structurally: it
  cannot run here without WeChat's tools).

Screenshots go to tests-e2e/artifacts/app-*.png (gitignored). Every wait is a Playwright
expectation or a polled condition with a generous bound; nothing sleeps.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ARTIFACTS, DEMO_PASSWORD, SLOW
from playwright.sync_api import Browser, Page, expect
from test_e2e_console import signed_in
from test_e2e_safety_loop import png

from e2e_kit import home_of, register_device, wait_until

PHONE = {"width": 390, "height": 844}
# the demo community's coordinates are near here; the browser reports this position
POSITION = {"latitude": 31.2304, "longitude": 121.4737}


def phone(browser: Browser, gateway_url: str) -> Page:
    context = browser.new_context(
        base_url=gateway_url,
        viewport=PHONE,
        device_scale_factor=1,  # small screenshots for the README
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation=POSITION,
        permissions=["geolocation"],
    )
    context.set_default_timeout(SLOW)
    page = context.new_page()
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not r.url.startswith((gateway_url, "data:", "blob:"))
            else None
        ),
    )
    page.external_requests = external  # type: ignore[attr-defined]
    return page


def sign_in(page: Page, username: str = "resident") -> None:
    page.goto("/app/")
    # not signed in: the app opens its sign-in page
    expect(page).to_have_url(re.compile(r"/app/pages/login/index"))
    page.get_by_test_id("tab-password").tap()  # the SMS code is the default way in
    page.get_by_test_id("username").locator("input").fill(username)
    page.get_by_test_id("password").locator("input").fill(DEMO_PASSWORD)
    page.get_by_test_id("login").tap()
    expect(page.get_by_test_id("my-place")).to_be_visible()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"app-{name}.png"))


def case(api: httpx.Client, headers: dict[str, str], wo: str) -> dict[str, Any]:
    r = api.get(f"/api/v1/work-orders/{wo}", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_resident_reports_a_leak_with_a_photo_sees_it_accepted_live_and_rates_it(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    household = home_of(api, login("resident"))
    page = phone(browser, gateway_url)
    sign_in(page)
    # home: the household's place in words, the SOS button, messages and open cases
    expect(page.get_by_test_id("my-place")).to_contain_text(household["name"])
    expect(page.get_by_test_id("sos")).to_be_visible()
    expect(page.get_by_test_id("home-messages")).to_be_visible()
    expect(page.get_by_test_id("home-cases")).to_be_visible()
    expect(page.get_by_test_id("live-state")).to_have_text("实时消息已连接")
    shot(page, "home")

    # report a repair: one tap from home
    page.get_by_test_id("go-repair").tap()
    title = f"厨房水管漏水 {uuid.uuid4().hex[:4]}"
    page.get_by_test_id("kind-repair").tap()
    page.get_by_test_id("title").locator("input").fill(title)
    page.get_by_test_id("description").locator("textarea").fill(
        "水槽下方的水管一直在滴水，地面已经湿了"
    )
    photo = ARTIFACTS / "leak.png"
    photo.write_bytes(png())
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("add-photo").tap()
    chooser.value.set_files(str(photo))
    expect(page.get_by_test_id("photo")).to_have_count(1)
    expect(page.get_by_test_id("position")).to_contain_text("已定位")
    shot(page, "repair-new")
    page.get_by_test_id("submit").tap()

    expect(page).to_have_url(re.compile(r"/app/pages/repairs/detail\?id=[0-9a-f-]{36}"))
    wo = re.search(r"id=([0-9a-f-]{36})", page.url).group(1)  # type: ignore[union-attr]
    expect(page.get_by_test_id("case-status")).to_have_text("待受理")
    expect(page.get_by_test_id("live-state")).to_have_text("进度实时更新")
    # what the platform stored is what the resident reported, photo and position included
    stored = case(api, login("resident"), wo)
    assert stored["title"] == title and stored["household_id"] == household["household_id"]
    assert len(stored["attachment_ids"]) == 1
    assert stored["latitude"] == POSITION["latitude"]
    assert stored["longitude"] == POSITION["longitude"]
    expect(page.get_by_test_id("case-photo")).to_have_count(1)

    # the property accepts it (through the gateway's API): the open page shows it, no reload
    page.evaluate("window.__sameDocument = true")
    staff = login("property_staff")
    r = api.post(f"/api/v1/work-orders/{wo}/accept", headers=staff, json={})
    assert r.status_code == 200, r.text
    expect(page.get_by_test_id("case-status")).to_have_text("已受理", timeout=60_000)
    expect(page.get_by_test_id("timeline")).to_contain_text("物业已受理")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    shot(page, "repair-accepted")

    reply = "已更换水槽下方的软管，请您检查"
    for action, body in (("reply", {"text": reply}), ("resolve", {"text": reply})):
        r = api.post(f"/api/v1/work-orders/{wo}/{action}", headers=staff, json=body)
        assert r.status_code == 200, (action, r.text)
    expect(page.get_by_test_id("case-status")).to_have_text("待确认", timeout=60_000)
    expect(page.get_by_test_id("timeline")).to_contain_text(reply)

    # the resident confirms the fix and rates it: four stars
    page.get_by_test_id("confirm").tap()
    expect(page.get_by_test_id("case-status")).to_have_text("已完成")
    page.get_by_test_id("stars").locator(".wd-rate__item").nth(3).tap()
    expect(page.get_by_test_id("stars-text")).to_have_text("满意")
    page.get_by_test_id("rate-comment").locator("textarea").fill("师傅来得很快")
    page.get_by_test_id("rate").tap()
    expect(page.get_by_test_id("rated")).to_contain_text("4 星")
    done = case(api, login("resident"), wo)
    assert done["status"] == "closed" and done["rating"] == 4
    assert done["rating_comment"] == "师傅来得很快"
    shot(page, "repair-rated")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()


def test_a_resident_signs_in_with_an_sms_code_and_a_wrong_code_is_refused_in_words(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    household = home_of(api, login("resident"))
    admin = login("platform_admin")
    # the demo accounts have no mobile (identity's demo.py gives the people theirs, not the
    # accounts): a resident of the demo household with one, as an office would register her
    mobile = f"139{secrets.randbelow(10**8):08d}"
    created = api.post(
        "/api/v1/accounts",
        headers=admin,
        json={
            "username": f"sms-{uuid.uuid4().hex[:8]}",
            "display_name": "短信登录住户",
            "password": secrets.token_urlsafe(16),
            "mobile": mobile,
            "grants": [
                {
                    "role": "resident",
                    "scope_type": "household",
                    "scope_id": household["household_id"],
                }
            ],
        },
    )
    assert created.status_code == 201, created.text
    page = phone(browser, gateway_url)
    page.goto("/app/")
    expect(page).to_have_url(re.compile(r"/app/pages/login/index"))
    # the SMS code is the default tab; a number that is not a mainland mobile is refused first
    page.get_by_test_id("phone").locator("input").fill("12345")
    page.get_by_test_id("send-code").tap()
    expect(page.get_by_test_id("login-error")).to_have_text("请输入正确的11位手机号")
    page.get_by_test_id("phone").locator("input").fill(mobile)
    expect(page.get_by_test_id("send-code")).to_have_text("获取验证码")
    page.get_by_test_id("send-code").tap()
    expect(page.get_by_test_id("code-sent")).to_contain_text("验证码已发送")
    # the countdown from identity's resend_in
    expect(page.get_by_test_id("send-code")).to_contain_text("秒后重新获取")
    shot(page, "login-sms")

    # development: the platform admin reads the text identity would have sent
    sink = api.get("/api/v1/dev/sms-sink", headers=admin, params={"phone": mobile})
    assert sink.status_code == 200, sink.text
    text = sink.json()["items"][0]["body"]
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
    assert found, text
    code = found.group(1)

    # a wrong code: refused in words, never a code
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_test_id("code").locator("input").fill(wrong)
    page.get_by_test_id("sms-login").tap()
    expect(page.get_by_test_id("login-error")).to_have_text("验证码不正确或已过期")
    expect(page).to_have_url(re.compile(r"/app/pages/login/index"))

    page.get_by_test_id("code").locator("input").fill(code)
    page.get_by_test_id("sms-login").tap()
    expect(page.get_by_test_id("my-place")).to_contain_text(household["name"])
    page.context.close()
    api.close()


@pytest.mark.exclusive("demo-alarms")
def test_sos_from_home_reaches_the_property_console_live(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    console = signed_in(browser, gateway_url, "property_staff")
    console.goto("/console/alarms")
    expect(console.get_by_test_id("live-state")).to_have_text("实时连接")
    console.evaluate("window.__sameDocument = true")

    page = phone(browser, gateway_url)
    sign_in(page)
    household = home_of(httpx.Client(base_url=gateway_url, timeout=30), login("resident"))
    # two taps from home: the button, then the confirmation (never by accident)
    page.get_by_test_id("sos").tap()
    page.locator(".uni-modal__btn_primary", has_text="立即求助").tap()
    expect(page.get_by_test_id("sos-raised")).to_have_text("已通知物业值班人员")
    # the nearest shelter and the supplies of the community (the alarm demo's)
    expect(page.get_by_test_id("shelter").first).to_be_visible()
    expect(page.get_by_test_id("supply").first).to_be_visible()
    shot(page, "sos")

    # the property's console shows it live: an SOS (the console names an alarm by its type)
    # at the resident's flat (its room number in the place column), critical, unacknowledged
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        r = api.get(f"/api/v1/rooms/{household['room_id']}", headers=login("property_staff"))
        assert r.status_code == 200, r.text
        room = r.json()
    row = console.locator(".el-table__row", has_text="SOS 求助").filter(has_text=room["code"])
    # live, through Kafka and the stream: generous, a loaded 2-core machine can stall a minute
    expect(row.first).to_be_visible(timeout=120_000)
    row = row.first
    expect(row).to_contain_text("紧急")
    expect(row).to_contain_text("未确认")
    assert console.evaluate("window.__sameDocument === true"), "the console reloaded"
    console.screenshot(path=str(ARTIFACTS / "app-sos-console.png"))
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        r = api.get(
            "/api/v1/alarms",
            headers=login("property_staff"),
            params={"active": True, "limit": 100},
        )
        mine = [a for a in r.json()["items"] if a["household_id"] == household["household_id"]]
        assert any(a["alarm_type"] == "sos" and a["severity"] == "critical" for a in mine)
    page.context.close()
    console.context.close()


def test_visitor_pass_door_energy_and_large_text(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    household = home_of(api, login("resident"))
    # an electricity meter in the resident's flat with two days of readings
    _, token = register_device(
        api,
        login("community_admin"),
        f"app-meter-{uuid.uuid4().hex[:6]}",
        "electricity_meter",
        household,
    )
    now = datetime.now(UTC)
    readings = [
        {
            "ts": int((now - timedelta(hours=h)).timestamp() * 1000),
            "values": {"totalActiveEnergyImport": v},
        }
        for h, v in ((30, 100.0), (26, 103.5), (1, 110.0))
    ]
    assert api.post(f"/api/v1/{token}/telemetry", json=readings).status_code == 200

    def stats() -> dict[str, Any] | None:
        r = api.get(
            "/api/v1/energy",
            headers=login("resident"),
            params={
                "kind": "electricity",
                "scope": "household",
                "id": household["household_id"],
                "period": "day",
                "from": (now - timedelta(days=13)).isoformat(),
                "to": (now + timedelta(days=1)).isoformat(),
            },
        )
        return r.json() if r.status_code == 200 and r.json()["total"] > 0 else None

    expected = wait_until(stats, 60, "the meter's readings in the statistics")

    page = phone(browser, gateway_url)
    sign_in(page)
    page.get_by_test_id("go-energy").tap()
    expect(page.get_by_test_id("energy").get_by_test_id("chart")).to_be_visible()
    expect(page.get_by_test_id("energy-total")).to_have_text(
        format(round(expected["total"], 2), "g")
    )
    shot(page, "energy")

    # a visitor pass with its QR
    page.goto("/app/pages/visitors/index")
    page.get_by_test_id("visitor-name").locator("input").fill("李阿姨")
    page.get_by_test_id("valid-24").tap()
    page.get_by_test_id("create-pass").tap()
    expect(page.get_by_test_id("pass")).to_contain_text("李阿姨 的通行码")
    expect(page.get_by_test_id("qr")).to_be_visible()
    expect(page.get_by_test_id("pass-row").first).to_contain_text("有效")
    passes = api.get("/api/v1/visitor-passes", headers=login("resident")).json()["items"]
    assert any(p["visitor_name"] == "李阿姨" and p["status"] == "active" for p in passes)
    shot(page, "visitor-pass")

    # open a door from the app (identity checks the right and sends the command)
    page.goto("/app/pages/doors/index")
    page.get_by_test_id("open-door").first.tap()
    expect(page.get_by_test_id("door-opened").first).to_contain_text("已发送开门指令")

    # large text and high contrast, from "Me"
    page.goto("/app/pages/me/index")
    size = page.locator(".shell").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.get_by_test_id("switch-large").locator(".wd-switch").tap()
    page.get_by_test_id("switch-contrast").locator(".wd-switch").tap()
    expect(page.locator(".shell.a11y-large.a11y-contrast").first).to_be_visible()
    larger = page.locator(".shell").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert larger > size * 1.2, (size, larger)
    shot(page, "large-text")
    # kept on the device: the home page opens large too
    page.goto("/app/")
    expect(page.locator(".shell.a11y-large").first).to_be_visible()
    shot(page, "home-large")
    page.context.close()
    api.close()


def test_the_mini_program_package_is_complete() -> None:
    """The mp-weixin build (made with the H5 one) is what WeChat's tools import: every page
    of pages.json with its script, template and config, every component it uses, the
    project config, and a main package within WeChat's 2 MB limit."""
    from sc_devstack.console import build, frontend_dir, mini_program_dir

    build(name="resident")  # current already when the stack started: nothing to do
    mp = mini_program_dir()
    source = json.loads((frontend_dir("resident") / "src" / "pages.json").read_text())
    app = json.loads((mp / "app.json").read_text())
    pages = [p["path"] for p in source["pages"]]
    assert app["pages"] == pages
    assert [t["pagePath"] for t in app["tabBar"]["list"]] == [
        t["pagePath"] for t in source["tabBar"]["list"]
    ]
    for page in pages:  # a page's .wxss is optional (none when the page has no style)
        for ext in ("js", "json", "wxml"):
            assert (mp / f"{page}.{ext}").is_file(), f"{page}.{ext}"
    for name in ("app.js", "app.json", "app.wxss"):
        assert (mp / name).is_file(), name

    def resolve(owner: Path, ref: str) -> Path:
        return (mp / ref.lstrip("/")) if ref.startswith("/") else (owner.parent / ref)

    used = 0
    for spec in mp.rglob("*.json"):
        if spec.name == "project.config.json":
            continue
        for ref in json.loads(spec.read_text()).get("usingComponents", {}).values():
            target = resolve(spec, ref)
            for ext in ("js", "json", "wxml"):
                assert target.with_suffix(f".{ext}").is_file(), f"{spec}: {ref}.{ext}"
            used += 1
    assert used > 10, "the pages use wot-design-uni's components"
    project = json.loads((mp / "project.config.json").read_text())
    assert project["compileType"] == "miniprogram" and project["appid"]
    size = sum(f.stat().st_size for f in mp.rglob("*") if f.is_file())
    assert size < 2 * 1024 * 1024, f"main package {size} bytes"
    # the typed client runs on wx.request there (no fetch in a mini-program)
    bundle = "".join(f.read_text(errors="ignore") for f in mp.rglob("*.js"))
    assert "wx.request failed" in bundle


def test_the_h5_build_loads_nothing_from_a_cdn() -> None:
    """What the browser test saw for its journeys holds for every page: no style or script of
    the H5 build names a CDN (the icon font and uni-h5's shadow images are the package's own
    or left out), so the app works on a network that reaches only the gateway."""
    from sc_devstack.console import build

    h5 = build(name="resident")
    styles = "".join(f.read_text() for f in (h5 / "assets").glob("*.css"))
    assert styles, "the H5 build has its styles"
    for cdn in ("alicdn.com", "cdn.dcloud.net.cn"):
        assert cdn not in styles, cdn

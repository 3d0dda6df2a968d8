"""CAP warnings in the console (issue 32 item 6), on the stack `make run` starts: the city's
meteorological observatory's warning, posted as CAP 1.2 by a gov officer for the demo
community's district (GB/T 2260 110101, the geocode the demo community carries), is listed
on the community admin's 预警 page in words, and its detail names the urgency, severity and
certainty in words (never CAP's English enum values) and how many elders were told.

Every wait is bounded and generous; nothing sleeps.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

CST = timezone(timedelta(hours=8))
ENUMS = ("Immediate", "Expected", "Severe", "Extreme", "Likely", "Observed", "Actual", "Alert")


def cap(identifier: str, headline: str) -> str:
    sent = datetime.now(UTC).astimezone(CST).replace(microsecond=0).isoformat()
    expires = (datetime.now(UTC) + timedelta(days=1)).astimezone(CST).replace(microsecond=0)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>bjmb@weather.bj.gov.cn</sender>
  <sent>{sent}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>寒潮预警</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>北京市气象台</senderName>
    <headline>{headline}</headline>
    <description>预计未来24小时内本市气温下降10℃以上，最低气温零下12℃。</description>
    <instruction>老人请减少外出，注意保暖，室内取暖注意通风防煤气中毒。</instruction>
    <expires>{expires.isoformat()}</expires>
    <area>
      <areaDesc>东城区</areaDesc>
      <geocode><valueName>行政区划代码</valueName><value>110101</value></geocode>
    </area>
  </info>
</alert>"""


def test_a_cap_warning_is_listed_and_read_in_words_in_the_console(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = uuid.uuid4().hex[:8]
    headline = f"北京市气象台发布寒潮蓝色预警信号（{run}）"
    with httpx.Client(base_url=gateway_url, timeout=60) as api:
        posted = api.post(
            "/api/v1/care/warnings",
            content=cap(f"bjmb-e2e-{run}", headline).encode(),
            headers={**login("gov_officer"), "Content-Type": "application/cap+xml"},
        )
        assert posted.status_code == 201, posted.text
        warning = posted.json()
        # the demo community (东城区, 110101) is reached: its admin reads it in the API too
        listed = api.get("/api/v1/care/warnings", headers=login("community_admin"))
        assert listed.status_code == 200, listed.text
        assert warning["id"] in [w["id"] for w in listed.json()["items"]], listed.text

    page = signed_in(browser, gateway_url, "community_admin")
    page.goto("/console/care/warnings")
    # the list names a warning by its event and colour (寒潮橙色预警), newest first; the
    # detail's text starts with this run's headline
    row = page.locator(".el-table__row", has_text="寒潮").first
    expect(row).to_be_visible()
    row.get_by_test_id("warning-open").click()
    detail = page.get_by_test_id("warning-detail")
    expect(detail).to_be_visible()
    expect(page.get_by_test_id("warning-body")).to_contain_text(headline)
    expect(page.get_by_test_id("warning-body")).to_contain_text("老人请减少外出")
    urgency = page.get_by_test_id("warning-urgency").first
    expect(urgency).not_to_be_empty()
    expect(page.get_by_test_id("warning-told-count")).to_be_visible()
    shot(page, "care-warning-detail")
    text = detail.inner_text()
    leaked = [word for word in ENUMS if word in text]
    assert leaked == [], f"CAP's enum values shown to a person: {leaked}"
    page.context.close()

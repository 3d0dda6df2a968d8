"""Care (issue 32) through the gateway and in the console, on the stack `make run` starts
with its demo community and accounts:

- an elder in 张伟's home, in his care (张伟 her guardian), shares her profile and vital
  signs with the family (李娜) and the community doctor, who set her blood pressure range;
  the doctor opens her record in the console and records a reading by hand (within the
  range); her wearable, bound to her, reports a blood pressure above the range through
  device-ingestion's device API: 李娜 is told on her stream and in her inbox in words she
  reads, and the doctor sees the reading marked outside the range on the record's chart
  and table;
- a home in the grid worker's grid is put under the lone-elder watch from the console; its
  water meter's last reading was 25 hours ago, so the watch opens a check-on visit, which
  the grid worker records in the console as a false alarm (the note says it loosens the
  rule).

Every wait is bounded and generous; nothing sleeps.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in
from test_e2e_safety_loop import inbox

from e2e_kit import Stream, home_of, me, register_device, wait_until


def test_a_wearables_high_blood_pressure_reaches_the_family_and_the_doctors_record(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = uuid.uuid4().hex[:8]
    pid = f"e2e-elder-{run}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        doctor, son, family = login("doctor"), login("resident"), login("family")
        # `make run`'s demo loads an elder's record the demo doctor reads (care's demo.py)
        demo = api.get("/api/v1/care/people/demo-elder-zhang", headers=doctor)
        assert demo.status_code == 200, demo.text
        assert demo.json()["sections"]["profile"]["name"] == "张德福", demo.text
        home = home_of(api, son)
        son_id, family_id, doctor_id = (me(api, h)["id"] for h in (son, family, doctor))
        made = api.post(
            "/api/v1/care/people",
            json={
                "name": "张桂兰",
                "birth_date": "1944-03-08",
                "gender": "female",
                "community_id": home["community_id"],
                "household_id": home["household_id"],
                "person_id": pid,
                "address": "幸福里社区 1号楼1单元101室",
                "guardians": [son_id],
                "has_capacity": False,
            },
            headers=doctor,
        )
        assert made.status_code == 201, made.text
        # she is in her son's care: he shares her profile and vital signs, told of alerts
        for grantee, relation in ((family_id, "family"), (doctor_id, "doctor")):
            granted = api.post(
                f"/api/v1/care/people/{pid}/grants",
                json={
                    "grantee": grantee,
                    "relation": relation,
                    "categories": ["profile", "vitals"],
                    "notify": True,
                },
                headers=son,
            )
            assert granted.status_code == 201, granted.text
        ranged = api.put(
            f"/api/v1/care/people/{pid}/thresholds",
            json={
                "kind": "blood_pressure",
                "ranges": {"systolic": [90, 140], "diastolic": [60, 90]},
            },
            headers=doctor,
        )
        assert ranged.status_code == 200, ranged.text
        device, token = register_device(
            api, login("community_admin"), f"e2e-wearable-{run}", "wearable", home
        )
        bound = api.post(
            f"/api/v1/care/people/{pid}/devices", json={"device_id": device}, headers=son
        )
        assert bound.status_code == 204, bound.text

        page = signed_in(browser, gateway_url, "doctor")
        expect(page.get_by_test_id("menu-care-records")).to_be_attached()
        expect(page.get_by_test_id("menu-accounts")).to_have_count(0)
        page.goto(f"/console/care/records/{pid}")
        expect(page.get_by_test_id("care-name")).to_have_text("张桂兰")
        expect(page.get_by_test_id("care-access")).to_have_text("本人授权")
        expect(page.get_by_test_id("care-profile")).to_contain_text("1944-03-08")

        # a reading by hand, within her range
        page.get_by_test_id("care-record-vital").click()
        for key, value in (("systolic", "128"), ("diastolic", "82")):
            field = page.locator(
                f"[data-test=care-vital-{key}] input, input[data-test=care-vital-{key}]"
            )
            field.fill(value)
            field.blur()  # commits the number (Tab would open the time picker over the dialog)
        page.get_by_test_id("care-vital-save").click()
        readings = page.get_by_test_id("care-readings")
        by_hand = readings.locator(".el-table__row", has_text="128/82 mmHg")
        expect(by_hand).to_contain_text("正常")
        expect(by_hand).to_contain_text("手工录入")
        expect(page.get_by_test_id("care-range")).to_contain_text("90–140/60–90 mmHg")

        stream = Stream(gateway_url, family).start()
        try:
            sent = api.post(
                f"/api/v1/{token}/telemetry",
                json={"systolicBP": 168, "diastolicBP": 98, "heartRate": 80},
            )
            assert sent.status_code == 200 and sent.json()["accepted"] == 3, sent.text  # 3 keys

            def on_stream() -> dict[str, Any] | None:
                return next(
                    (
                        data
                        for name, data, _ in list(stream.events)
                        if name == "message"
                        and data["template"] == "care.vitals.breach"
                        and "张桂兰" in data["title"]
                    ),
                    None,
                )

            live = wait_until(on_stream, 120, "the breach on the family member's stream")
        finally:
            stream.stop()
        assert "168/98 mmHg" in live["body"], live
        [told] = [
            m
            for m in inbox(api, family)
            if m["template"] == "care.vitals.breach" and "张桂兰" in m["title"]
        ]
        # in words she reads: who, what, the value, her range; no code, no id
        assert "血压" in told["title"], told
        assert "168/98 mmHg" in told["body"] and "90–140/60–90" in told["body"], told
        assert pid not in told["body"] and "85354-9" not in told["body"], told

        # the doctor sees it on her record: outside the range on the chart and in the table
        page.reload()
        breaches = page.get_by_test_id("care-breaches")
        expect(breaches).to_be_visible()  # the record and its newest kind's chart are loaded
        page.get_by_test_id("care-kinds").get_by_text("血压", exact=True).click()
        expect(breaches).to_contain_text("最近 2 次读数中有 1 次超出范围")
        by_device = readings.locator(".el-table__row", has_text="168/98 mmHg")
        expect(by_device).to_contain_text("偏高")
        expect(by_device).to_contain_text("设备上报")
        expect(page.get_by_test_id("care-chart").locator("canvas").first).to_be_visible()
        shot(page, "care-record")


@pytest.mark.exclusive("demo-water")
def test_a_silent_meter_opens_a_check_on_visit_the_grid_worker_records(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = uuid.uuid4().hex[:8]
    pid = f"e2e-alone-{run}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        doctor, admin = login("doctor"), login("community_admin")
        # a home in the grid worker's grid (building 1, as 张伟's) other than 张伟's
        zhang = home_of(api, login("resident"))
        listed = api.get("/api/v1/households", params={"limit": 100}, headers=admin)
        assert listed.status_code == 200, listed.text
        home = next(
            h
            for h in listed.json()["items"]
            if h["building_id"] == zhang["building_id"] and h["id"] != zhang["household_id"]
        )

        def opened() -> bool | None:
            # care learns where the household is from identity's events
            r = api.post(
                "/api/v1/care/people",
                json={
                    "name": "刘福生",
                    "birth_date": "1941-10-02",
                    "gender": "male",
                    "household_id": home["id"],
                    "person_id": pid,
                },
                headers=doctor,
            )
            if r.status_code == 422 and r.json()["code"] == "care.place_unknown":
                return None
            assert r.status_code == 201, r.text
            return True

        wait_until(opened, 120, "the record placed in its household")
        meter = api.post(
            "/api/v1/devices",
            headers=admin,
            json={
                "name": f"e2e-alone-water-{run}",
                "device_type": "water_meter",
                "community_id": home["community_id"],
                "building_id": home["building_id"],
                "unit_id": home["unit_id"],
                "room_id": home["room_id"],
                "household_id": home["id"],
            },
        )
        assert meter.status_code == 201, meter.text
        token = meter.json()["access_token"]

        # the grid worker reads none of his health data, yet puts his home under the watch
        page = signed_in(browser, gateway_url, "grid_worker")
        expect(page.get_by_test_id("menu-care-visits")).to_be_attached()
        expect(page.get_by_test_id("menu-care-records")).to_have_count(0)
        page.goto(f"/console/care/records/{pid}")
        expect(page.get_by_test_id("care-missing")).to_contain_text("本人未授权您查看")
        page.get_by_test_id("care-watch").click()
        page.locator(".el-message-box").get_by_role("button", name="纳入独居老人关爱").click()
        expect(page.locator(".el-message", has_text="已纳入独居老人关爱")).to_be_visible()

        # the meter's last three readings, the newest 25 hours ago
        last = datetime.now(UTC) - timedelta(hours=25)
        body = [
            {
                "ts": int((last - timedelta(hours=2 - i)).timestamp() * 1000),
                "values": {"totalWaterConsumption": 12.5 + i * 0.01},
            }
            for i in range(3)
        ]
        sent = api.post(f"/api/v1/{token}/telemetry", json=body)
        assert sent.status_code == 200, sent.text

        worker = login("grid_worker")

        def visit() -> dict[str, Any] | None:
            r = api.get("/api/v1/care/visits", params={"limit": 100}, headers=worker)
            if r.status_code == 429:
                return None
            assert r.status_code == 200, r.text
            return next((v for v in r.json()["items"] if v["person_id"] == pid), None)

        # the watch scans every 5 minutes (WATCH_SCAN_INTERVAL_S; 20 s on the tests' stack)
        found = wait_until(visit, 600, "the check-on visit")
        assert found["purpose"] == "check_on" and found["status"] == "scheduled", found
        reason_zh = found["reason"].split(" / ")[0]

        page.goto("/console/care/visits")
        row = page.locator(".el-table__row", has_text=reason_zh).first
        expect(row).to_contain_text("上门探视")
        expect(row).to_contain_text("待上门")
        row.get_by_test_id("visit-record").click()
        page.get_by_test_id("visit-outcome-false_alarm").click()
        expect(page.get_by_test_id("visit-false-alarm-note")).to_contain_text("放宽")
        page.get_by_test_id("visit-note").fill("老人去女儿家住了两天，家中无人")
        page.get_by_test_id("visit-save").click()
        expect(row).to_contain_text("已完成")
        expect(row).to_contain_text("误报")
        shot(page, "care-visits")
        done = api.get("/api/v1/care/visits", params={"limit": 100}, headers=worker).json()
        mine = next(v for v in done["items"] if v["id"] == found["id"])
        assert mine["outcome"] == "false_alarm" and mine["status"] == "done", mine

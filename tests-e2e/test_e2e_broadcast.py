"""Speakers and e-screens say it, and the record says what they did (issue 18, 3): driven as
staff and devices would, through the gateway and the devices' own HTTP endpoints.

A warning to the community's speakers becomes a command each speaker fetches (its RPC
long-poll); one speaker plays it and answers, the other reports a fault. The sender reads
the request: one delivery ``delivered``, the other ``failed`` with the reason's code —
not "sent" for both, and nothing dead-lettered on the way. In the console (Debian's
Chromium), the sent notifications page shows each delivery's state in words and the failed
one's reason in the reader's language, never the code.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from e2e_kit import home_of, me, register_device, wait_until


def test_a_warning_on_speakers_is_delivered_or_failed_as_each_speaker_answers(
    browser: Browser,
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, resident = login("community_admin"), login("resident")
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=60) as api:
        home = home_of(api, resident)
        speakers: dict[str, str] = {}  # device id -> its access token
        for n in (1, 2):
            device, token = register_device(api, admin, f"e2e-spk-{run}-{n}", "voice_speaker", home)
            r = api.post(
                "/api/v1/broadcast-endpoints",
                headers=admin,
                json={
                    "device_id": device,
                    "device_type": "voice_speaker",
                    "name": f"广播音箱 {n} {run}",
                    "community_id": home["community_id"],
                    "building_id": home["building_id"],
                },
            )
            assert r.status_code == 201, r.text
            speakers[device] = token
        r = api.post(
            "/api/v1/notifications",
            headers=admin,
            json={
                "recipients": {"user_ids": [me(api, admin)["id"]]},  # the speakers, by channel
                "template": "emergency.warning",
                "variables": {
                    "title": "暴雨预警",
                    "message": f"今晚有暴雨，请关好门窗（{run}）",
                    "building_id": home["building_id"],
                },
                "severity": "critical",
                "channels": ["speaker"],
                "community_id": home["community_id"],
            },
        )
        assert r.status_code == 202, r.text
        request_id = r.json()["request_id"]

        answers = iter(({"played": True}, {"error": "amplifier fault"}))
        for device, token in speakers.items():
            polled = api.get(f"/api/v1/{token}/rpc", params={"timeout": 30000})
            assert polled.status_code == 200, (device, polled.text)
            command = polled.json()
            assert command["method"] == "voice_warning" and run in command["params"]["text"]
            answered = api.post(f"/api/v1/{token}/rpc/{command['id']}", json=next(answers))
            assert answered.status_code in (200, 204), answered.text

        mine = {f"device:{device}" for device in speakers}

        def settled() -> list[dict[str, Any]] | None:
            got = api.get(f"/api/v1/notifications/{request_id}", headers=admin)
            assert got.status_code == 200, got.text
            ours = [d for d in got.json()["deliveries"] if d["recipient_id"] in mine]
            assert len(ours) == 2, got.text
            return ours if all(d["status"] != "sent" for d in ours) else None

        ours = wait_until(settled, 120, "both speakers' answers on their deliveries")
        assert sorted((d["status"], str(d["last_error"])) for d in ours) == [
            ("delivered", "None"),
            ("failed", "device.failed"),
        ]
        assert {d["status"]: d["last_error_message"] for d in ours}["failed"] == {
            "zh-CN": "设备拒绝了这条消息",
            "en": "The device refused the message",
        }

    # the sender reads it in the console: each speaker by its name, the state in words, the
    # failed one's reason in Chinese; never the code
    page = signed_in(browser, gateway_url, "community_admin")
    page.goto("/console/notifications/sent")
    page.locator(f'[data-request="{request_id}"]').click()
    dialog = page.get_by_test_id("deliveries")
    # the first speaker played it, the second reported its fault
    delivered = dialog.locator(".el-table__row", has_text=f"广播音箱 1 {run}")
    expect(delivered.get_by_test_id("delivery-status")).to_have_text("已送达")
    expect(delivered.get_by_test_id("delivery-reason")).to_have_text("—")
    failed = dialog.locator(".el-table__row", has_text=f"广播音箱 2 {run}")
    expect(failed.get_by_test_id("delivery-status")).to_have_text("未送达")
    expect(failed.get_by_test_id("delivery-reason")).to_have_text("设备拒绝了这条消息")
    expect(dialog).not_to_contain_text("device.failed")
    shot(page, "deliveries")
    page.context.close()

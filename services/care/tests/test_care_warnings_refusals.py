"""A CAP warning that is not XML, not CAP 1.2, not valid, too large or sent as another media
type is refused as problem+json with a stable code and words in zh-CN and en; a resident
cannot post one."""

from __future__ import annotations

import uuid

from care_cap_samples import typhoon
from care_helpers import Harness

from sc_core.auth import Grant

CAP = {"Content-Type": "application/cap+xml"}


async def test_malformed_warnings_are_refused_in_words(harness: Harness, community: str) -> None:
    h = harness
    officer = h.issuer.bearer("u-gov", grants=[Grant("gov_officer", "community", community)])
    good = typhoon(f"SZ-{uuid.uuid4().hex[:8]}")
    cases = [
        ("<alert><identifier>", 422, "care.cap_not_xml", "预警消息不是有效的 XML。"),
        (good.replace("cap:1.2", "cap:1.1"), 422, "care.cap_not_cap12", None),
        (good.replace("<status>Actual</status>", ""), 422, "care.cap_invalid",
         "预警消息格式不正确：alert 缺少 status"),
        (good.replace("<severity>Severe</severity>", "<severity>Bad</severity>", 1), 422,
         "care.cap_invalid", None),
        (good.replace("22.50,113.90</polygon>", "22.51,113.90</polygon>"), 422,
         "care.cap_invalid", None),
        ('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 422,
         "care.cap_not_xml", None),
        ("<x>" + "a" * 1_000_001 + "</x>", 413, "care.cap_too_large", None),
    ]  # fmt: skip
    for document, status, code, zh in cases:
        r = await h.client.post("/api/v1/care/warnings", content=document.encode(),
                                headers={**officer, **CAP})  # fmt: skip
        assert r.status_code == status, (code, r.text)
        body = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        assert body["code"] == code and body["messages"]["en"]
        if zh is not None:
            assert body["messages"]["zh-CN"] == zh
    r = await h.client.post("/api/v1/care/warnings", json={"alert": "typhoon"}, headers=officer)
    assert r.status_code == 415 and r.json()["code"] == "care.cap_media_type"
    assert r.json()["messages"]["zh-CN"] == "请以 application/cap+xml 格式发送预警消息"
    r = await h.client.post("/api/v1/care/warnings", content=good.encode(),
                            headers={**h.user("u-res"), **CAP})  # fmt: skip
    assert r.status_code == 403

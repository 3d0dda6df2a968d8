"""Childcare (托育): the community's caregiver opens a nursery and a class and enrols a
three-year-old with her mother (drops off, picks up, authorises) and her grandfather (drops
off only). The mother's two-minute QR code checks her in once (the same code twice is
refused), the grandfather's code cannot check her out (403 in zh-CN and en), the mother's
can; a fever at the door keeps the child home and tells the guardians once; a child not
picked up is told once at closing + 15 minutes on an injected clock and never again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from care_helpers import Harness, read_events

from care.usecases.childcare import Childcare
from sc_contracts.events import ChildCheckedV1, NotificationRequestedV1
from sc_core.auth import Grant

TZ = ZoneInfo("Asia/Shanghai")


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), TZ).astimezone(UTC)


@pytest.fixture
def clock(harness: Harness) -> Iterator[list[datetime]]:
    """The childcare use case's clock, moved by the test (restored afterwards)."""
    kids: Childcare = harness.app.state.usecases.childcare
    now = [_at(datetime.now(TZ).date(), 9)]
    saved = kids.clock
    kids.clock = lambda: now[0]
    yield now
    kids.clock = saved


def _staff(h: Harness, community: str) -> dict[str, str]:
    return h.issuer.bearer("u-teacher", grants=[Grant("caregiver", "community", community)])


async def _child(h: Harness, community: str, guardians: list[dict[str, Any]]) -> dict[str, Any]:
    staff = _staff(h, community)
    r = await h.client.post(
        "/api/v1/care/nurseries",
        json={"community_id": community, "name": "幸福里社区托育园", "opens": "08:00",
              "closes": "17:00"},
        headers=staff,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    nursery = r.json()
    r = await h.client.post(
        f"/api/v1/care/nurseries/{nursery['id']}/classes",
        json={"name": "小一班", "capacity": 20, "camera_ids": ["cam-1"]}, headers=staff,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    klass = r.json()
    pid = f"k-{uuid.uuid4().hex[:10]}"
    three = date.today().replace(year=date.today().year - 3, day=1)
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "李小满", "birth_date": three.isoformat(), "gender": "female",
              "community_id": community, "person_id": pid,
              "guardians": [g["user_id"] for g in guardians]},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = await h.client.post(
        "/api/v1/care/children",
        json={"person_id": pid, "class_id": klass["id"], "guardians": guardians},
        headers=h.user("u-stranger"),
    )  # fmt: skip
    assert r.status_code == 404, r.text
    r = await h.client.post(
        "/api/v1/care/children",
        json={"person_id": pid, "class_id": klass["id"], "guardians": guardians},
        headers=staff,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    child = r.json()
    assert child["name"] == "李小满" and child["nursery_id"] == nursery["id"]
    return child


async def _code(h: Harness, child: dict[str, Any], guardian: str) -> str:
    r = await h.client.get(f"/api/v1/care/children/{child['id']}/qr", headers=h.user(guardian))
    assert r.status_code == 200, r.text
    code: str = r.json()["code"]
    return code


def _about(events: list[Any], child_id: str, template: str) -> list[Any]:
    kind = NotificationRequestedV1.event_type
    return [
        e for e in events
        if e.type == kind and e.data["template"] == template
        and child_id in e.data["request_id"]
    ]  # fmt: skip


async def test_check_in_once_check_out_by_an_allowed_guardian_and_not_picked_up(
    harness: Harness, community: str, clock: list[datetime]
) -> None:
    h = harness
    mother, grandpa = f"u-mother-{community}", f"u-grandpa-{community}"
    child = await _child(h, community, [
        {"user_id": mother, "relation": "母亲", "can_pick_up": True, "can_authorise": True},
        {"user_id": grandpa, "relation": "祖父", "can_pick_up": False},
    ])  # fmt: skip
    staff, door = _staff(h, community), f"/api/v1/care/nurseries/{child['nursery_id']}"

    r = await h.client.get(f"/api/v1/care/children/{child['id']}/qr", headers=h.user("u-other"))
    assert r.status_code == 404 and r.json()["code"] == "care.child_not_found"
    code = await _code(h, child, mother)
    r = await h.client.post(f"{door}/check-in", json={"code": code, "temperature": 36.6},
                            headers=h.user("u-stranger"))  # fmt: skip
    assert r.status_code == 404, r.text
    r = await h.client.post(
        f"{door}/check-in", json={"code": code, "temperature": 36.6}, headers=staff
    )
    assert r.status_code == 200, r.text
    assert r.json()["day"]["checked_in_by"] == mother and r.json()["day"]["temperature"] == 36.6
    r = await h.client.post(
        f"{door}/check-in", json={"code": code, "temperature": 36.6}, headers=staff
    )
    assert r.status_code == 409 and r.json()["code"] == "care.checkin_code_used", r.text

    clock[0] += timedelta(minutes=3)  # the code has expired
    r = await h.client.post(f"{door}/check-out", json={"code": code}, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "care.token_expired", r.text

    r = await h.client.post(
        f"{door}/check-out", json={"code": await _code(h, child, grandpa)}, headers=staff
    )
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "care.childcare_not_pickup"
    assert r.json()["messages"] == {
        "zh-CN": "您未被授权接送该幼儿，请联系监护人。",
        "en": "You are not allowed to pick up this child; please contact a guardian.",
    }

    kids: Childcare = h.app.state.usecases.childcare
    today = clock[0].astimezone(TZ).date()
    assert await kids.overdue(_at(today, 17, 14)) == 0
    assert await kids.overdue(_at(today, 17, 15)) == 1
    assert await kids.overdue(_at(today, 17, 16)) == 0
    assert await kids.overdue(_at(today, 20)) == 0

    clock[0] = _at(today, 17, 40)
    r = await h.client.post(
        f"{door}/check-out", json={"code": await _code(h, child, mother)}, headers=staff
    )
    assert r.status_code == 200, r.text
    assert r.json()["day"]["checked_out_by"] == mother
    assert r.json()["day"]["not_picked_up_told"] is True
    assert await kids.overdue(_at(today, 21)) == 0

    r = await h.client.get("/api/v1/care/children", headers=h.user(grandpa))
    assert [c["id"] for c in r.json()["items"]] == [child["id"]]
    r = await h.client.get("/api/v1/care/children", headers=h.user("u-stranger"))
    assert r.status_code == 200 and r.json()["items"] == []
    r = await h.client.get(f"/api/v1/care/children/{child['id']}/days", headers=h.user(mother))
    assert r.status_code == 200 and r.json()["total"] == 1

    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: bool(_about(ev, child["id"], "care.childcare.not_picked_up")), settle=2.0,
    )  # fmt: skip
    (late,) = _about(found, child["id"], "care.childcare.not_picked_up")
    assert late.data["recipients"]["user_ids"] == [mother, grandpa]
    assert late.data["variables"]["closes"] == "17:00"
    checks = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(ChildCheckedV1.topic),
        lambda ev: len([e for e in ev if e.data["child_id"] == child["id"]]) >= 2,
    )  # fmt: skip
    mine = [e.data for e in checks if e.data["child_id"] == child["id"]]
    assert [m["direction"] for m in mine] == ["in", "out"]
    assert set(mine[0]) == {
        "child_id",
        "nursery_id",
        "class_id",
        "community_id",
        "direction",
        "guardian_id",
        "at",
    }


async def test_a_fever_at_the_door_keeps_the_child_home_and_tells_once(
    harness: Harness, community: str, clock: list[datetime]
) -> None:
    h = harness
    mother = f"u-mother-{community}"
    child = await _child(h, community, [
        {"user_id": mother, "relation": "母亲", "can_pick_up": True, "can_authorise": True},
    ])  # fmt: skip
    staff, door = _staff(h, community), f"/api/v1/care/nurseries/{child['nursery_id']}"
    for temperature in (37.8, 37.6):
        r = await h.client.post(
            f"{door}/check-in", json={"code": await _code(h, child, mother),
                                      "temperature": temperature}, headers=staff,
        )  # fmt: skip
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "care.childcare_fever"
        assert r.json()["messages"]["zh-CN"].startswith(f"体温{temperature}℃")
    r = await h.client.get(f"/api/v1/care/children/{child['id']}/days", headers=staff)
    (day,) = r.json()["items"]
    assert day["checked_in_at"] is None and day["kept_home_at"] is not None

    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: bool(_about(ev, child["id"], "care.childcare.fever")), settle=2.0,
    )  # fmt: skip
    (told,) = _about(found, child["id"], "care.childcare.fever")
    assert told.data["recipients"]["user_ids"] == [mother]
    assert told.data["variables"]["value"] == "37.8"


async def test_incident_notes_tell_guardians_and_video_grants_verify_in_their_window(
    harness: Harness, community: str, clock: list[datetime]
) -> None:
    h = harness
    mother, grandpa = f"u-mother-{community}", f"u-grandpa-{community}"
    child = await _child(h, community, [
        {"user_id": mother, "relation": "母亲", "can_pick_up": True, "can_authorise": True},
        {"user_id": grandpa, "relation": "祖父", "can_pick_up": False},
    ])  # fmt: skip
    staff = _staff(h, community)
    notes = f"/api/v1/care/children/{child['id']}/notes"
    fall = {"kind": "incident", "text": "户外活动时摔倒，膝盖擦伤，已消毒"}
    r = await h.client.post(notes, json=fall, headers=h.user(mother))
    assert r.status_code == 404, r.text
    r = await h.client.post(notes, json={"kind": "meal", "text": "午饭吃完了"}, headers=staff)
    assert r.status_code == 201, r.text
    r = await h.client.post(notes, json=fall, headers=staff)
    assert r.status_code == 201, r.text
    incident = r.json()
    assert incident["kind_zh"] == "意外情况"
    r = await h.client.get(notes, headers=h.user(grandpa))
    assert r.status_code == 200 and r.json()["total"] == 2
    r = await h.client.get(notes, headers=h.user("u-stranger"))
    assert r.status_code == 404

    today = clock[0].astimezone(TZ).date()
    grants = f"/api/v1/care/children/{child['id']}/video-grants"
    window = {"grantee": grandpa, "camera_id": "cam-1", "start": _at(today, 10).isoformat(),
              "end": _at(today, 11).isoformat()}  # fmt: skip
    r = await h.client.post(grants, json=window, headers=h.user(grandpa))
    assert r.status_code == 403 and r.json()["code"] == "care.video_not_authoriser", r.text
    r = await h.client.post(grants, json=window | {"grantee": "u-stranger"}, headers=h.user(mother))
    assert r.status_code == 422 and r.json()["code"] == "care.video_grantee", r.text
    r = await h.client.post(grants, json=window | {"camera_id": "cam-9"}, headers=h.user(mother))
    assert r.status_code == 422 and r.json()["code"] == "care.video_camera", r.text
    r = await h.client.post(
        grants, json=window | {"end": _at(today, 19).isoformat()}, headers=h.user(mother)
    )
    assert r.status_code == 422 and r.json()["code"] == "care.video_window", r.text
    r = await h.client.post(grants, json=window, headers=h.user(mother))
    assert r.status_code == 201, r.text
    grant = r.json()

    r = await h.client.get("/api/v1/care/childcare/keys", headers=h.user(grandpa))
    assert r.status_code == 200
    (jwk,) = r.json()["keys"]
    claims = jwt.decode(
        grant["token"], jwt.PyJWK(jwk).key, algorithms=["EdDSA"], audience="camera:cam-1",
        options={"verify_exp": False, "verify_nbf": False},
    )  # fmt: skip
    assert claims["sub"] == grandpa and claims["jti"] == grant["id"]
    assert claims["exp"] == int(_at(today, 11).timestamp())

    gateway = h.issuer.bearer("u-video", grants=[Grant("integrator", "community", community)])
    verify = {"token": grant["token"], "camera_id": "cam-1"}
    for at, status, code in (
        (_at(today, 9, 30), 403, "care.token_not_yet_valid"),
        (_at(today, 10, 30), 200, None),
        (_at(today, 11, 30), 403, "care.token_expired"),
    ):
        clock[0] = at
        r = await h.client.post("/api/v1/care/video-grants/verify", json=verify, headers=gateway)
        assert r.status_code == status, r.text
        if code:
            assert r.json()["code"] == code and r.json()["messages"]["zh-CN"].startswith("视频授权")
        else:
            assert r.json()["grantee"] == grandpa
    r = await h.client.post(
        "/api/v1/care/video-grants/verify", json=verify | {"camera_id": "cam-2"}, headers=gateway
    )
    assert r.status_code == 403 and r.json()["code"] == "care.token_invalid"

    clock[0] = _at(today, 10, 30)
    r = await h.client.post(
        f"/api/v1/care/video-grants/{grant['id']}/revoke", headers=h.user("u-stranger")
    )
    assert r.status_code == 404
    r = await h.client.post(
        f"/api/v1/care/video-grants/{grant['id']}/revoke", headers=h.user(mother)
    )
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    r = await h.client.post("/api/v1/care/video-grants/verify", json=verify, headers=gateway)
    assert r.status_code == 403 and r.json()["code"] == "care.video_revoked"

    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: any(incident["id"] in e.data.get("request_id", "") for e in ev), settle=2.0,
    )  # fmt: skip
    told = [e for e in found if incident["id"] in e.data.get("request_id", "")]
    assert len(told) == 1 and told[0].data["template"] == "care.childcare.incident"
    assert told[0].data["recipients"]["user_ids"] == [mother, grandpa]
    assert told[0].data["variables"]["note"] == "户外活动时摔倒，膝盖擦伤，已消毒"

"""Public health (6.1.1 d): an incident registered by the doctor (encrypted at rest, read by
the community's doctors and admins only, closed only with a measure), no-mask and fever
detections from an edge AI camera counted per day, a home isolation whose door opened
tells the grid worker and the doctor once per opening, a notice to a building's
residents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from care_helpers import Harness, eventually, read_events, send_model
from sqlalchemy import text

from sc_contracts.events import NotificationRequestedV1, TelemetryRecordedV1


async def test_the_incident_register(harness: Harness, community: str) -> None:
    h = harness
    doctor = h.doctor(community)
    admin = h.user("u-admin", "community_admin", ("community", community))
    r = await h.client.post(
        "/api/v1/care/health-incidents",
        json={"community_id": community, "building_id": "b-1", "kind": "infectious",
              "title": "流感聚集性病例", "detail": "1号楼三户共5人发热", "cases": 5},
        headers=doctor,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    async with h.app.state.usecases.public_health.db.uow() as uow:
        raw = (
            await uow.session.execute(
                text("select title, detail from care_health_incidents where id = :i"),
                {"i": iid},
            )
        ).one()
    assert "流感" not in raw[0] and "发热" not in raw[1]  # encrypted at rest

    r = await h.client.get("/api/v1/care/health-incidents", params={"community_id": community},
                           headers=admin)  # fmt: skip
    assert r.status_code == 200, r.text
    (listed,) = r.json()["items"]
    assert listed["title"] == "流感聚集性病例" and listed["detail"] is None
    grid = h.user("u-grid", "grid_worker", ("community", community))
    for stranger in (grid, h.doctor("c-elsewhere", sub="u-doc-2")):
        r = await h.client.get("/api/v1/care/health-incidents",
                               params={"community_id": community}, headers=stranger)  # fmt: skip
        assert r.status_code == 403
        r = await h.client.get(f"/api/v1/care/health-incidents/{iid}", headers=stranger)
        assert r.status_code == 404 and r.json()["code"] == "care.incident_not_found"

    url = f"/api/v1/care/health-incidents/{iid}"
    r = await h.client.post(f"{url}/status", json={"status": "closed"}, headers=doctor)
    assert r.status_code == 409 and r.json()["code"] == "care.incident_no_measures"
    assert r.json()["messages"]["zh-CN"] == "结案前请记录采取的措施。"
    r = await h.client.post(f"{url}/measures", json={"text": "1号楼公共区域消毒"}, headers=admin)
    assert r.status_code == 200 and [m["text"] for m in r.json()["measures"]] == [
        "1号楼公共区域消毒"
    ]
    r = await h.client.post(f"{url}/status", json={"status": "closed", "cases": 6}, headers=doctor)
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["cases"] == 6
    r = await h.client.post(f"{url}/measures", json={"text": "再次消毒"}, headers=admin)
    assert r.status_code == 409 and r.json()["code"] == "care.incident_closed"
    r = await h.client.get(url, headers=doctor)
    assert r.json()["detail"] == "1号楼三户共5人发热" and r.json()["closed_at"]


async def test_detections_are_counted_per_day(harness: Harness, community: str) -> None:
    h = harness
    bootstrap, topic = h.settings.kafka_bootstrap_servers, h.topic(TelemetryRecordedV1.topic)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    camera = TelemetryRecordedV1(
        device_id=f"cam-{community}", device_type="edge_ai_camera", community_id=community,
        building_id="b-1", ts=at, values={"noMask": True, "bodyTemperature": 38.1},
        received_at=at,
    )  # fmt: skip
    await send_model(bootstrap, topic, camera, camera.device_id)
    await send_model(bootstrap, topic, camera, camera.device_id)  # redelivered: counted once
    worn = TelemetryRecordedV1(
        device_id=f"wear-{community}", device_type="wearable", community_id=community,
        ts=at, values={"bodyTemperature": 38.4}, received_at=at,
    )  # fmt: skip
    await send_model(bootstrap, topic, worn, worn.device_id)  # a person's vital, not a detection
    r = await h.client.post(
        "/api/v1/care/health-incidents",
        json={"community_id": community, "kind": "food_poisoning", "title": "食物中毒",
              "cases": 3, "reported_at": at.isoformat()},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    grid = h.user("u-grid", "grid_worker", ("community", community))
    params = {"community_id": community, "since": (at - timedelta(days=1)).isoformat(),
              "until": (at + timedelta(days=1)).isoformat(), "period": "month"}  # fmt: skip

    async def counted() -> dict[str, int] | None:
        r = await h.client.get("/api/v1/care/health-statistics", params=params, headers=grid)
        assert r.status_code == 200, r.text
        totals: dict[str, int] = {}
        for counts in r.json()["buckets"].values():
            for k, v in counts.items():
                totals[k] = totals.get(k, 0) + v
        return totals if totals.get("detection_fever") else None

    totals = await eventually(counted, timeout=60)
    assert totals == {"incident_food_poisoning": 1, "cases": 3, "detection_no_mask": 1,
                      "detection_fever": 1}  # fmt: skip
    r = await h.client.get("/api/v1/care/health-statistics",
                           params={**params, "until": (at + timedelta(days=500)).isoformat()},
                           headers=grid)  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "care.statistics_span"


async def test_a_door_opened_in_isolation_tells_once_per_opening(
    harness: Harness, community: str
) -> None:
    h = harness
    door = f"door-{community}"
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    r = await h.client.post(
        "/api/v1/care/isolations",
        json={"person_id": f"iso-{community}", "community_id": community, "building_id": "b-1",
              "door_devices": [door], "start": start.isoformat(),
              "end": (start + timedelta(days=14)).isoformat(), "grid_worker": "u-grid",
              "doctor": "u-doc"},
        headers=h.user("u-grid", "grid_worker", ("community", community)),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    iso = r.json()["id"]
    bootstrap, topic = h.settings.kafka_bootstrap_servers, h.topic(TelemetryRecordedV1.topic)
    t = start + timedelta(minutes=30)
    for minutes, is_open in ((-40, True), (0, True), (1, True), (2, False), (5, True)):
        at = t + timedelta(minutes=minutes)  # -40: before the isolation began
        reading = TelemetryRecordedV1(
            device_id=door, device_type="door_contact", community_id=community,
            building_id="b-1", ts=at, values={"open": is_open}, received_at=at,
        )  # fmt: skip
        await send_model(bootstrap, topic, reading, door)

    async def told_twice() -> bool:
        r = await h.client.get("/api/v1/care/isolations", params={"community_id": community},
                               headers=h.doctor(community))  # fmt: skip
        return r.json()["items"][0]["openings"] == 2

    await eventually(told_twice, timeout=60)
    found = await read_events(
        bootstrap, h.topic(NotificationRequestedV1.topic),
        lambda ev: sum(1 for e in ev if e.data["request_id"].startswith(f"care:isolation:{iso}"))
        >= 2, settle=2.0,
    )  # fmt: skip
    told = [e.data for e in found if e.data["request_id"].startswith(f"care:isolation:{iso}")]
    assert len(told) == 2 and {d["template"] for d in told} == {"care.isolation.door_opened"}
    assert all(d["recipients"]["user_ids"] == ["u-grid", "u-doc"] for d in told)
    r = await h.client.get("/api/v1/care/isolations", params={"community_id": community},
                           headers=h.user("u-x"))  # fmt: skip
    assert r.status_code == 403


async def test_a_notice_to_the_residents_of_a_building(harness: Harness, community: str) -> None:
    h = harness
    r = await h.client.post(
        "/api/v1/care/health-notices",
        json={"community_id": community, "building_id": "b-1", "title_zh": "消毒通知",
              "title_en": "Disinfection", "body_zh": "今晚8点1号楼公共区域消毒",
              "body_en": "Building 1's common areas are disinfected at 8 pm tonight"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 202, r.text
    rid = r.json()["request_id"]
    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: any(e.data["request_id"] == rid for e in ev),
    )  # fmt: skip
    (sent,) = [e.data for e in found if e.data["request_id"] == rid]
    assert sent["template"] == "care.health.notice"
    assert sent["recipients"]["roles_in_scope"] == [
        {"role": "resident", "scope_type": "building", "scope_id": "b-1"}
    ]
    assert sent["variables"]["title_zh"] == "消毒通知"
    r = await h.client.post(
        "/api/v1/care/health-notices",
        json={"community_id": community, "title_zh": "x", "title_en": "x", "body_zh": "x",
              "body_en": "x"},
        headers=h.user("u-x"),
    )  # fmt: skip
    assert r.status_code == 403

"""Patrols: a round with a missed checkpoint produces a patrol_issue case; residents read
the round's result without the patroller's personal data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from wo_helpers import Harness
from work_orders.domain.patrols import longest_gap_minutes


async def test_round_with_missed_checkpoint_produces_a_case(
    harness: Harness, community: str
) -> None:
    h = harness
    manager = h.staff(community, sub="mgr", role="property_manager")
    guard = h.staff(community, sub="guard-7")
    r = await h.client.post(
        "/api/v1/patrol-routes",
        headers=manager,
        json={
            "community_id": community,
            "name": "夜间巡更 Night round",
            "max_gap_minutes": 90,
            "checkpoints": [
                {"code": "QR-N1", "place": "North gate", "longitude": 116.40, "latitude": 39.90},
                {"code": "QR-B1", "place": "Building 1 lobby"},
                {"code": "QR-G1", "place": "Garage"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    route = r.json()
    start = datetime.now(UTC) - timedelta(minutes=50)
    end = datetime.now(UTC) + timedelta(minutes=10)
    window = {"window_start": start.isoformat(), "window_end": end.isoformat()}
    # issue 30: a round went to any string, a resident or staff of another community
    elsewhere = f"c-{uuid.uuid4().hex[:10]}"
    await h.register_staff(elsewhere, "guard-far")
    for assignee in ("anyone-at-all", "res-hh-1", "guard-far"):
        for language, text in (
            ("zh-CN", "巡更人员必须是本社区登记在册的工作人员"),
            ("en", "The patroller must be on this community's staff register"),
        ):
            refused = await h.client.post(
                "/api/v1/patrol-rounds",
                headers={**manager, "Accept-Language": language},
                json={"route_id": route["id"], "assignee_id": assignee, **window},
            )
            assert refused.status_code == 422, (assignee, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
            problem = refused.json()
            assert (problem["code"], problem["detail"]) == ("patrol.assignee_not_staff", text)
    await h.register_staff(community, "guard-7")
    r = await h.client.post(
        "/api/v1/patrol-rounds",
        headers=manager,
        json={
            "route_id": route["id"],
            "assignee_id": "guard-7",
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    rnd = r.json()

    for code in ("QR-N1", "QR-B1"):
        r = await h.client.post(
            f"/api/v1/patrol-rounds/{rnd['id']}/scans",
            headers=guard,
            json={"code": code, "longitude": 116.4, "latitude": 39.9},
        )
        assert r.status_code == 201, r.text
    assert r.json()["scanned_codes"] == ["QR-B1", "QR-N1"]
    r = await h.client.post(
        f"/api/v1/patrol-rounds/{rnd['id']}/scans", headers=guard, json={"code": "QR-NOPE"}
    )
    assert r.status_code == 422 and r.json()["code"] == "patrol.unknown_checkpoint"
    # zh-CN first, English beside (issue 18 item 5)
    assert r.json()["detail"] == "此码不是本路线的巡更点"
    assert r.json()["messages"]["en"] == "That code is not a checkpoint of this route"
    other_guard = h.staff(community, sub="guard-8")
    r = await h.client.post(
        f"/api/v1/patrol-rounds/{rnd['id']}/scans", headers=other_guard, json={"code": "QR-G1"}
    )
    assert r.status_code == 403

    # the window has not ended: nothing to close yet
    assert await h.usecases.patrols.close_ended_rounds() == 0
    # after it ended the garage was never scanned: one case, once
    later = end + timedelta(minutes=1)
    assert await h.usecases.patrols.close_ended_rounds(now=later) == 1
    assert await h.usecases.patrols.close_ended_rounds(now=later) == 0

    r = await h.client.get("/api/v1/patrol-rounds", headers=manager, params={"status": "missed"})
    closed = next(x for x in r.json()["items"] if x["id"] == rnd["id"])
    assert closed["missed_codes"] == ["QR-G1"] and closed["work_order_id"]
    status, case = await h.get(closed["work_order_id"], manager)
    assert status == 200
    assert case["case_type"] == "patrol_issue" and case["source"] == "patrol"
    assert "QR-G1" in case["description"] and case["details"]["patroller_id"] == "guard-7"
    # the title names the place as staff say it, in one language, not the plate's code
    assert case["title"] == "巡更异常：夜间巡更 Night round，漏检：Garage"
    assert case["description"] == "漏检点位：Garage（QR-G1）。"

    # residents read the results: places missed, nobody's identity
    resident = h.resident(f"hh-{uuid.uuid4().hex[:6]}")
    r = await h.client.get(
        "/api/v1/patrol-results", headers=resident, params={"community_id": community}
    )
    assert r.status_code == 200
    result = r.json()["items"][0]
    assert result["missed_places"] == ["Garage"] and result["visited"] == 2
    assert "guard-7" not in r.text
    # but not the patrol case itself, nor the rounds
    status, _ = await h.get(closed["work_order_id"], resident)
    assert status == 404
    r = await h.client.get("/api/v1/patrol-rounds", headers=resident)
    assert r.status_code == 403


def test_longest_gap() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    scans = [t0 + timedelta(minutes=10), t0 + timedelta(minutes=100)]
    assert longest_gap_minutes(scans, t0, t0 + timedelta(minutes=120)) == 90
    assert longest_gap_minutes([], t0, t0 + timedelta(minutes=30)) == 30

"""Issue 27's end-to-end scenario (6.3 b, 6.4 a), only through the gateway, on the demo
community: a merchant registers and the property verifies it; a resident books a repair
at the repair station, the property assigns the case work-orders opened from the booking
to the merchant as the provider, who works and completes it, and the resident confirms
and rates it and sees the booking done with its rating; a shop whose room's electricity
meter shows power used at night on three nights is flagged, and the grid worker of its
building's grid finds the shop living check case (商铺住人核查) with the reason in words."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from e2e_kit import wait_until
from sc_core.validators import uscc_check_char

ZONE = ZoneInfo("Asia/Shanghai")
C = "/api/v1/commerce"


def _ok(r: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, (r.request.method, r.request.url, r.text)
    return dict(r.json())


def _uscc() -> str:
    body = "91110105" + str(uuid.uuid4().int % 10**9).zfill(9)
    return body + uscc_check_char(body)


def _step(api: httpx.Client, who: dict[str, str], wo: str, action: str, **body: Any) -> Any:
    return _ok(api.post(f"/api/v1/work-orders/{wo}/{action}", headers=who, json=body), 200)


def test_a_merchant_is_verified_a_repair_is_booked_and_rated_a_living_shop_is_a_case(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    merchant, manager = login("merchant"), login("property_manager")
    resident, grid_worker, admin = login("resident"), login("grid_worker"), login("community_admin")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        me = _ok(api.get("/api/v1/me", headers=merchant), 200)
        community = next(g["scope_id"] for g in me["grants"] if g["role"] == "merchant")

        # a merchant registers, the property verifies it ---------------------------------
        registered = _ok(
            api.post(
                f"{C}/merchants",
                headers=merchant,
                json={
                    "community_id": community,
                    "name": f"巧手家电维修{uuid.uuid4().hex[:4]}",
                    "credit_code": _uscc(),
                    "licence_no": "JY11105000067890",
                    "category": "repair",
                    "address": "幸福里社区 1号楼底商 6号",
                    "opening_hours": [
                        {"days": [1, 2, 3, 4, 5, 6], "opens": "08:00", "closes": "20:00"}
                    ],
                    "phone": "13912345678",
                },
            )
        )
        assert registered["status"] == "pending"
        verified = _ok(api.post(f"{C}/merchants/{registered['id']}/verify", headers=manager), 200)
        assert verified["status"] == "verified"

        # a resident books a repair; the case is worked, confirmed and rated -------------
        points = _ok(
            api.get(f"{C}/service-points", headers=resident, params={"kind": "repair_station"}),
            200,
        )["items"]
        assert points, "the demo community has a repair station"
        preferred = (datetime.now(ZONE) + timedelta(days=1)).replace(hour=14, minute=0)
        booking = _ok(
            api.post(
                f"{C}/service-points/{points[0]['id']}/bookings",
                headers=resident,
                json={"service": "洗衣机不脱水", "preferred_at": preferred.isoformat()},
            )
        )

        def case_of_booking() -> dict[str, Any] | None:
            r = api.get(
                "/api/v1/work-orders",
                headers=manager,
                params={"type": "maintenance_booking", "limit": 100},
            )
            found = [c for c in _ok(r, 200)["items"] if c.get("external_ref") == booking["id"]]
            return found[0] if found else None

        case = wait_until(case_of_booking, 120, "the booking's maintenance case")
        wo = case["id"]
        _step(api, manager, wo, "accept")
        # the merchant is the provider: on the community's staff register, then assigned
        _ok(
            api.put(
                f"/api/v1/staff-skills/{me['id']}",
                headers=manager,
                json={"community_id": community, "skills": ["provider"], "building_ids": []},
            ),
            200,
        )
        _step(api, manager, wo, "assign", assignee_id=me["id"])
        _step(api, merchant, wo, "start")
        done = _step(api, merchant, wo, "resolve", text="更换了排水泵")
        assert done["status"] == "resolved"

        def booking_seen(status: str) -> dict[str, Any] | None:
            r = api.get(f"{C}/bookings", headers=resident, params={"limit": 100})
            mine = [b for b in _ok(r, 200)["items"] if b["id"] == booking["id"]]
            return mine[0] if mine and mine[0]["status"] == status else None

        seen = wait_until(lambda: booking_seen("resolved"), 120, "the booking done")
        assert seen["status_label"]["zh-CN"] == "已完成，请确认" and seen["work_order_id"] == wo
        _step(api, resident, wo, "close", text="修好了")
        _step(api, resident, wo, "rate", rating=5, text="师傅很专业")

        def rated() -> dict[str, Any] | None:
            found = booking_seen("closed")
            return found if found and found["rating"] is not None else None

        final = wait_until(rated, 120, "the booking confirmed and rated")
        assert final["status_label"] == {"zh-CN": "已确认完成", "en": "Done and confirmed"}
        assert final["rating"] == 5 and final["rating_comment"] == "师傅很专业"
        assert final["rating_label"]["zh-CN"] == "5 星，非常满意"

        # a shop where people live at night becomes the grid worker's case ---------------
        grid = next(
            g["scope_id"] for g in _ok(api.get("/api/v1/me", headers=grid_worker), 200)["grants"]
        )
        buildings = _ok(api.get("/api/v1/buildings", headers=admin, params={"limit": 100}), 200)
        building = next(b for b in buildings["items"] if b.get("grid_id") == grid)
        rooms = _ok(
            api.get(
                "/api/v1/rooms",
                headers=admin,
                params={"building_id": building["id"], "limit": 100},
            ),
            200,
        )["items"]
        room = next(r for r in rooms if r["rental_status"] == "vacant")
        shop = _ok(
            api.post(
                f"{C}/shops",
                headers=merchant,
                json={
                    "merchant_id": registered["id"],
                    "name": "巧手家电维修店",
                    "latitude": 39.9043,
                    "longitude": 116.4085,
                    "room_id": room["id"],
                },
            )
        )
        assert shop["flagged"] is False
        meter = _ok(
            api.post(
                "/api/v1/devices",
                headers=admin,
                json={
                    "name": f"e2e-shop-meter-{uuid.uuid4().hex[:6]}",
                    "device_type": "electricity_meter",
                    "community_id": community,
                    "building_id": building["id"],
                    "unit_id": room["unit_id"],
                    "room_id": room["id"],
                },
            )
        )
        # three of the last five nights: 2.4 kWh between 23:00 and 04:30, little by day
        counter, body = 5000.0, []
        today = datetime.now(ZONE).date()
        for back in (5, 3, 2):
            evening = today - timedelta(days=back)
            for at, rise in (
                (datetime.combine(evening, time(12, 0), ZONE), 0.0),
                (datetime.combine(evening, time(23, 0), ZONE), 3.0),
                (datetime.combine(evening + timedelta(days=1), time(4, 30), ZONE), 2.4),
            ):
                counter = round(counter + rise, 3)
                body.append(
                    {
                        "ts": int(at.timestamp() * 1000),
                        "values": {"totalActiveEnergyImport": counter},
                    }
                )
        sent = httpx.post(
            f"{gateway_url}/api/v1/{meter['access_token']}/telemetry", json=body, timeout=30
        )
        assert sent.status_code == 200, sent.text

        def flagged() -> dict[str, Any] | None:
            r = api.get(f"{C}/shops/{shop['id']}", headers=manager)
            found = _ok(r, 200)
            return found if found["flagged"] else None

        seen_shop = wait_until(flagged, 120, "the shop flagged for night-time living")
        assert seen_shop["flag_label"]["zh-CN"].startswith(
            "近7晚中有3晚在23:00至次日05:00用电超过1.5千瓦时"
        )

        def living_case() -> dict[str, Any] | None:
            r = api.get(
                "/api/v1/work-orders",
                headers=grid_worker,
                params={"type": "shop_living_check", "limit": 100},
            )
            found = [
                c for c in _ok(r, 200)["items"] if c["title"] == "商铺住人核查：巧手家电维修店"
            ]
            return found[0] if found else None

        found = wait_until(living_case, 120, "the grid worker's shop living check case")
        detail = _ok(api.get(f"/api/v1/work-orders/{found['id']}", headers=grid_worker), 200)
        assert detail["grid_id"] == grid and detail["building_id"] == building["id"]
        assert detail["description"].startswith("近7晚中有3晚在23:00至次日05:00用电超过")
        assert "people may be living in the shop" in detail["description"]
        _step(api, grid_worker, found["id"], "accept")
        # residents never see the flag
        r = api.get(f"{C}/shops/{shop['id']}", headers=resident)
        assert _ok(r, 200)["flagged"] is None

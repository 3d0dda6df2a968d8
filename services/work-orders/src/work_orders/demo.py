"""Demo data for ``make run``: a few cases of the demo resident at different steps, staff
skills, and a patrol route with tonight's round.

Runs after identity's demo; logs in through the gateway (GATEWAY_URL) as the demo
accounts (password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent: the staff
member is put on the register when missing; when the demo resident has repairs already,
nothing else changes. It never fails the stack: problems
are printed and it exits 0.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from sc_core.demo import run_gateway_demo

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"


def tiny_png(rgb: tuple[int, int, int] = (70, 130, 180), size: int = 16) -> bytes:
    """A real (viewable) PNG of one colour, made here so the demo ships no binary."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


class Api:
    def __init__(self, client: httpx.Client, username: str) -> None:
        r = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
        )
        r.raise_for_status()
        self.client = client
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        self.me: dict[str, Any] = self.get("/api/v1/me")

    def get(self, path: str, **params: Any) -> Any:
        r = self.client.get(path, params=params, headers=self.headers)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
        r = self.client.post(path, json=body, headers=self.headers, **kw)
        if r.status_code >= 400:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def put(self, path: str, body: dict[str, Any]) -> Any:
        r = self.client.put(path, json=body, headers=self.headers)
        r.raise_for_status()
        return r.json()

    def community(self) -> str:
        for g in self.me["grants"]:
            if g["scope_type"] == "community":
                return str(g["scope_id"])
        raise RuntimeError(f"{self.me.get('username')} has no community grant")


def load(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        resident = Api(client, "resident")
        staff = Api(client, "property_staff")
        manager = Api(client, "property_manager")
        household = resident.me["households"][0]
        community = str(household["community_id"])
        # the staff member on the register first, on every start where they are not: other
        # demos (commerce's maintenance booking) may have opened a case for the resident
        # already, and a case is only assigned to registered staff
        register = manager.get("/api/v1/staff-skills", community_id=community, limit=100)
        if all(row["user_id"] != staff.me["id"] for row in register["items"]):
            manager.put(
                f"/api/v1/staff-skills/{staff.me['id']}",
                {
                    "community_id": community,
                    "display_name": staff.me.get("name") or "王强（物业维修）",
                    "skills": ["plumbing", "electrical", "general", "security", "service"],
                },
            )
        # this demo's own cases (repairs) mark it loaded, not any case of the resident's
        if resident.get("/api/v1/work-orders", type="repair")["total"] > 0:
            return "already loaded"
        place = {
            "community_id": community,
            "building_id": str(household["building_id"]),
            "unit_id": str(household["unit_id"]),
            "room_id": str(household["room_id"]),
            "household_id": str(household["household_id"]),
        }
        photo = resident.post(
            "/api/v1/work-order-attachments", files={"file": ("leak.png", tiny_png(), "image/png")}
        )
        repair = resident.post(
            "/api/v1/work-orders",
            {
                "case_type": "repair",
                "title": "厨房水管漏水",
                "description": "水槽下方有积水，阀门一直滴水",
                "place": "1号楼1单元101室 厨房",
                "attachment_ids": [photo["id"]],
                **place,
            },
        )
        wid = repair["id"]
        staff.post(f"/api/v1/work-orders/{wid}/accept")
        manager.post(f"/api/v1/work-orders/{wid}/assign", {"assignee_id": staff.me["id"]})
        staff.post(f"/api/v1/work-orders/{wid}/start")
        after = staff.post(
            "/api/v1/work-order-attachments",
            files={"file": ("valve.png", tiny_png((60, 179, 113)), "image/png")},
        )
        staff.post(
            f"/api/v1/work-orders/{wid}/reply",
            {
                "text": "已更换阀门，正在试水",
                "attachment_ids": [after["id"]],
                "longitude": 116.4084,
                "latitude": 39.9042,
            },
        )
        resident.post(
            "/api/v1/work-orders",
            {"case_type": "complaint", "title": "楼上夜间装修噪音", **place},
        )
        lamp = resident.post(
            "/api/v1/work-orders",
            {"case_type": "repair", "title": "1单元楼道灯不亮", **place},
        )
        for action in ("accept", "resolve"):
            staff.post(f"/api/v1/work-orders/{lamp['id']}/{action}", {"text": "已更换灯泡"})
        _patrol(manager, staff, community)
        return "loaded"


def _patrol(manager: Api, staff: Api, community: str) -> None:
    if manager.get("/api/v1/patrol-routes")["total"] > 0:
        return
    route = manager.post(
        "/api/v1/patrol-routes",
        {
            "community_id": community,
            "name": "夜间巡更",
            "max_gap_minutes": 45,
            "checkpoints": [
                {"code": "DEMO-QR-N", "place": "北门"},
                {"code": "DEMO-QR-B1", "place": "1号楼大堂"},
                {"code": "DEMO-QR-B2", "place": "2号楼大堂"},
                {"code": "DEMO-QR-G", "place": "地下车库"},
            ],
        },
    )
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    manager.post(
        "/api/v1/patrol-rounds",
        {
            "route_id": route["id"],
            "assignee_id": staff.me["id"],
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(hours=2)).isoformat(),
        },
    )


def main() -> int:
    return run_gateway_demo("work-orders", load)


if __name__ == "__main__":
    sys.exit(main())

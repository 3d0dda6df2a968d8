"""Demo data for ``make run``: the car park of 幸福里社区 with its tariff, gates and a
watched plate; the simulated EV pile (CP-DEMO-01); the resident's car; property fee
items, the billable areas of the demo households' rooms and last month's bills.

Runs after identity's demo; logs in through the gateway (GATEWAY_URL) as the demo
accounts (password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent: when the
community has a tariff already, it changes nothing. It never fails the stack: problems
are printed and it exits 0.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from sc_core.demo import run_gateway_demo

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
DEMO_CHARGER = "CP-DEMO-01"  # the stack's simulated pile (charger_sim.py)


class Api:
    def __init__(self, client: httpx.Client, username: str) -> None:
        r = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
        )
        r.raise_for_status()
        self.client = client
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        self.me: dict[str, Any] = self.call("GET", "/api/v1/me")

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        r = self.client.request(method, path, json=body, params=params, headers=self.headers)
        r.raise_for_status()
        return r.json() if r.content else None

    def wait_for(self, path: str, bound_s: float = 180.0, **params: Any) -> None:
        """Until ``GET path`` stops answering 403 (a projection catching up), within a
        generous bound; then whatever it answers is raised as usual."""
        deadline = time.monotonic() + bound_s
        while True:
            r = self.client.get(path, params=params, headers=self.headers)
            if r.status_code != 403 or time.monotonic() > deadline:
                r.raise_for_status()
                return
            time.sleep(0.5)


def room_label(h: dict[str, Any]) -> str:
    """The flat as people name it, from identity's ``/me`` (幸福里社区 1号楼1单元101室)."""
    label = h.get("place_label") or h.get("name")
    if not label:
        raise RuntimeError("identity's /me names no place for the demo household")
    return str(label)


def load(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        manager = Api(client, "property_manager")
        resident = Api(client, "resident")
        tenant = Api(client, "tenant")
        home = resident.me["households"][0]
        community = str(home["community_id"])
        # the simulated pile the stack runs (OCPP_DEMO_CHARGER), registered every time: a
        # PUT by its identity, so a second run changes nothing
        manager.call(
            "PUT",
            f"/api/v1/charging/charge-points/{DEMO_CHARGER}",
            {
                "community_id": community,
                "name": "地下车库 1号充电桩",
                "energy_price": 80,
                "service_fee": 60,
            },
        )
        if manager.call("GET", "/api/v1/parking/tariffs", community_id=community):
            return "already loaded"
        tariff = manager.call(
            "POST",
            "/api/v1/parking/tariffs",
            {
                "community_id": community,
                "name": "临时停车",
                "rules": {
                    "unit_price": 300,
                    "free_minutes": 15,
                    "cap": 2000,
                    "leave_within_minutes": 15,
                },
            },
        )
        lot = manager.call(
            "POST",
            "/api/v1/parking/lots",
            {
                "community_id": community,
                "name": "幸福里地面停车场",
                "capacity": 120,
                "reserved": 20,
                "tariff_id": tariff["id"],
            },
        )
        tokens = {}
        for camera, direction, name in (
            ("DEMO-CAM-EAST-IN", "entry", "东门入口"),
            ("DEMO-CAM-EAST-OUT", "exit", "东门出口"),
        ):
            gate = manager.call(
                "POST",
                "/api/v1/parking/gates",
                {
                    "lot_id": lot["id"],
                    "name": name,
                    "direction": direction,
                    "camera_id": camera,
                    "barrier_device_id": camera.replace("CAM", "BARRIER"),
                    "zone": "地面 A 区",
                },
            )
            tokens[camera] = gate["camera_token"]
        manager.call(
            "POST",
            "/api/v1/parking/watch-list",
            {
                "community_id": community,
                "plate": "冀B88888",
                "reason": "blacklist",
                "note": "多次冲卡逃费",
            },
        )
        # the resident acts for their household once the directory here knows where it
        # lives (identity's events, consumed beside this demo's loading)
        resident.wait_for("/api/v1/parking/lots", community_id=community)
        resident.call(
            "POST",
            "/api/v1/parking/vehicles",
            {
                "community_id": community,
                "household_id": str(home["household_id"]),
                "plate": "京A12345",
                "color": "blue",
            },
        )
        for item in (
            {"name": "物业费", "kind": "area", "unit_price": "250"},
            {"name": "垃圾清运费", "kind": "fixed", "amount": 1000},
            {"name": "水费", "kind": "metered", "unit_price": "345", "meter": "water"},
        ):
            manager.call(
                "POST", "/api/v1/property-bills/fee-items", {"community_id": community, **item}
            )
        for account, area in ((resident, "89.37"), (tenant, "62.50")):
            h = account.me["households"][0]
            manager.call(
                "PUT",
                f"/api/v1/property-bills/rooms/{h['room_id']}",
                {
                    "community_id": community,
                    "building_id": str(h.get("building_id") or ""),
                    "unit_id": str(h.get("unit_id") or ""),
                    "household_id": str(h["household_id"]),
                    "label": room_label(h),
                    "area_m2": area,
                },
            )
        today = datetime.now(UTC).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        made = manager.call(
            "POST",
            "/api/v1/property-bills/generate",
            {
                "community_id": community,
                "period": last_month,
                "due": (today.replace(day=1) + timedelta(days=14)).isoformat(),
            },
        )
        cams = ", ".join(
            f"{c}: /api/v1/parking/anpr/{t}/alarm-info-plate" for c, t in tokens.items()
        )
        return f"car park, gates ({cams}), {made['bills']} bills for {last_month}"


def main() -> int:
    return run_gateway_demo("parking-payment", load)


if __name__ == "__main__":
    sys.exit(main())

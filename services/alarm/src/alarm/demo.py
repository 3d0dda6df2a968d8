"""Demo data for ``make run``: default rules of the demo community, named in zh-CN with
their English names beside (smoke -> critical, opens a work order and notifies; water tank
offline -> major), the demo ``property_staff`` on duty around the clock, a notification
plan with escalation, two shelters near the community and supplies, all in zh-CN.

Emergency buttons and wearable falls need no demo rule: a migration seeds platform-wide
defaults for them. Runs after identity's demo; logs in through the gateway (GATEWAY_URL)
as the demo accounts (password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent:
when the demo rules exist it changes nothing. It never fails the stack.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from sc_core.demo import run_gateway_demo

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
SMOKE_RULE = "烟雾报警（演示）"
EARLIER_SMOKE_RULE = "Smoke detected (demo)"  # a state loaded before the rules had zh-CN names

# The demo community's rules, named in zh-CN (what its readers read) and en (name_en,
# title_en: what an English reader's messages say).
RULES: list[dict[str, Any]] = [
    {
        "name": SMOKE_RULE,
        "name_en": "Smoke alarm (demo)",
        "alarm_type": "smoke",
        "severity": "critical",
        "kind": "threshold",
        "device_type": "smoke_detector",
        "conditions": [{"key": "smokeDetected", "op": "equals", "value": True}],
        "actions": ["open_work_order", "notify"],
        "work_order_type": "alarm_dispatch",
        "title": "检测到烟雾",
        "title_en": "Smoke detected",
    },
    {
        "name": "水箱离线（演示）",
        "name_en": "Water tank offline (demo)",
        "alarm_type": "device_offline",
        "severity": "major",
        "kind": "inactivity",
        "device_type": "water_tank",
        "offline": True,
        "actions": ["notify", "open_work_order"],
        "work_order_type": "repair",
        "title": "水箱离线",
        "title_en": "Water tank offline",
    },
    {
        "name": "建筑安全等级低于B级（演示）",
        "name_en": "Building safety grade below B (demo)",
        "alarm_type": "structure_unsafe",
        "severity": "critical",
        "kind": "threshold",
        "device_type": "structural_monitor",
        "conditions": [{"key": "safetyGrade", "op": "in", "value": ["C", "D"]}],
        "actions": ["open_work_order", "notify"],
        "work_order_type": "alarm_dispatch",
        "title": "建筑安全等级低于B级",
        "title_en": "Building safety grade below B",
    },
]

# the demo community (identity's demo) lies at 116.4074, 39.9042: its shelters are the
# school across the road and the community square (100-320 m), its stores on site
COMMUNITY_LNG, COMMUNITY_LAT = 116.4074, 39.9042
# name, category (free text, shown as it is), unit, quantity, where it is kept
SUPPLIES: list[tuple[str, str, str, int, str]] = [
    ("防汛沙袋", "防汛", "袋", 200, "1号楼地下储藏室"),
    ("应急照明灯", "应急照明", "个", 40, "社区服务中心一楼物资间"),
    ("灭火器（4 kg 干粉）", "消防", "具", 60, "各楼栋一楼消防箱"),
]


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

    def post(self, path: str, body: dict[str, Any]) -> Any:
        r = self.client.post(path, json=body, headers=self.headers)
        if r.status_code >= 400:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def community(self) -> str:
        for grant in self.me.get("grants", []):
            if grant["scope_type"] == "community":
                return str(grant["scope_id"])
        raise RuntimeError(f"{self.me.get('username')} has no community grant")


def load(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        admin = Api(client, "community_admin")
        staff = Api(client, "property_staff")
        community = admin.community()
        rules = admin.get("/api/v1/alarm-rules", community_id=community, limit=100)["items"]
        if any(r["name"] in (SMOKE_RULE, EARLIER_SMOKE_RULE) for r in rules):
            return "already loaded"
        for rule in RULES:
            admin.post("/api/v1/alarm-rules", {"community_id": community, **rule})
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        admin.post(
            "/api/v1/duty-roster",
            {
                "community_id": community,
                "user_id": staff.me["id"],
                "role": "property_staff",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=366)).isoformat(),
                "note": "演示：全天值班",
            },
        )
        admin.post(
            "/api/v1/notification-plans",
            {
                "community_id": community,
                "name": "值班物业，再到物业经理，再到社区",
                "min_severity": "minor",
                "stages": [
                    {"after_s": 0, "on_duty": True},
                    {"after_s": 300, "roles": ["property_manager"]},
                    {"after_s": 900, "roles": ["community_admin"]},
                ],
                "channels": ["inapp", "push", "sms"],
            },
        )
        admin.post(
            "/api/v1/shelters",
            {
                "community_id": community,
                "name": "幸福里小学体育馆（应急避难场所）",
                "address": "示范市示范区幸福路3号",
                "capacity": 800,
                "lat": COMMUNITY_LAT + 0.0019,
                "lng": COMMUNITY_LNG + 0.0028,
                "facilities": "饮用水、应急照明、医疗点、无障碍通道",
            },
        )
        admin.post(
            "/api/v1/shelters",
            {
                "community_id": community,
                "name": "幸福里社区广场（室外避难场所）",
                "address": "示范市示范区幸福路1号社区中心南侧",
                "capacity": 1500,
                "lat": COMMUNITY_LAT - 0.0008,
                "lng": COMMUNITY_LNG + 0.0006,
                "facilities": "应急广播、临时帐篷区",
            },
        )
        for name, category, unit, quantity, location in SUPPLIES:
            admin.post(
                "/api/v1/supplies",
                {
                    "community_id": community,
                    "name": name,
                    "category": category,
                    "unit": unit,
                    "quantity": quantity,
                    "location": location,
                },
            )
        return f"rules, roster, plan, shelters and supplies for community {community}"


def main() -> int:
    return run_gateway_demo("alarm", load)


if __name__ == "__main__":
    sys.exit(main())

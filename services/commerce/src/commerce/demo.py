"""Demo data for ``make run``: commerce in 幸福里社区 (identity's demo community).

The story: the community's merchant registers two businesses, 幸福里惠民便利店 and 巧手
裁缝铺, and the property manager verifies both. The shop sells vegetables, eggs and
bottled water priced in fen; the tailor's shop was registered at 2号楼1单元101室, where
the tenant household lives, so it is flagged (住人风险) and work-orders opens a case for
the grid worker (商铺住人核查). The
property places a repair station and a recycling point beside the buildings; 张伟's
household (1号楼1单元101室, the resident account) drops off 2.5 kg of paper there and earns
credits, books the repair station to fix a dripping tap, and, as the flat's owner, lists
it for sale, which the property manager publishes.

Runs after identity's demo; logs in through the gateway (GATEWAY_URL) as the demo
accounts (password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent: when the
merchant has registered anything, it changes nothing. It never fails the stack: problems
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
from sc_core.validators import uscc_check_char

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
C = "/api/v1/commerce"
# identity's demo community (幸福里社区) and its buildings' coordinates
LAT, LNG = 39.9042, 116.4074
# projections that catch up with identity's events answer these for a while
CATCHING_UP = {"commerce.household_unknown", "commerce.owner_unverified"}


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


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
        """One call; while commerce has not yet read identity's events about the
        household (409 with a code of ``CATCHING_UP``), it is retried within 180 s."""
        deadline = time.monotonic() + 180
        while True:
            r = self.client.request(method, path, json=body, params=params, headers=self.headers)
            waiting = r.status_code == 409 and r.json().get("code") in CATCHING_UP
            if not waiting or time.monotonic() > deadline:
                r.raise_for_status()
                return r.json() if r.content else None
            time.sleep(1)


def _merchants(merchant: Api, manager: Api, community: str) -> tuple[str, str]:
    hours = [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "07:00", "closes": "22:00"}]
    shop = merchant.call(
        "POST",
        f"{C}/merchants",
        {
            "community_id": community,
            "name": "幸福里惠民便利店",
            "credit_code": uscc("92110105MA01XFL2K"),
            "licence_no": "JY11105000088661",
            "category": "grocery",
            "address": "幸福里社区 1号楼底商 105",
            "opening_hours": hours,
            "phone": "13900000011",
        },
    )
    tailor = merchant.call(
        "POST",
        f"{C}/merchants",
        {
            "community_id": community,
            "name": "巧手裁缝铺",
            "credit_code": uscc("92110105MA01XFL3M"),
            "category": "other",
            "address": "幸福里社区 2号楼1单元101室",
            "opening_hours": [{"days": [1, 2, 3, 4, 5, 6], "opens": "09:00", "closes": "19:00"}],
            "phone": "13900000012",
        },
    )
    for m in (shop, tailor):
        manager.call("POST", f"{C}/merchants/{m['id']}/verify", {"note": "证照齐全，现场核验通过"})
    return shop["id"], tailor["id"]


def _shops(merchant: Api, tenant_room: str, shop_id: str, tailor_id: str) -> int:
    store = merchant.call(
        "POST",
        f"{C}/shops",
        {
            "merchant_id": shop_id,
            "name": "惠民便利店",
            "description": "生鲜蔬菜每日早上七点到货，满 30 元免费送货上楼",
            "latitude": LAT + 0.0004,
            "longitude": LNG + 0.0010,
        },
    )
    products = [
        ("有机青菜", "斤", 650, True),
        ("土鸡蛋（30枚）", "盒", 2800, True),
        ("桶装饮用水", "桶", 2000, True),
        ("东北大米 5kg", "袋", 4990, False),
    ]
    for name, unit, fen, available in products:
        merchant.call(
            "POST",
            f"{C}/shops/{store['id']}/products",
            {"name": name, "unit": unit, "price_fen": fen, "available": available},
        )
    tailor = merchant.call(
        "POST",
        f"{C}/shops",
        {
            "merchant_id": tailor_id,
            "name": "巧手裁缝铺",
            "description": "改衣、修拉链、换裤脚",
            "latitude": LAT,
            "longitude": LNG + 0.0020,
            "room_id": tenant_room,
        },
    )
    merchant.call(
        "POST",
        f"{C}/shops/{tailor['id']}/products",
        {"name": "裤脚修改", "unit": "条", "price_fen": 1500},
    )
    return len(products) + 1


def _points(manager: Api, resident: Api, community: str, household: str) -> None:
    repair = manager.call(
        "POST",
        f"{C}/service-points",
        {
            "community_id": community,
            "kind": "repair_station",
            "name": "幸福里便民维修站",
            "address": "幸福里社区 1号楼北侧",
            "latitude": LAT + 0.0003,
            "longitude": LNG + 0.0010,
            "services": ["水电维修", "家电维修", "开锁换锁"],
        },
    )
    recycling = manager.call(
        "POST",
        f"{C}/service-points",
        {
            "community_id": community,
            "kind": "recycling_point",
            "name": "2号楼东侧再生资源回收点",
            "address": "幸福里社区 2号楼东侧",
            "latitude": LAT,
            "longitude": LNG + 0.0025,
            "services": ["废纸", "塑料瓶", "旧衣物", "金属"],
        },
    )
    manager.call(
        "POST",
        f"{C}/service-points",
        {
            "community_id": community,
            "kind": "agency",
            "name": "幸福里房屋中介服务点",
            "address": "幸福里社区 北门东侧",
            "latitude": LAT + 0.0010,
            "longitude": LNG,
            "services": ["房屋租售咨询"],
        },
    )
    manager.call(
        "POST",
        f"{C}/recycling/drop-offs",
        {
            "service_point_id": recycling["id"],
            "household_id": household,
            "category": "paper",
            "weight_g": 2500,
        },
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=2, minute=0, second=0, microsecond=0
    )  # 10:00 in Beijing
    resident.call(
        "POST",
        f"{C}/service-points/{repair['id']}/bookings",
        {
            "household_id": household,
            "service": "厨房水龙头滴水，需要更换阀芯",
            "preferred_at": tomorrow.isoformat(),
        },
    )


def _listing(resident: Api, manager: Api, home: dict[str, Any]) -> None:
    listing = resident.call(
        "POST",
        f"{C}/listings",
        {
            "household_id": home["household_id"],
            "kind": "sale",
            "title": "南北通透三室一厅，近地铁",
            "place_label": str(home.get("place_label") or "1号楼1单元101室"),
            "description": "一楼带小院，2015 年精装修，满五唯一，随时可看房。",
            "layout": "三室一厅",
            "area_m2": 89.5,
            "price_fen": 285_000_000,
            "contact_name": "张先生",
            "contact_phone": "13800000001",
            "latitude": LAT + 0.0002,  # 1号楼: the agency by the north gate is beside it
            "longitude": LNG + 0.0003,
        },
    )
    manager.call("POST", f"{C}/listings/{listing['id']}/publish", {"note": "产权已核实"})


def load(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        merchant = Api(client, "merchant")
        if merchant.call("GET", f"{C}/merchants", limit=1)["items"]:
            return "already loaded"
        manager = Api(client, "property_manager")
        resident = Api(client, "resident")
        tenant = Api(client, "tenant")
        home = resident.me["households"][0]
        community = str(home["community_id"])
        shop_id, tailor_id = _merchants(merchant, manager, community)
        _points(manager, resident, community, str(home["household_id"]))
        products = _shops(merchant, str(tenant.me["households"][0]["room_id"]), shop_id, tailor_id)
        _listing(resident, manager, home)
        return f"2 merchants, 2 shops with {products} products, 3 service points, 1 listing"


def main() -> int:
    return run_gateway_demo("commerce", load)


if __name__ == "__main__":
    sys.exit(main())

"""Demo data for ``make run``: a published, pinned community notice (社区公告) in 幸福里社区
(identity's demo community), so the console's 社区公告 page and the residents' app's notice
board show something.

The community admin (郑红) drafts and submits it; the street office (何志刚) approves it,
which publishes it and asks the notification service to tell the residents, as in real use.
Runs after identity's demo; logs in through the gateway (GATEWAY_URL) as the demo accounts
(password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent: a community that has the
notice already changes nothing. It never fails the stack: problems are printed and it
exits 0.
"""

from __future__ import annotations

import os
import sys
import time

import httpx

from sc_core.demo import run_gateway_demo

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
TITLE = "冬季消防安全提示"
BODY = (
    "入冬以来天干物燥，请各位居民注意：不在楼道、消防通道停放电动车和堆放杂物；"
    "电动车请到小区集中充电点充电，不要“飞线”充电；外出和睡前关闭燃气阀门。"
    "发现火情请立即拨打119，并通过社区App一键报警。"
)


def login(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def run(gateway: str) -> str:
    with httpx.Client(base_url=gateway, timeout=60) as client:
        admin = login(client, "community_admin")
        officer = login(client, "gov_officer")
        me = client.get("/api/v1/me", headers=login(client, "resident")).json()
        community = next(
            (h["community_id"] for h in me.get("households", []) if h.get("community_id")), None
        )
        if community is None:
            return "not loaded (the demo resident has no household)"
        listed = client.get(
            "/api/v1/notices", headers=admin, params={"community_id": community, "limit": 100}
        )
        listed.raise_for_status()
        if any(n["title"] == TITLE for n in listed.json()["items"]):
            return "already loaded"
        # gov-affairs learns the community's places from identity's events after the start
        deadline = time.monotonic() + 120
        while True:
            made = client.post(
                "/api/v1/notices",
                json={
                    "community_id": community,
                    "title": TITLE,
                    "body": BODY,
                    "category": "safety",
                    "pinned": True,
                },
                headers=admin,
            )
            if made.status_code == 201 or time.monotonic() > deadline:
                break
            time.sleep(2)
        made.raise_for_status()
        url = f"/api/v1/notices/{made.json()['id']}/steps"
        client.post(url, json={"action": "submit"}, headers=admin).raise_for_status()
        client.post(url, json={"action": "approve"}, headers=officer).raise_for_status()
        return f"a pinned notice published: {TITLE}"


def main() -> int:
    return run_gateway_demo("gov-affairs", run)


if __name__ == "__main__":
    sys.exit(main())

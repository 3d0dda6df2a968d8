"""Demo data for ``make run``: an elder's care record in 幸福里社区 (identity's demo
community), so the console's care pages show something.

张德福 (born 1942) lives with his son 张伟 (the ``resident`` account) in 1号楼1单元101室
and is in his care (张伟 is his guardian). 张伟 shares his father's profile and vital signs
with 李娜 (``family``) and the community doctor 林晓 (``doctor``), both told of alerts; the
doctor sets his blood pressure range (90–140/60–90 mmHg); a week of readings is recorded
by hand (blood pressure morning and evening, heart rate, blood glucose); on one day his
blood pressure is above the range, which tells 李娜 and the doctor once (one episode).

Runs after identity's demo; logs in through the gateway (GATEWAY_URL) as the demo accounts
(password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent: when the record exists
it changes nothing. It never fails the stack: problems are printed and it exits 0.
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
PERSON = "demo-elder-zhang"
P = f"/api/v1/care/people/{PERSON}"


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

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One call; a busy gateway (429, 503) is asked again within 60 s."""
        deadline = time.monotonic() + 60
        while True:
            r = self.client.request(method, path, json=body, headers=self.headers)
            if r.status_code in (429, 503) and time.monotonic() < deadline:
                time.sleep(1)
                continue
            if r.status_code >= 400:
                raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
            return r.json() if r.content else None


def _r(kind: str, at: datetime, **values: float) -> dict[str, Any]:
    return {"kind": kind, "values": values, "at": at}


def _readings(now: datetime) -> list[dict[str, Any]]:
    """A week by hand, oldest first: blood pressure at 8:00 and 20:00 (one day high),
    heart rate in the morning, fasting glucose every other day (times in UTC+8)."""
    out: list[dict[str, Any]] = []
    start = (now + timedelta(hours=8)).replace(hour=0, minute=0, second=0, microsecond=0)
    start = start - timedelta(days=7) - timedelta(hours=8)  # local midnight a week ago
    bp = [(128, 82), (134, 86), (126, 80), (131, 84), (124, 78), (152, 94), (129, 83)]
    for day in range(7):
        morning = start + timedelta(days=day, hours=8)
        evening = start + timedelta(days=day, hours=20)
        sys_, dia = bp[day]
        out.append(_r("blood_pressure", morning, systolic=sys_ - 4, diastolic=dia - 2))
        out.append(_r("heart_rate", morning + timedelta(minutes=1), value=70 + day % 3 * 4))
        if day % 2 == 0:
            out.append(_r("glucose", morning + timedelta(minutes=2), value=5.8 + day / 10))
        out.append(_r("blood_pressure", evening, systolic=sys_, diastolic=dia))
    return [r for r in out if r["at"] < now]


def load(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        doctor, son, family = (Api(client, u) for u in ("doctor", "resident", "family"))
        found = client.get(P, headers=doctor.headers)
        if found.status_code != 404:
            return "the elder's record is there already"
        home = son.me["households"][0]
        doctor.call(
            "POST",
            "/api/v1/care/people",
            {
                "name": "张德福",
                "birth_date": "1942-06-18",
                "gender": "male",
                "community_id": home["community_id"],
                "household_id": home["household_id"],
                "person_id": PERSON,
                "address": "幸福里社区 1号楼1单元101室",
                "guardians": [son.me["id"]],
                "has_capacity": False,
            },
        )
        for grantee, relation in ((family.me["id"], "family"), (doctor.me["id"], "doctor")):
            son.call(
                "POST",
                f"{P}/grants",
                {
                    "grantee": grantee,
                    "relation": relation,
                    "categories": ["profile", "vitals"],
                    "notify": True,
                },
            )
        doctor.call(
            "PUT",
            f"{P}/thresholds",
            {"kind": "blood_pressure", "ranges": {"systolic": [90, 140], "diastolic": [60, 90]}},
        )
        readings = _readings(datetime.now(UTC))
        for r in readings:
            son.call(
                "POST",
                f"{P}/vitals",
                {"kind": r["kind"], "values": r["values"], "measured_at": r["at"].isoformat()},
            )
        return f"张德福's care record with {len(readings)} readings (one day's blood pressure high)"


def main() -> int:
    return run_gateway_demo("care", load)


if __name__ == "__main__":
    sys.exit(main())

"""Issue 26's end-to-end scenario, only through the gateway and the event stream, in a
community of its own: 30 residents answer the sense-of-security survey and 20 repair cases
close with ratings; the month's KPIs and indices equal a hand calculation from what the
residents answered and what the case timelines show; a redelivered rating changes nothing.

The same figures are worked on the domain alone in
``services/evaluation/tests/unit/test_evaluation_hand_calculation.py``; here they come from
real accounts, real cases and the events the services publish.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from e2e_kit import wait_until

PASSWORD = "Evaluate-2026!"
WORKORDER_TOPIC = "workorder.events.v1"
KPI_GROUP = "evaluation.feeds"  # the evaluation service's feeds, one member (ADR 0070)
# three groups of ten residents answering alike (the unit test's groups A, B, C)
COMMUNITY_ITEMS = {"A": 5, "B": 4, "C": 2}  # c1, c2, c4, c5, c6
FIRE_ITEM = {"A": 5, "B": 3, "C": 1}  # c3
INTERPERSONAL = {"A": 1, "B": 2, "C": 4}  # worded as insecurity: scored 5, 4, 2
CONTROL = {"A": 2, "B": 3, "C": 3}  # scored 4, 3, 3
RATINGS = [5] * 10 + [4] * 5 + [2] * 4 + [1]  # 79 / 20 = 3.95; 15 of 20 satisfied (>= 4)


def _ok(r: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, (r.request.url, r.text)
    return dict(r.json())


def _token(api: httpx.Client, username: str) -> dict[str, str]:
    body = _ok(
        api.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}), 200
    )
    return {"Authorization": f"Bearer {body['access_token']}"}


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community of this test's own: one building, one unit, 30 flats and households, a
    manager, a member of staff and a resident account in each flat."""
    c = _ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"EV{run}", "name": f"评价测试社区{run}", "address": "测试路1号"},
        )
    )
    b = _ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": "1号楼", "floors": 6},
        )
    )
    u = _ok(
        api.post(
            "/api/v1/units",
            headers=admin,
            json={"building_id": b["id"], "code": "1", "name": "1单元"},
        )
    )
    residents = []
    for i in range(30):
        floor, flat = 1 + i // 5, 1 + i % 5
        room = _ok(
            api.post(
                "/api/v1/rooms",
                headers=admin,
                json={"unit_id": u["id"], "floor": floor, "code": f"{floor}0{flat}"},
            )
        )
        household = _ok(api.post("/api/v1/households", headers=admin, json={"room_id": room["id"]}))
        username = f"ev{run}r{i:02d}"
        _ok(
            api.post(
                "/api/v1/accounts",
                headers=admin,
                json={
                    "username": username,
                    "display_name": f"居民{i + 1}",
                    "password": PASSWORD,
                    "grants": [
                        {"role": "resident", "scope_type": "household", "scope_id": household["id"]}
                    ],
                },
            )
        )
        residents.append({"username": username, "household": household})
    staff = {}
    for role in ("property_manager", "property_staff"):
        username = f"ev{run}{role[9:12]}"
        staff[role] = _ok(
            api.post(
                "/api/v1/accounts",
                headers=admin,
                json={
                    "username": username,
                    "display_name": "评价测试物业"
                    + ("经理" if role == "property_manager" else "员工"),
                    "password": PASSWORD,
                    "grants": [{"role": role, "scope_type": "community", "scope_id": c["id"]}],
                },
            )
        )["username"]
    return {"community": c, "building": b, "residents": residents, "staff": staff}


def _answers(definition: dict[str, Any], group: str) -> dict[str, Any]:
    """One resident's answers to the shipped security questionnaire, by group."""
    sections = {s["id"]: [q["id"] for q in s["questions"]] for s in definition["sections"]}
    out: dict[str, Any] = {q: COMMUNITY_ITEMS[group] for q in ("c1", "c2", "c4", "c5", "c6")}
    out["c3"] = FIRE_ITEM[group]
    out["used_emergency"] = "yes" if group == "A" else "no"
    if group == "A":
        out["emergency_speed"] = 5  # shown only to those who used it
    out.update({q: INTERPERSONAL[group] for q in sections["s_interpersonal"]})
    out.update({q: CONTROL[group] for q in sections["s_control"]})
    out["recommend"] = {"A": 10, "B": 8, "C": 3}[group]
    out["comment"] = {"A": "保安巡逻很及时，感谢", "B": "", "C": "晚上路灯太暗，不安全"}[group]
    return out


def _kpis(api: httpx.Client, h: dict[str, str], community: str, period: str) -> dict[str, Any]:
    r = api.get(
        "/api/v1/evaluation/kpis",
        headers=h,
        params={"community_id": community, "period": period, "limit": 100},
    )
    return {k["code"]: k for k in _ok(r, 200)["items"]}


def _seconds(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def _redeliver_a_rating(bootstrap: str, work_orders: set[str]) -> tuple[TopicPartition, int]:
    """Read one of the cases' rating events from the topic and publish it again, as a
    broker's redelivery would: same key, value and headers (the same CloudEvents id)."""

    async def run() -> tuple[TopicPartition, int]:
        consumer = AIOKafkaConsumer(
            WORKORDER_TOPIC,
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            found = None
            for _ in range(240):
                batches = await consumer.getmany(timeout_ms=500, max_records=1000)
                for messages in batches.values():
                    for m in messages:
                        headers = dict(m.headers or [])
                        if (
                            headers.get("ce_type") == b"community.workorder.rated.v1"
                            and m.key
                            and m.key.decode() in work_orders
                        ):
                            found = m
                if found is not None:
                    break
            assert found is not None, "no rating event of the cases on the topic"
        finally:
            await consumer.stop()
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            sent = await producer.send_and_wait(
                WORKORDER_TOPIC,
                found.value,
                key=found.key,
                headers=list(found.headers or []),
                partition=found.partition,
            )
        finally:
            await producer.stop()
        return TopicPartition(sent.topic, sent.partition), sent.offset

    return asyncio.run(run())


def _consumed_past(bootstrap: str, tp: TopicPartition, offset: int) -> bool:
    async def run() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            committed = await admin.list_consumer_group_offsets(KPI_GROUP, partitions=[tp])
        finally:
            await admin.close()
        meta = committed.get(tp)
        return meta is not None and meta.offset > offset

    return asyncio.run(run())


@pytest.mark.timeout(900)
def test_thirty_answers_and_twenty_rated_cases_make_the_months_figures(
    gateway_url: str,
    broker_bootstrap: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    run = uuid.uuid4().hex[:6]
    period = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    began = time.monotonic()

    def phase(name: str) -> None:  # where the time goes, in the CI log
        print(f"\nevaluation scenario: {name} after {time.monotonic() - began:.1f} s")

    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        place = _community(api, login("platform_admin"), run)
        phase("community, 30 households and accounts")
        community = place["community"]["id"]
        manager = _token(api, place["staff"]["property_manager"])
        staff = _token(api, place["staff"]["property_staff"])
        people = [_token(api, r["username"]) for r in place["residents"]]
        phase("32 logins")

        # the manager publishes the shipped sense-of-security questionnaire
        survey = _ok(
            api.post(
                "/api/v1/evaluation/surveys",
                headers=manager,
                json={"community_id": community, "questionnaire": "security"},
            )
        )
        assert survey["title"] == "社区居民安全感调查" and survey["status"] == "open"

        # 30 residents answer, ten per group; evaluation learns each household's place
        # from identity's events, so the first answer may have to wait for it
        for i, h in enumerate(people):
            body = {"answers": _answers(survey["definition"], "ABC"[i // 10])}

            def answer(h: dict[str, str] = h, body: dict[str, Any] = body) -> bool:
                r = api.post(
                    f"/api/v1/evaluation/surveys/{survey['id']}/responses", headers=h, json=body
                )
                if r.status_code == 403 and r.json()["code"] == "evaluation.no_household":
                    return False
                _ok(r)
                return True

            wait_until(answer, 120, "evaluation to know the resident's household")
        phase("30 answers")
        again = api.post(
            f"/api/v1/evaluation/surveys/{survey['id']}/responses",
            headers=people[0],
            json={"answers": _answers(survey["definition"], "A")},
        )
        assert again.status_code == 409 and again.json()["code"] == "evaluation.already_answered"

        # 20 residents report a repair; staff accept and resolve; each confirms and rates
        cases: list[str] = []
        for i, h in enumerate(people[:20]):
            household = place["residents"][i]["household"]
            body = {
                "case_type": "repair",
                "title": f"厨房水龙头漏水（{i + 1}号）",
                "community_id": community,
                "household_id": household["id"],
            }

            cases.append(str(_ok(api.post("/api/v1/work-orders", headers=h, json=body))["id"]))
        for i, wo in enumerate(cases):
            _ok(api.post(f"/api/v1/work-orders/{wo}/accept", headers=staff, json={}), 200)
            _ok(
                api.post(
                    f"/api/v1/work-orders/{wo}/resolve",
                    headers=staff,
                    json={"text": "已更换阀芯 Valve replaced"},
                ),
                200,
            )
            h = people[i]
            _ok(api.post(f"/api/v1/work-orders/{wo}/close", headers=h, json={}), 200)
            rated = _ok(
                api.post(f"/api/v1/work-orders/{wo}/rate", headers=h, json={"rating": RATINGS[i]}),
                200,
            )
            assert rated["rating"] == RATINGS[i]

        phase("20 cases reported, worked and rated")
        # the hand calculation of the case KPIs, from the timelines the cases show
        responses, resolutions = [], []
        for i, wo in enumerate(cases):
            timeline = _ok(api.get(f"/api/v1/work-orders/{wo}", headers=people[i]), 200)["timeline"]
            at = {t["action"]: t["created_at"] for t in timeline}
            responses.append(_seconds(at["created"], at["accept"]))
            resolutions.append(_seconds(at["created"], at["resolve"]))

        def all_counted() -> dict[str, Any] | None:
            k = _kpis(api, manager, community, period)
            return k if k["wo.rating_mean"]["n"] == 20 and k["wo.resolution_s"]["n"] == 20 else None

        kpis = wait_until(all_counted, 180, "the 20 ratings and resolutions in the month's KPIs")
        phase("the KPIs counted")
        assert kpis["wo.rating_mean"]["value"] == pytest.approx(79 / 20)
        assert kpis["wo.satisfied_rate"]["value"] == pytest.approx(15 / 20)
        assert kpis["wo.reopen_rate"]["value"] == 0
        assert kpis["wo.on_time_rate"]["value"] == 1
        assert kpis["wo.first_response_s"]["value"] == pytest.approx(sum(responses) / 20, abs=0.5)
        assert kpis["wo.resolution_s"]["value"] == pytest.approx(sum(resolutions) / 20, abs=0.5)
        assert kpis["wo.rating_mean"]["name"] == "平均评分"  # the reader's language, not a code

        # the month's indices
        figures = _ok(
            api.post(
                "/api/v1/evaluation/indices/compute",
                headers=manager,
                json={"community_id": community, "period": period},
            ),
            200,
        )
        by_index = {f["index"]: f for f in figures["figures"]}
        security = by_index["security"]
        leaves = {leaf["code"]: leaf for leaf in security["leaves"]}
        # c1,c2,c4,c5,c6: mean 11/3 -> 66.667; c3: mean 3 -> 50; the dimension averages its
        # six items: (5 × 66.667 + 50) / 6
        assert leaves["community"]["score"] == pytest.approx((5 * 200 / 3 + 50) / 6)
        assert leaves["interpersonal"]["score"] == pytest.approx(200 / 3)
        assert leaves["control"]["score"] == pytest.approx(175 / 3)
        assert leaves["community"]["n"] == 30 and leaves["community"]["inputs"] == 30
        assert security["name"] == "安全感" and security["method_version"] == "2026.1"
        # the index is its leaves' points: every figure traceable to its inputs
        assert security["value"] == pytest.approx(sum(x["points"] for x in security["leaves"]))
        # 获得感 without a gain survey: its KPIs carry it (method 2026.1's weights):
        # rating (3.95 − 1) / 4 × 100 × 0.4 + on time 100 × 0.3 + first response within
        # 30 minutes 100 × 0.15 + no reopening 100 × 0.15
        assert all(r <= 1800 for r in responses)
        gain = by_index["gain"]
        assert gain["value"] == pytest.approx(
            0.4 * (3.95 - 1) / 4 * 100 + 0.3 * 100 + 0.15 * 100 + 0.15 * 100
        )
        assert gain["coverage"] == pytest.approx(0.4)

        # a redelivered rating: consumed (its group's offset passes it), and nothing moves
        tp, offset = _redeliver_a_rating(broker_bootstrap, set(cases))
        wait_until(
            lambda: _consumed_past(broker_bootstrap, tp, offset),
            120,
            "evaluation to consume the redelivered rating",
        )
        phase("the redelivered rating consumed")
        after = _kpis(api, manager, community, period)
        for code in ("wo.rating_mean", "wo.satisfied_rate"):
            assert (after[code]["num"], after[code]["den"], after[code]["n"]) == (
                kpis[code]["num"],
                kpis[code]["den"],
                kpis[code]["n"],
            )
        # 获得感 rests on the work orders' KPIs alone: computed again, it is the same figure
        # (the notices' deliveries, still arriving, may move the other two)
        again_figures = _ok(
            api.post(
                "/api/v1/evaluation/indices/compute",
                headers=manager,
                json={"community_id": community, "period": period},
            ),
            200,
        )
        [gain_again] = [f for f in again_figures["figures"] if f["index"] == "gain"]
        assert gain_again["value"] == pytest.approx(gain["value"])

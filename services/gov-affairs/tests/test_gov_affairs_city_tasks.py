"""Must show (issue 25 item 2): a district platform's client, named by an active exchange
agreement, sends down tasks: a population check becomes a case request to work-orders per
community (once, whatever is sent again), and each state its case takes is reported back on
exchange.task-outcomes.v1 and recorded as an exchange with its SHA-256; a warning becomes a
published notice to the community's residents, reported as published; a client without an
agreement, or for a community the agreement does not cover, is refused in words."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from gov_affairs.db.exchange import ExchangeRecordRow
from gov_affairs.db.models import NoticeRow
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    CityTaskCaseRequestedV1,
    CityTaskOutcomeV1,
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderStatus,
)
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent

CLIENT = "svc-district-xh"


def _agreement(community: str) -> dict[str, Any]:
    return {
        "recipient": {
            "code": "district-xh",
            "name": "徐汇区城市运行管理平台",
            "kind": "district_platform",
            "kafka_principal": "district-xh",
            "client_id": CLIENT,
        },
        "datasets": [{"dataset": "cases", "fields": ["case_type", "count"]}],
        "max_grade": "internal",
        "aggregation": "community",
        "frequency": "daily",
        "communities": [community],
        "valid_from": (date.today() - timedelta(days=10)).isoformat(),
    }


def _task(community: str, kind: str, **more: Any) -> dict[str, Any]:
    return {
        "task_id": f"XH-{uuid.uuid4().hex[:8]}",
        "kind": kind,
        "title": "3号楼出租房屋人口核查" if kind != "warning" else "寒潮蓝色预警",
        "title_en": "Population check" if kind != "warning" else "Cold wave blue warning",
        "description": "请于三日内完成并反馈"
        if kind != "warning"
        else "明日起气温骤降，请注意防寒",
        "communities": [community],
        **more,
    }


def _canonical(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def test_a_population_check_becomes_a_case_and_its_states_go_back(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.issuer.bearer("admin-x", roles=["platform_admin"])
    made = await h.client.post(
        "/api/v1/exchange/agreements", json=_agreement(community), headers=admin
    )
    assert made.status_code == 201, made.text
    district = h.issuer.bearer(CLIENT, kind="service")
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    body = _task(community, "population_check", building_id="b-3", due_at=due)

    r = await h.client.post("/api/v1/exchange/tasks", json=body, headers=district)
    assert r.status_code == 201, r.text
    task = r.json()
    assert (task["sender"], task["task_id"], task["kind_text"]) == (
        "district-xh",
        body["task_id"],
        "人口核查",
    )
    [item] = task["items"]
    assert (item["community_id"], item["state"], item["state_text"]) == (
        community,
        "requested",
        "已转派",
    )
    # the same task again answers what it became; the same id with other words is refused
    again = await h.client.post("/api/v1/exchange/tasks", json=body, headers=district)
    assert again.status_code == 200 and again.json()["id"] == task["id"]
    changed = await h.client.post(
        "/api/v1/exchange/tasks", json={**body, "title": "另一个任务"}, headers=district
    )
    assert changed.status_code == 409 and changed.json()["code"] == "city_task.changed"

    # one case request to work-orders, whatever was sent again
    def asked(events: list[CloudEvent]) -> bool:
        return any(e.data.get("task_id") == task["id"] for e in events)

    requests = [
        e for e in await h.read(CityTaskCaseRequestedV1, asked) if e.data["task_id"] == task["id"]
    ]
    assert len(requests) == 1
    request = requests[0].data
    assert (request["kind"], request["community_id"], request["building_id"]) == (
        "population_check",
        community,
        "b-3",
    )
    assert request["title"] == "3号楼出租房屋人口核查" and request["sender"] == "district-xh"

    # work-orders opens the case and the grid worker accepts it: each state goes back
    case_id = f"wo-{uuid.uuid4().hex[:10]}"
    steps = [
        ("created", WorkOrderStatus.SUBMITTED, None),
        ("accepted", WorkOrderStatus.ACCEPTED, WorkOrderStatus.SUBMITTED),
    ]
    for action, status, previous in steps:
        changed_event = WorkOrderChangedV1(
            work_order_id=case_id,
            case_type="population_check",
            action=action,
            status=status,
            previous_status=previous,
            priority=WorkOrderPriority.NORMAL,
            community_id=community,
            source="city",
            external_ref=request["request_id"],
            occurred_at=datetime.now(UTC),
        )
        await h.send(changed_event, case_id)
        await h.send(changed_event, case_id)  # redelivered: reported once

    async def accepted() -> dict[str, Any] | None:
        got = await h.client.get(f"/api/v1/exchange/tasks/{task['id']}", headers=district)
        assert got.status_code == 200, got.text
        found: dict[str, Any] = got.json()
        return found if found["items"][0]["state"] == "accepted" else None

    now = await eventually(accepted, timeout=120, what="the case's state reported")
    assert now["items"][0]["work_order_id"] == case_id
    assert now["items"][0]["state_text_en"] == "accepted"

    def both(events: list[CloudEvent]) -> bool:
        states = {e.data["state"] for e in events if e.data.get("task_id") == body["task_id"]}
        return {"submitted", "accepted"} <= states

    outcomes = [
        e.data
        for e in await h.read(CityTaskOutcomeV1, both)
        if e.data.get("task_id") == body["task_id"]
    ]
    assert sorted(o["state"] for o in outcomes) == ["accepted", "submitted"]
    assert all(o["recipient"] == "district-xh" for o in outcomes)
    # each outcome is an exchange record of the agreement with the content's SHA-256
    async with h.usecases.city_tasks.db.uow(read_only=True) as uow:
        records = list(
            await uow.session.scalars(
                select(ExchangeRecordRow).where(
                    ExchangeRecordRow.agreement_id == uuid.UUID(made.json()["id"]),
                    ExchangeRecordRow.dataset == "task_outcome",
                )
            )
        )
    assert sorted(r.content["state"] for r in records) == ["accepted", "submitted"]
    assert all(r.content_sha256 == _canonical(r.content) for r in records)

    # the officer of the community reads the task; another community's does not
    officer = h.issuer.bearer("officer-c", grants=[Grant("gov_officer", "community", community)])
    listed = await h.client.get("/api/v1/exchange/tasks", headers=officer)
    assert [t["id"] for t in listed.json()["items"]] == [task["id"]]
    other = h.issuer.bearer("officer-o", grants=[Grant("gov_officer", "community", "c-other")])
    assert (
        await h.client.get(f"/api/v1/exchange/tasks/{task['id']}", headers=other)
    ).status_code == 404


async def test_a_warning_is_a_notice_and_strangers_are_refused(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.issuer.bearer("admin-x", roles=["platform_admin"])
    body = _agreement(community)
    body["recipient"] = {**body["recipient"], "code": "district-w", "client_id": "svc-district-w"}
    made = await h.client.post("/api/v1/exchange/agreements", json=body, headers=admin)
    assert made.status_code == 201, made.text
    district = h.issuer.bearer("svc-district-w", kind="service")

    warning = _task(community, "warning")
    r = await h.client.post("/api/v1/exchange/tasks", json=warning, headers=district)
    assert r.status_code == 201, r.text
    [item] = r.json()["items"]
    assert (item["state"], item["state_text"]) == ("published", "已发布公告")
    async with h.usecases.city_tasks.db.uow(read_only=True) as uow:
        notice = await uow.session.get(NoticeRow, uuid.UUID(item["notice_id"]))
        assert notice is not None
        assert (notice.status, notice.category, notice.title) == (
            "published",
            "safety",
            "寒潮蓝色预警",
        )
    # on the community's notice board, published, for its residents
    staff = h.issuer.bearer("ca-1", grants=[Grant("community_admin", "community", community)])
    seen = await h.client.get("/api/v1/notices", params={"community_id": community}, headers=staff)
    assert seen.status_code == 200, seen.text
    [listed] = [n for n in seen.json()["items"] if n["title"] == "寒潮蓝色预警"]
    assert listed["status"] == "published"

    # no agreement, a community not covered, a building for several communities: refused
    stranger = h.issuer.bearer("svc-nobody", kind="service")
    r = await h.client.post(
        "/api/v1/exchange/tasks", json=_task(community, "inspection"), headers=stranger
    )
    assert r.status_code == 403 and r.json()["code"] == "exchange.no_agreement"
    elsewhere = _task("c-not-covered", "inspection")
    r = await h.client.post("/api/v1/exchange/tasks", json=elsewhere, headers=district)
    assert r.status_code == 403 and r.json()["code"] == "exchange.community_not_covered"
    several = _task(community, "inspection", communities=[community, "c-2"], building_id="b-1")
    r = await h.client.post("/api/v1/exchange/tasks", json=several, headers=district)
    assert r.status_code == 422

"""KPIs of the service hall, community activities and payment orders from their real
topics (gov.applications.v1, gov.activities.v1, payment.orders.v1), through the KPI API,
by name in both languages; a redelivered event changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from evaluation_harness import Harness, harness_of

from evaluation_fixtures import (
    COMMUNITY,
    activity,
    anomaly,
    at,
    care_breach,
    closed,
    hall,
    paid,
    visited,
    wandering,
)
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.waiting import eventually

TOPICS = (
    "gov.applications.v1",
    "gov.activities.v1",
    "payment.orders.v1",
    "care.alerts.v1",
    "care.visits.v1",
)
KPIS = "/api/v1/evaluation/kpis"


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    async with harness_of(
        TOPICS,
        database_url=module_database_url,
        bootstrap=kafka_bootstrap,
        idempotence=kafka_idempotence,
        jwks_url=jwks_url,
        issuer=issuer,
    ) as h:
        yield h


async def test_hall_activity_and_payment_kpis_from_their_topics(harness: Harness) -> None:
    h = harness
    apps, acts, pays = "gov.applications.v1", "gov.activities.v1", "payment.orders.v1"
    application = "community.hall_application.changed.v1"
    changed, succeeded = "community.activity.changed.v1", "community.payment.order_succeeded.v1"
    closing = "community.payment.order_closed.v1"
    # each aggregate's earlier events redelivered (the same ids) before its last one, so
    # the last one counted shows the redeliveries were read
    submitted = await h.send(
        apps, application, hall("a1", "submitted", "in_review", at(2, 9)), "a1"
    )
    await h.send(
        apps, application, hall("a1", "submitted", "in_review", at(2, 9)), "a1", id=submitted
    )
    await h.send(apps, application, hall("a1", "approved", "approved", at(3, 9)), "a1")
    await h.send(apps, application, hall("a2", "submitted", "in_review", at(4, 9)), "a2")
    await h.send(apps, application, hall("a2", "rejected", "rejected", at(4, 21)), "a2")
    announced = await h.send(acts, changed, activity("x1", "announced", at(1, 9), 10, 0), "x1")
    await h.send(acts, changed, activity("x1", "announced", at(1, 9), 10, 0), "x1", id=announced)
    await h.send(acts, changed, activity("x1", "finished", at(10, 12), 10, 8, 4.0), "x1")
    await h.send(pays, succeeded, paid("p1", at(7, 9)), "p1")
    first = await h.send(pays, closing, closed("p2", at(7, 9)), "p2")
    await h.send(pays, closing, closed("p2", at(7, 9)), "p2", id=first)
    await h.send(pays, closing, closed("p3", at(7, 9)), "p3")
    await h.send(pays, succeeded, paid("p3", at(7, 10)), "p3")  # paid after closing
    staff = h.issuer.bearer("pm", grants=[Grant("property_manager", "community", COMMUNITY)])
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}

    async def counted() -> dict[str, dict[str, Any]] | None:
        r = await h.client.get(KPIS, params=params, headers=staff)
        assert r.status_code == 200, r.text
        rows = {x["code"]: x for x in r.json()["items"]}
        done = (
            rows["hall.decision_s"]["n"] == 2
            and rows["activity.held"]["value"] == 1
            and rows["pay.success_rate"]["n"] == 3
            and rows["pay.success_rate"]["num"] == 2
        )
        return rows if done else None

    rows = await eventually(counted, timeout=120)
    assert rows, "the events never all counted"
    assert rows["hall.submitted"]["value"] == 2  # a1's submission redelivered: once
    assert rows["hall.approval_rate"]["value"] == pytest.approx(0.5)
    assert rows["hall.decision_s"]["value"] == pytest.approx((24 + 12) * 3600 / 2)
    assert rows["activity.held"]["value"] == 1
    assert rows["activity.attendance_rate"]["value"] == pytest.approx(0.8)
    assert rows["activity.rating_mean"]["value"] == pytest.approx(4.0)
    assert rows["pay.success_rate"]["value"] == pytest.approx(2 / 3)  # p2 closed once
    assert rows["hall.approval_rate"]["name"] == "办件通过率"
    r = await h.client.get(KPIS, params=params, headers={**staff, "Accept-Language": "en"})
    names = {x["code"]: x["name"] for x in r.json()["items"]}
    assert names["pay.success_rate"] == "Online payments completed"
    r = await h.client.get(f"{KPIS}/pay.success_rate/services", params=params, headers=staff)
    assert [(x["name"], x["n"]) for x in r.json()["items"]] == [("停车缴费", 3)]
    # the service hall's seeded item by the name gov-affairs gives it
    r = await h.client.get(f"{KPIS}/hall.submitted/services", params=params, headers=staff)
    assert [(x["name"], x["n"]) for x in r.json()["items"]] == [("高龄补贴申请", 2)]


async def test_care_kpis_from_their_topics(harness: Harness) -> None:
    h = harness
    alerts, visits = "care.alerts.v1", "care.visits.v1"
    breached = "community.care.threshold_breached.v1"
    wandered, found = "community.care.wandering_detected.v1", "community.care.anomaly_detected.v1"
    recorded = "community.care.visit_recorded.v1"
    first = await h.send(alerts, breached, care_breach("ep1", at(2, 8)), "p-ep1")
    await h.send(alerts, breached, care_breach("ep1", at(2, 8)), "p-ep1", id=first)
    await h.send(alerts, breached, care_breach("ep2", at(3, 8), told=False), "p-ep2")
    left = await h.send(alerts, wandered, wandering("w1", "left", at(5, 10)), "w1")
    await h.send(alerts, wandered, wandering("w1", "left", at(5, 10)), "w1", id=left)
    await h.send(alerts, wandered, wandering("w1", "returned", at(5, 10.5)), "w1")
    opened = await h.send(alerts, found, anomaly("v1", at(7, 8)), "p-v1")
    await h.send(alerts, found, anomaly("v1", at(7, 8)), "p-v1", id=opened)
    await h.send(visits, recorded, visited("v1", at(7, 10)), "v1")
    staff = h.issuer.bearer("pm", grants=[Grant("property_manager", "community", COMMUNITY)])
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}

    async def counted() -> dict[str, dict[str, Any]] | None:
        r = await h.client.get(KPIS, params=params, headers=staff)
        assert r.status_code == 200, r.text
        rows = {x["code"]: x for x in r.json()["items"]}
        done = (
            rows["care.breach_told_rate"]["n"] == 2
            and rows["care.wandering_return_s"]["n"] == 1
            and rows["care.check_time_s"]["n"] == 1
        )
        return rows if done else None

    rows = await eventually(counted, timeout=120)
    assert rows, "the care events never all counted"
    assert rows["care.breaches"]["value"] == 2  # ep1 redelivered: once
    assert rows["care.breach_told_rate"]["value"] == pytest.approx(0.5)
    assert rows["care.wandering"]["value"] == 1
    assert rows["care.wandering_return_s"]["value"] == pytest.approx(30 * 60)
    assert rows["care.checks_opened"]["value"] == 1
    assert rows["care.checks_done"]["value"] == 1
    assert rows["care.check_time_s"]["value"] == pytest.approx(2 * 3600)
    assert rows["care.wandering"]["name"] == "走失预警次数"
    r = await h.client.get(f"{KPIS}/care.breaches/services", params=params, headers=staff)
    assert [(x["name"], x["n"]) for x in r.json()["items"]] == [("血压", 2)]

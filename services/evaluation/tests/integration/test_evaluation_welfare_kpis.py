"""Welfare coverage KPIs from gov-affairs' real topic (gov.welfare.v1), through the KPI API,
by name in both languages, per programme and per grid: records begun, ended and months
paid (one per record and month); a redelivered event or a month paid twice changes nothing,
and steps that are not enrolment, ending or payment (a re-examination, a disability
certificate, an assistive device) count nowhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from evaluation_harness import Harness, harness_of

from evaluation_fixtures import COMMUNITY, at
from sc_contracts.events.gov import WelfareChangedV1
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.waiting import eventually

TOPIC, TYPE = "gov.welfare.v1", "community.welfare.changed.v1"
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
        (TOPIC,),
        database_url=module_database_url,
        bootstrap=kafka_bootstrap,
        idempotence=kafka_idempotence,
        jwks_url=jwks_url,
        issuer=issuer,
    ) as h:
        yield h


def welfare(
    record: str,
    action: str,
    when: datetime,
    *,
    programme: str = "dibao",
    status: str = "active",
    month: str | None = None,
    grid: str = "G7",
) -> WelfareChangedV1:
    return WelfareChangedV1(
        beneficiary_id=record,
        programme=programme,
        community_id=COMMUNITY,
        grid_id=grid,
        action=action,
        status=status,
        monthly_amount="800.00",
        month=month,
        amount="800.00" if action == "paid" else None,
        occurred_at=when,
    )


async def test_welfare_coverage_from_the_welfare_topic(harness: Harness) -> None:
    h = harness

    async def send(record: str, data: WelfareChangedV1, id: str | None = None) -> str:
        return await h.send(TOPIC, TYPE, data, record, id=id)

    begun = await send("r1", welfare("r1", "enrolled", at(2, 9)))
    await send("r1", welfare("r1", "enrolled", at(2, 9)), id=begun)  # redelivered
    await send("r1", welfare("r1", "paid", at(5, 9), month="2026-11"))
    await send("r1", welfare("r1", "paid", at(6, 9), month="2026-11"))  # the month again
    await send("r1", welfare("r1", "reviewed", at(8, 9)))  # counts nowhere
    await send("r2", welfare("r2", "enrolled", at(3, 9), programme="old_age_allowance"))
    await send(
        "r2", welfare("r2", "paid", at(5, 10), programme="old_age_allowance", month="2026-11")
    )
    await send("r3", welfare("r3", "paid", at(5, 11), month="2026-11", grid="G8"))
    await send("r3", welfare("r3", "ended", at(20, 9), status="ended", grid="G8"))
    await send(
        "d1", welfare("d1", "registered", at(4, 9), programme="disability_card", status="valid")
    )
    staff = h.issuer.bearer("pm", grants=[Grant("community_admin", "community", COMMUNITY)])
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}

    async def counted() -> dict[str, dict[str, Any]] | None:
        r = await h.client.get(KPIS, params=params, headers=staff)
        assert r.status_code == 200, r.text
        rows = {x["code"]: x for x in r.json()["items"]}
        done = rows["welfare.ended"]["value"] == 1 and rows["welfare.paid_months"]["value"] == 3
        return rows if done else None

    rows = await eventually(counted, timeout=120)
    assert rows, "the welfare events never all counted"
    assert rows["welfare.enrolled"]["value"] == 2  # r1's enrolment redelivered: once
    assert rows["welfare.paid_months"]["value"] == 3  # r1's November once, r2, r3
    assert rows["welfare.ended"]["value"] == 1
    assert rows["welfare.paid_months"]["name"] == "救助金发放人次"
    assert "每人每月只计一次" in rows["welfare.paid_months"]["definition"]
    r = await h.client.get(KPIS, params=params, headers={**staff, "Accept-Language": "en"})
    names = {x["code"]: x["name"] for x in r.json()["items"]}
    assert names["welfare.enrolled"] == "Welfare records begun"

    # per programme, by the name the street office reads
    r = await h.client.get(f"{KPIS}/welfare.paid_months/services", params=params, headers=staff)
    assert sorted((x["name"], x["n"]) for x in r.json()["items"]) == [
        ("最低生活保障", 2),
        ("高龄补贴申请", 1),
    ]
    # per grid
    grid = await h.client.get(
        KPIS, params={**params, "scope": "grid", "scope_id": "G8"}, headers=staff
    )
    by_grid = {x["code"]: x for x in grid.json()["items"]}
    assert (by_grid["welfare.paid_months"]["value"], by_grid["welfare.ended"]["value"]) == (1, 1)
    assert by_grid["welfare.enrolled"]["value"] in (None, 0)

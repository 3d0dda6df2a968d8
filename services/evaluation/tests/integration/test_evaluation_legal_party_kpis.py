"""Legal services and party affairs from gov-affairs' real topics (gov.legal.v1, gov.party.v1),
through the KPI API (6.5.4 c, 6.5.2 b): legal consultations booked, kept or cancelled (by
the resident, the office, or with a withdrawn slot) and their latest stars; residents'
opinions to a party organisation answered within 7 days of being given (not yet answered
counts as not in time, until it is); 三会一课 held and their attendance. A redelivered event
changes nothing; every KPI named in both languages, the matters and meeting kinds in words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from evaluation_harness import Harness, harness_of

from evaluation_fixtures import COMMUNITY, at
from sc_contracts.events import (
    LegalBookingChangedV1,
    PartyMeetingRecordedV1,
    PartyOpinionChangedV1,
)
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.waiting import eventually

LEGAL, PARTY = "gov.legal.v1", "gov.party.v1"
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
        (LEGAL, PARTY),
        database_url=module_database_url,
        bootstrap=kafka_bootstrap,
        idempotence=kafka_idempotence,
        jwks_url=jwks_url,
        issuer=issuer,
    ) as h:
        yield h


def booking(
    booking_id: str,
    action: str,
    status: str,
    when: datetime,
    *,
    topic: str = "family",
    rating: int | None = None,
) -> LegalBookingChangedV1:
    return LegalBookingChangedV1(
        booking_id=booking_id,
        community_id=COMMUNITY,
        lawyer_id="lw-1",
        slot_id=f"slot-{booking_id}",
        action=action,
        status=status,
        topic=topic,
        starts_at=at(20, 9),
        fee_fen=0,
        rating=rating,
        occurred_at=when,
    )


def opinion(
    opinion_id: str, action: str, given: datetime, answered: datetime | None = None
) -> PartyOpinionChangedV1:
    return PartyOpinionChangedV1(
        opinion_id=opinion_id,
        org_id="po-1",
        community_id=COMMUNITY,
        action=action,
        given_at=given,
        answered_at=answered,
        occurred_at=answered or given,
    )


async def kpi_rows(h: Harness, lang: str = "zh-CN") -> dict[str, dict[str, Any]]:
    staff = h.issuer.bearer("ca", grants=[Grant("community_admin", "community", COMMUNITY)])
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}
    r = await h.client.get(KPIS, params=params, headers={**staff, "Accept-Language": lang})
    assert r.status_code == 200, r.text
    return {x["code"]: x for x in r.json()["items"]}


async def services(h: Harness, kpi: str) -> list[tuple[str, float]]:
    staff = h.issuer.bearer("ca", grants=[Grant("community_admin", "community", COMMUNITY)])
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}
    r = await h.client.get(f"{KPIS}/{kpi}/services", params=params, headers=staff)
    assert r.status_code == 200, r.text
    return sorted((x["name"], x["n"]) for x in r.json()["items"])


async def test_legal_bookings_kept_cancelled_and_rated(harness: Harness) -> None:
    h = harness

    async def send(data: LegalBookingChangedV1, id: str | None = None) -> str:
        return await h.send(LEGAL, LegalBookingChangedV1.event_type, data, data.booking_id, id=id)

    # kept and rated twice (the latest stars count), redelivered
    await send(booking("b1", "booked", "booked", at(2, 9)))
    kept = await send(booking("b1", "consulted", "done", at(20, 10)))
    await send(booking("b1", "consulted", "done", at(20, 10)), id=kept)
    await send(booking("b1", "case_linked", "done", at(20, 11)))
    await send(booking("b1", "rated", "done", at(21, 9), rating=2))
    await send(booking("b1", "rated", "done", at(21, 10), rating=4))
    # kept, rated 5, about work
    await send(booking("b2", "booked", "booked", at(3, 9), topic="labour"))
    await send(booking("b2", "consulted", "done", at(20, 12), topic="labour"))
    await send(booking("b2", "rated", "done", at(22, 9), topic="labour", rating=5))
    # cancelled by the resident; withdrawn with its slot (a later step adds nothing)
    await send(booking("b3", "booked", "booked", at(4, 9)))
    await send(booking("b3", "cancelled", "cancelled", at(5, 9)))
    await send(booking("b4", "booked", "booked", at(6, 9), topic="labour"))
    await send(booking("b4", "withdrawn", "cancelled", at(7, 9), topic="labour"))
    await send(booking("b4", "cancelled", "cancelled", at(7, 10), topic="labour"))
    # booked, still to come: booked, not yet kept or not
    await send(booking("b5", "booked", "booked", at(8, 9)))

    async def counted() -> dict[str, dict[str, Any]] | None:
        rows = await kpi_rows(h)
        done = (rows["legal.booked"]["value"], rows["legal.cancelled"]["value"]) == (5, 2)
        return rows if done and rows["legal.rating_mean"]["value"] == 4.5 else None

    rows = await eventually(counted, timeout=120, interval=0.5)
    assert rows, "the legal events never all counted"
    assert rows["legal.kept_rate"]["value"] == 0.5  # 2 kept of 4 ended
    assert rows["legal.booked"]["name"] == "法律咨询预约数"
    assert rows["legal.kept_rate"]["name"] == "法律咨询履约率"
    assert "律师撤下" in rows["legal.kept_rate"]["definition"]
    assert rows["legal.rating_mean"]["name"] == "法律咨询平均评分"
    en = await kpi_rows(h, "en")
    assert en["legal.cancelled"]["name"] == "Legal consultations cancelled"
    assert en["legal.rating_mean"]["name"] == "Legal consultation rating"
    assert await services(h, "legal.booked") == [("劳动用工", 2), ("婚姻家庭", 3)]


async def test_party_opinions_answered_in_time_and_meetings(harness: Harness) -> None:
    h = harness

    async def send(data: PartyOpinionChangedV1 | PartyMeetingRecordedV1) -> str:
        return await h.send(PARTY, data.event_type, data, data.org_id)

    await send(opinion("o1", "given", at(2, 9)))
    await send(opinion("o1", "answered", at(2, 9), at(4, 9)))  # in 2 days
    await send(opinion("o1", "answered", at(2, 9), at(12, 9)))  # answered again: the first counts
    await send(opinion("o2", "answered", at(3, 9), at(10, 10)))  # 7 days and 1 hour: late
    await send(opinion("o2", "given", at(3, 9)))  # arrives after its answer
    await send(opinion("o3", "given", at(5, 9)))  # not answered yet
    meeting = PartyMeetingRecordedV1(
        meeting_id="m1",
        org_id="po-1",
        community_id=COMMUNITY,
        kind="party_lecture",
        held_on="2026-11-15",
        members=4,
        attended=3,
        excused=1,
        absent=0,
        occurred_at=at(15, 18),
    )
    await send(meeting)

    async def counted() -> dict[str, dict[str, Any]] | None:
        rows = await kpi_rows(h)
        rate = rows["party.opinions_answered_rate"]
        return rows if rate["value"] is not None and rows["party.meetings"]["value"] else None

    rows = await eventually(counted, timeout=120, interval=0.5)
    assert rows, "the party events never counted"

    async def all_three() -> float | None:
        value = (await kpi_rows(h))["party.opinions_answered_rate"]["value"]
        return value if value is not None and abs(value - 1 / 3) < 1e-9 else None

    in_time = await eventually(all_three, timeout=120, interval=0.5)
    assert in_time, "three opinions, one answered in time"
    rows = await kpi_rows(h)
    assert rows["party.opinions_answered_rate"]["name"] == "党组织意见及时答复率"
    assert "7天内" in rows["party.opinions_answered_rate"]["definition"]
    assert (rows["party.meetings"]["value"], rows["party.attendance_rate"]["value"]) == (1, 0.75)
    en = await kpi_rows(h, "en")
    assert en["party.opinions_answered_rate"]["name"] == "Opinions answered within 7 days"
    assert en["party.attendance_rate"]["name"] == "Party meeting attendance"
    assert await services(h, "party.meetings") == [("党课", 1)]

    # o3 answered on day 9 (within 7 days of the 5th): two of three in time now
    await send(opinion("o3", "answered", at(5, 9), at(9, 9)))

    async def two_of_three() -> float | None:
        value = (await kpi_rows(h))["party.opinions_answered_rate"]["value"]
        return value if value is not None and abs(value - 2 / 3) < 1e-9 else None

    now_in_time = await eventually(two_of_three, timeout=120, interval=0.5)
    assert now_in_time, "the late answer never counted"
